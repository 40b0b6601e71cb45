"""Daily reports: due 10:00 of the next day (frozen clock), the daily clocks opened at 00:00, the
09:00 reminder to units that have not filed (once), compliance on time / late / missing (§5.4)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from audit.models import AuditEntry
from deadlines.models import Deadline
from notifications.models import Notification
from response import services
from response.handlers import orders_for_form
from response.selectors import compliance_grid, compliance_on
from response.tasks import open_daily_deadlines, remind_daily_reports

from .conftest import at

DAY1 = dt.date(2026, 12, 1)


def file(user, when, day=DAY1, **extra):
    with time_machine.travel(when, tick=False):
        return services.daily_report_submit(actor=user, report_date=day, content="已落实各项措施", **extra)


def status_of(rows, slug):
    return next(row.status for row in rows if row.unit.slug == slug)


def test_filed_at_0959_is_on_time_1001_is_late_none_is_missing(started, people):
    on_time = file(people["jiaotong"], at(2, 9, 59))
    late = file(people["shengtai"], at(2, 10, 1))
    assert on_time.late is False and late.late is True
    with time_machine.travel(at(2, 10, 30), tick=False):
        response, rows = compliance_on(DAY1)
    assert response == started
    assert status_of(rows, "jiaotong") == "on_time"
    assert status_of(rows, "shengtai") == "late"
    assert status_of(rows, "jiaoyu") == "missing"
    assert len(rows) == 33


def test_exactly_ten_oclock_is_still_on_time(started, people):
    assert file(people["jiaotong"], at(2, 10, 0, 0)).late is False


def test_before_ten_a_missing_report_is_pending_not_missing(started):
    with time_machine.travel(at(2, 9, 0), tick=False):
        _, rows = compliance_on(DAY1)
    assert {row.status for row in rows} == {"pending"}


def test_the_unit_is_the_users_own_and_other_roles_cannot_file(started, people):
    report = file(people["jiaoyu"], at(2, 8))
    assert report.unit.slug == "jiaoyu" and report.response == started
    with pytest.raises(services.NotYourUnitError):
        file(people["office"], at(2, 8))
    assert AuditEntry.objects.filter(action="response.report.submitted", actor=people["jiaoyu"]).count() == 1


def test_one_report_per_unit_and_day(started, people):
    first = file(people["jiaotong"], at(2, 8))
    with pytest.raises(services.DailyReportExistsError) as refused:
        file(people["jiaotong"], at(2, 9))
    assert refused.value.report == first


def test_a_day_outside_any_response_is_refused(started, people):
    with pytest.raises(services.ResponseError, match="不在应急响应期间"):
        file(people["jiaotong"], at(2, 8), day=dt.date(2026, 11, 28))
    with pytest.raises(services.ResponseError, match="今天以后"):
        file(people["jiaotong"], at(2, 8), day=dt.date(2026, 12, 3))


def test_daily_clocks_open_at_midnight_once_and_filing_meets_them(started, people):
    with time_machine.travel(at(2, 0, 1), tick=False):
        assert open_daily_deadlines() == 33
        assert open_daily_deadlines() == 33
    key = f"daily:{started.pk}:{people['jiaotong'].unit_id}:2026-12-01"
    deadline = Deadline.objects.get(key=key)
    assert deadline.kind == "daily_report" and deadline.due_at == at(2, 10)
    assert deadline.warning == started.warning
    assert Deadline.objects.filter(kind="daily_report").count() == 33
    file(people["jiaotong"], at(2, 9, 30))
    deadline.refresh_from_db()
    assert deadline.met_at == at(2, 9, 30)


def test_no_clock_for_the_day_before_the_response_started(started):
    with time_machine.travel(at(1, 12), tick=False):
        assert open_daily_deadlines() == 0
    assert not Deadline.objects.filter(kind="daily_report").exists()


def test_reminder_at_nine_only_to_units_without_a_report_and_only_once(started, people):
    file(people["jiaotong"], at(2, 8, 30))
    with time_machine.travel(at(2, 9, 0), tick=False):
        assert remind_daily_reports() == 2  # shengtai and jiaoyu have users and no report
        assert remind_daily_reports() == 0
    reminders = Notification.objects.filter(kind="response.daily_report.reminder")
    recipients = set(reminders.values_list("recipient__username", flat=True))
    assert recipients == {people["shengtai"].username, people["jiaoyu"].username}
    assert reminders.filter(recipient=people["shengtai"]).count() == 1
    assert "10:00" in reminders.first().title
    key = f"daily:{started.pk}:{people['shengtai'].unit_id}:2026-12-01"
    assert Deadline.objects.get(key=key).reminded_at == at(2, 9, 0)


def test_no_reminder_without_a_response(people):
    with time_machine.travel(at(2, 9, 0), tick=False):
        assert remind_daily_reports() == 0
    assert not Notification.objects.filter(kind="response.daily_report.reminder").exists()


def test_the_last_days_report_is_owed_the_morning_after_the_lift_and_nothing_later(started, decide, people):
    """§9: each day of the response is reported, the last day included: lifted at 08:00 on the
    2nd, the report on the 2nd is due at 10:00 on the 3rd (as the closing notice asks)."""
    form = decide("lift", None, at(2, 8))
    with time_machine.travel(at(2, 8, 1), tick=False):
        orders_for_form({"form_id": form.pk})
    with time_machine.travel(at(3, 0, 1), tick=False):
        assert open_daily_deadlines() == 33
    key = f"daily:{started.pk}:{people['jiaoyu'].unit_id}:2026-12-02"
    assert Deadline.objects.get(key=key).due_at == at(3, 10)
    with time_machine.travel(at(3, 9, 0), tick=False):
        assert remind_daily_reports() == 3  # jiaotong, shengtai and jiaoyu have users
    file(people["jiaoyu"], at(3, 9, 30), day=dt.date(2026, 12, 2))
    assert Deadline.objects.get(key=key).met_at == at(3, 9, 30)
    with time_machine.travel(at(4, 0, 1), tick=False):
        assert open_daily_deadlines() == 0
    with time_machine.travel(at(4, 9, 0), tick=False):
        assert remind_daily_reports() == 0
    with pytest.raises(services.ResponseError, match="不在应急响应期间"):
        file(people["jiaoyu"], at(4, 9), day=dt.date(2026, 12, 3))


def test_the_lift_leaves_the_open_daily_clocks_running(started, decide, people):
    """The report on the day before the lift is still owed after the lift: its clock is not cancelled."""
    with time_machine.travel(at(2, 0, 1), tick=False):
        open_daily_deadlines()
    form = decide("lift", None, at(2, 8))
    with time_machine.travel(at(2, 8, 1), tick=False):
        orders_for_form({"form_id": form.pk})
    assert Deadline.objects.filter(kind="daily_report", cancelled_at__isnull=False).count() == 0
    assert Deadline.objects.filter(kind="daily_report", met_at__isnull=True).count() == 33


def test_grid_covers_the_days_of_the_response(started, people, decide):
    file(people["jiaotong"], at(2, 9))
    file(people["jiaotong"], at(3, 11), day=dt.date(2026, 12, 2))
    form = decide("lift", None, at(4, 8))
    with time_machine.travel(at(4, 8, 1), tick=False):
        orders_for_form({"form_id": form.pk})
    started.refresh_from_db()
    with time_machine.travel(at(5, 12), tick=False):
        days, rows, totals = compliance_grid(started)
    assert days == [dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3), dt.date(2026, 12, 4)]
    jiaotong = next(row for row in rows if row.unit.slug == "jiaotong")
    # §9: every day of the response is owed, the last day (the 4th, lifted at 08:00) included:
    # the report on the 3rd was due at 10:00 on the 4th, the one on the 4th at 10:00 on the 5th.
    assert [status for _, status, _ in jiaotong.cells] == ["on_time", "late", "missing", "missing"]
    jiaoyu = next(row for row in rows if row.unit.slug == "jiaoyu")
    assert [status for _, status, _ in jiaoyu.cells] == ["missing", "missing", "missing", "missing"]
    assert totals["on_time"] == 1 and totals["late"] == 1 and totals["missing"] == 2 + 4 * 32
    with time_machine.travel(at(5, 9), tick=False):
        _, rows, totals = compliance_grid(started)
    assert totals["pending"] == 33  # the last day's reports, before their 10:00


def test_figures_and_counts_are_validated(started, people):
    with pytest.raises(services.ResponseError):
        file(people["jiaotong"], at(2, 9), figures=["not", "a", "dict"])
    with pytest.raises(services.ResponseError):
        file(people["jiaotong"], at(2, 9), inspections=-1)
    report = file(people["jiaotong"], at(2, 9), figures={"停产企业数": 12, "洒水车次": "40"}, inspections="3")
    assert report.figures == {"停产企业数": 12, "洒水车次": "40"} and report.inspections == 3


def test_the_generic_deadline_tick_does_not_remind_a_unit_twice(started, people):
    from deadlines.services import deadlines_tick

    with time_machine.travel(at(2, 9, 0), tick=False):
        remind_daily_reports()
    with time_machine.travel(at(2, 9, 1), tick=False):
        deadlines_tick()
    assert not Notification.objects.filter(recipient=people["shengtai"], kind="alerts.deadline.remind").exists()
    assert Notification.objects.filter(recipient=people["shengtai"], kind="response.daily_report.reminder").count() == 1
