"""The pure rules of supervision/domain.py: the heating season, repeat offenders (屡查屡犯, §7.2)
and the tip-off routing table (§7.3, 附件2)."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts.domain import season as heating
from supervision import domain
from supervision.domain import Violation


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2026, 11, 1), "2026-2027"),
        (dt.date(2026, 12, 31), "2026-2027"),
        (dt.date(2027, 3, 31), "2026-2027"),
        (dt.date(2027, 4, 1), None),
        (dt.date(2026, 10, 31), None),
        (dt.date(2026, 7, 15), None),
    ],
)
def test_the_default_heating_season_is_1_november_to_31_march(day, expected):
    assert domain.heating_season_of(day) == expected


def test_a_season_within_one_year_and_a_bad_span():
    assert domain.heating_season_of(dt.date(2026, 7, 1), "06-01:08-31") == "2026"
    assert domain.heating_season_of(dt.date(2026, 11, 20), "11-15:03-15") == "2026-2027"
    assert domain.heating_season_of(dt.date(2026, 11, 10), "11-15:03-15") is None
    with pytest.raises(ValueError):
        heating.parse("winter")
    with pytest.raises(ValueError):
        heating.parse("02-30:03-31")


def test_a_site_is_its_enterprise_or_its_name_within_its_county():
    assert domain.site_key(enterprise_id=7, name="x", county="140321") == "enterprise:7"
    assert domain.site_key(enterprise_id=None, name=" 某 工地 ", county="140321") == domain.site_key(
        enterprise_id=None, name="某工地", county="140321"
    )
    assert domain.site_key(enterprise_id=None, name="某工地", county="140322") != domain.site_key(
        enterprise_id=None, name="某工地", county="140321"
    )
    assert domain.site_key(enterprise_id=None, name="  ", county=None) == ""


def test_found_again_in_the_same_season_is_a_repeat_offender():
    found = domain.repeat_offenders(
        [
            Violation(1, "enterprise:1", dt.date(2026, 11, 5), None),
            Violation(2, "enterprise:1", dt.date(2027, 2, 1), None),
            Violation(3, "enterprise:2", dt.date(2026, 11, 5), None),
        ]
    )
    assert set(found) == {"enterprise:1"}
    assert found["enterprise:1"].inspection_ids == {1, 2} and found["enterprise:1"].seasons == {"2026-2027"}


def test_found_again_in_the_same_response_out_of_season_is_a_repeat_offender():
    found = domain.repeat_offenders(
        [
            Violation(1, "site:140321:某厂", dt.date(2026, 6, 1), 9),
            Violation(2, "site:140321:某厂", dt.date(2026, 6, 3), 9),
        ]
    )
    assert found["site:140321:某厂"].responses == {9} and not found["site:140321:某厂"].seasons


def test_two_seasons_or_two_responses_apart_is_no_repeat():
    found = domain.repeat_offenders(
        [
            Violation(1, "enterprise:1", dt.date(2026, 1, 5), 1),
            Violation(2, "enterprise:1", dt.date(2026, 12, 5), 2),
            Violation(3, "enterprise:3", dt.date(2026, 6, 5), 3),
            Violation(4, "enterprise:3", dt.date(2026, 7, 5), 4),
            Violation(5, "", dt.date(2026, 12, 5), 2),
            Violation(6, "", dt.date(2026, 12, 6), 2),
        ]
    )
    assert found == {}


@pytest.mark.parametrize(
    "category,area,expected",
    [
        ("enterprise", "140321", "shengtai"),
        ("enterprise", None, "shengtai"),
        ("dust", "140302", "zhujian"),
        ("vehicle", None, "jiaojing"),
        ("fireworks", "140322", "gongan"),
        ("burning", "140321", "pingding"),
        ("burning", "kfq", "kaifaqu"),
        ("burning", None, None),
        ("other", "140321", None),
        ("unknown", "140321", None),
    ],
)
def test_tipoff_routing_table(category, area, expected):
    governments = {"140321": "pingding", "140322": "yuxian", "kfq": "kaifaqu"}
    assert domain.tipoff_route(category, area, governments) == expected
