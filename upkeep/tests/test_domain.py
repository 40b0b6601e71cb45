"""The revision clock (预案 9.1.4) and the training figures, without a database."""

import datetime as dt

from upkeep import domain

D = dt.date


def test_the_2023_plan_is_due_for_revision_three_years_after_its_issue():
    clock = domain.revision_clock(issued_on=domain.BASE_EDITION.issued_on, open_triggers_on=[], today=D(2026, 6, 1))
    assert domain.BASE_EDITION.number == "阳政办发〔2023〕85号"
    assert clock.due == clock.regular_due == D(2026, 11, 28)
    assert clock.state == "ok" and not clock.by_trigger and clock.days_left == 180


def test_the_clock_warns_within_ninety_days_and_is_overdue_after_the_date():
    issued = D(2023, 11, 28)
    assert domain.revision_clock(issued_on=issued, open_triggers_on=[], today=D(2026, 9, 1)).state == "soon"
    assert domain.revision_clock(issued_on=issued, open_triggers_on=[], today=D(2026, 11, 28)).state == "soon"
    late = domain.revision_clock(issued_on=issued, open_triggers_on=[], today=D(2026, 12, 7))
    assert late.overdue and late.days_overdue == 9


def test_an_open_situation_brings_the_revision_forward():
    clock = domain.revision_clock(
        issued_on=D(2023, 11, 28),
        open_triggers_on=[D(2025, 3, 10), D(2025, 1, 5)],
        today=D(2025, 2, 1),
        trigger_days=90,
    )
    assert clock.by_trigger and clock.trigger_on == D(2025, 1, 5)
    assert clock.due == D(2025, 4, 5) and clock.regular_due == D(2026, 11, 28)


def test_a_situation_after_the_regular_date_does_not_postpone_it():
    clock = domain.revision_clock(issued_on=D(2023, 11, 28), open_triggers_on=[D(2026, 10, 1)], today=D(2026, 10, 2))
    assert clock.due == D(2026, 11, 28) and not clock.by_trigger


def test_an_edition_of_29_february_is_due_on_28_february():
    assert domain.add_years(D(2024, 2, 29), 3) == D(2027, 2, 28)


def test_training_figures_must_add_up():
    ok = domain.training_problems(attendee_count=30, assessment="written", assessed_count=30, passed_count=28)
    assert ok == []
    assert "参加考核人数不能多于参训人数。" in domain.training_problems(
        attendee_count=10, assessment="written", assessed_count=12, passed_count=10
    )
    assert "考核合格人数不能多于参加考核人数。" in domain.training_problems(
        attendee_count=10, assessment="oral", assessed_count=8, passed_count=9
    )
    assert "请填写参加考核人数。" in domain.training_problems(
        attendee_count=10, assessment="practical", assessed_count=None, passed_count=None
    )
    assert domain.training_problems(attendee_count=10, assessment="none", assessed_count=None, passed_count=None) == []
