"""The deadline clock (deadlines/services.py, beat task deadlines.tasks.tick_deadlines): reminded
before, escalated to the office head and then to the approver after; each step once, however
often the beat ticks, and never twice when two ticks run at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from accounts.roles import Role
from alerts import services as alert_services
from alerts.domain.lifecycle import SHANGHAI
from alerts.models import ApprovalForm
from audit.models import AuditEntry
from deadlines import services
from deadlines.countdown import remaining
from deadlines.models import Deadline
from deadlines.services import deadline_step_send, deadlines_tick
from deadlines.tasks import tick_deadlines
from notifications.models import Notification
from tests.factories import warning_content

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def people_cast():
    """The office's head and a clerk (the head is told of what is overdue), the leaders, a unit's user."""
    return ("head", "clerk", "vice", "commander", "unit")


def notices(kind: str) -> set[str]:
    return set(
        Notification.objects.filter(kind=f"alerts.deadline.{kind}").values_list("recipient__username", flat=True)
    )


def tick_at(moment: dt.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return deadlines_tick()


def test_form_clock_is_reminded_then_escalated_each_step_once(people):
    deadline = services.deadline_start(kind="form", key="form:notice:test", start=T0)
    assert deadline.due_at == T0 + dt.timedelta(hours=1)

    assert tick_at(T0 + dt.timedelta(minutes=30)) == {"remind": 0, "escalate_office": 0, "escalate_approver": 0}

    # 20 minutes before the due time: the office is reminded, once.
    assert tick_at(T0 + dt.timedelta(minutes=41))["remind"] == 1
    assert tick_at(T0 + dt.timedelta(minutes=42))["remind"] == 0
    assert tick_at(T0 + dt.timedelta(minutes=59))["remind"] == 0
    assert notices("remind") == {people["head"].username, people["clerk"].username}

    # Passed: the office head (position 主任), not the clerk.
    assert tick_at(T0 + dt.timedelta(minutes=61))["escalate_office"] == 1
    assert tick_at(T0 + dt.timedelta(minutes=75))["escalate_office"] == 0
    assert notices("escalate_office") == {people["head"].username}

    # 30 minutes later: the approver (no form: the vice-commander).
    assert tick_at(T0 + dt.timedelta(minutes=91))["escalate_approver"] == 1
    assert tick_at(T0 + dt.timedelta(hours=5)) == {"remind": 0, "escalate_office": 0, "escalate_approver": 0}
    assert notices("escalate_approver") == {people["vice"].username}

    deadline.refresh_from_db()
    assert deadline.reminded_at == T0 + dt.timedelta(minutes=41)
    assert deadline.escalated_office_at == T0 + dt.timedelta(minutes=61)
    assert deadline.escalated_approver_at == T0 + dt.timedelta(minutes=91)
    steps = list(
        AuditEntry.objects.filter(target_id=str(deadline.pk), action__startswith="alerts.deadline.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert steps == [
        "alerts.deadline.reminded",
        "alerts.deadline.escalated_office",
        "alerts.deadline.escalated_approver",
    ]
    assert Notification.objects.filter(kind__startswith="alerts.deadline.").count() == 4


def test_a_met_deadline_is_left_alone(people):
    services.deadline_start(kind="form", key="form:consultation:1", start=T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        services.deadline_meet(key="form:consultation:1")
    assert tick_at(T0 + dt.timedelta(hours=3)) == {"remind": 0, "escalate_office": 0, "escalate_approver": 0}
    assert not Notification.objects.filter(kind__startswith="alerts.deadline.").exists()


def test_the_escalation_of_a_red_form_goes_to_the_commander(people):
    form = alert_services.form_draft(
        actor=people["clerk"],
        action="issue",
        level="red",
        basis="依据",
        content="内容",
        effective_at=T0,
        **warning_content(),
    )
    assert form.approver_role == "commander"
    services.deadline_start(kind="publish", key=f"publish:form:{form.pk}", start=T0, warning=form.warning, form=form)
    tick_at(T0 + dt.timedelta(hours=2, minutes=31))
    assert notices("escalate_approver") == {people["commander"].username}
    link = Notification.objects.get(kind="alerts.deadline.escalate_approver").link
    assert link == f"/warnings/{form.warning_id}/"


def test_a_missed_beat_escalates_without_a_late_reminder(people):
    """The beat was down through the reminder and the due time: both escalations, no reminder."""
    services.deadline_start(kind="form", key="form:notice:late", start=T0)
    sent = tick_at(T0 + dt.timedelta(hours=2))
    assert sent == {"remind": 0, "escalate_office": 1, "escalate_approver": 1}
    assert notices("escalate_office") == {people["head"].username}


def test_without_an_office_head_the_whole_office_hears(make_user):
    clerks = {make_user(Role.OFFICE).username, make_user(Role.OFFICE, position="副科长").username}
    services.deadline_start(kind="form", key="form:notice:nohead", start=T0)
    tick_at(T0 + dt.timedelta(minutes=65))
    assert notices("escalate_office") == clerks


def test_a_unit_deadline_reminds_the_unit_too(people):
    unit = people["unit"].unit
    services.deadline_start(
        kind="daily_report", key=f"daily:{unit.pk}:2026-12-01", start=T0 - dt.timedelta(hours=2), unit=unit
    )
    assert tick_at(T0 + dt.timedelta(minutes=5))["remind"] == 1  # due 10:00, reminded from 09:00
    assert notices("remind") == {people["head"].username, people["clerk"].username, people["unit"].username}


def test_the_beat_task_runs_the_tick(people):
    services.deadline_start(kind="form", key="form:notice:task", start=T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=45), tick=False):
        assert tick_deadlines.apply().get() == {"remind": 1, "escalate_office": 0, "escalate_approver": 0}
        assert tick_deadlines.apply().get() == {"remind": 0, "escalate_office": 0, "escalate_approver": 0}


def test_a_step_already_claimed_is_not_sent_again(people):
    """The conditional UPDATE: a second sender holding a stale copy of the row sends nothing."""
    deadline = services.deadline_start(kind="form", key="form:notice:stale", start=T0)
    stale = Deadline.objects.get(pk=deadline.pk)
    now = T0 + dt.timedelta(minutes=50)
    assert deadline_step_send(deadline=deadline, step="remind", now=now) is True
    assert deadline_step_send(deadline=stale, step="remind", now=now) is False
    assert Notification.objects.filter(kind="alerts.deadline.remind").count() == 2  # head and clerk, once each


def test_remaining_text():
    due = T0 + dt.timedelta(hours=1, minutes=5)
    assert remaining(due, T0).text == "剩余 1小时05分"
    assert remaining(T0 + dt.timedelta(seconds=75), T0).text == "剩余 1分15秒"
    late = remaining(T0 - dt.timedelta(days=1, hours=2), T0)
    assert late.overdue and late.text == "已超时 1天2小时00分"


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_send_each_step_once(people):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    for i in range(5):
        services.deadline_start(kind="form", key=f"form:notice:race{i}", start=T0)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(deadlines_tick(now=T0 + dt.timedelta(minutes=45)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r["remind"] for r in results) == 5
    assert Deadline.objects.filter(reminded_at__isnull=False).count() == 5
    assert Notification.objects.filter(kind="alerts.deadline.remind").count() == 5 * 2
    assert AuditEntry.objects.filter(action="alerts.deadline.reminded").count() == 5
    assert not ApprovalForm.objects.exists()


def test_countdown_and_deadline_names_follow_the_page_language():
    from django.utils import translation

    due = T0 + dt.timedelta(hours=1, minutes=5)
    with translation.override("en"):
        assert remaining(due, T0).text == "1 h 05 min left"
        assert remaining(T0, due).text == "overdue by 1 h 05 min"
        assert str(Deadline.Kind.FORM.label) == "File the warning approval form"
    with translation.override("zh-hans"):
        assert remaining(due, T0).text == "剩余 1小时05分"
        assert str(Deadline.Kind.FORM.label) == "填报预警审批表"
