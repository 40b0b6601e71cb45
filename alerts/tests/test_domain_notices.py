"""Notices in the city's decisions (warning-rules.md edition 2 §8): routing on the higher level,
consent for every decision that leaves the city below a notice in force, closing a clock."""

from __future__ import annotations

import pytest

from alerts.domain.notices import approver_for, close_problem, consent_problem, highest


def test_highest_of_no_levels_is_none():
    assert highest([]) == "none"
    assert highest(["yellow", "red", "orange"]) == "red"


@pytest.mark.parametrize(
    ("from_level", "to_level", "notices", "approver"),
    [
        ("none", "orange", ["red"], "commander"),  # a red regional notice answered at orange with consent
        ("none", "orange", ["orange"], "vice_commander"),
        ("orange", "none", ["red"], "commander"),  # lifting under a red notice
        ("orange", "yellow", ["orange"], "vice_commander"),
        ("red", "orange", [], "commander"),
        ("none", "yellow", [], "vice_commander"),
        ("yellow", "orange", ["yellow", "red"], "commander"),
    ],
)
def test_decisions_are_routed_on_the_higher_of_the_city_and_the_notices(from_level, to_level, notices, approver):
    assert approver_for(from_level=from_level, to_level=to_level, notice_levels=notices) == approver


@pytest.mark.parametrize(
    ("to_level", "notices", "consent", "refused"),
    [
        ("yellow", ["red"], "", True),  # a downgrade to yellow under a red notice, named or not
        ("none", ["red"], "", True),  # a lift under a red notice
        ("orange", ["red"], "省办 12 月 6 日电话同意按橙色响应（经办人：张三）", False),
        ("red", ["red"], "", False),
        ("none", [], "", False),
        ("yellow", ["yellow"], "", False),
        ("none", ["yellow"], "", True),
    ],
)
def test_consent_is_needed_for_every_decision_below_a_notice_in_force(to_level, notices, consent, refused):
    problem = consent_problem(to_level=to_level, notice_levels=notices, consent=consent)
    assert (problem is not None) is refused
    if refused:
        assert "须经省重污染天气应急指挥部办公室同意" in problem


def test_a_notice_clock_is_closed_only_when_the_city_already_meets_it_and_with_a_reason():
    assert close_problem(notice_level="orange", city_level="yellow", reason="已响应") is not None
    assert "办结理由" in close_problem(notice_level="orange", city_level="orange", reason=" ")
    assert close_problem(notice_level="orange", city_level="red", reason="本市已按红色预警响应") is None
