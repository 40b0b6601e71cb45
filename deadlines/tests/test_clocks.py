"""The clocks of warning-rules.md §9, each started by the step that starts it and met by the step
that meets it (time frozen): the consultation's 1-hour form clock, lifts included; the notice's
clock closed by the office with a reason (service, page, API); ``issue_by`` as a deadline; the
summary after the response; the measures clock from the effective start (§12)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from alerts import services as alert_services
from alerts.domain import lifecycle as lc
from alerts.models import ApprovalForm, Warning
from audit.models import AuditEntry
from command.models import Area
from deadlines import keys
from deadlines.models import Deadline
from deadlines.services import DeadlineError, deadline_close_notice, deadlines_tick
from forecasts import services as forecast_services
from forecasts.models import AirQualityRecord, Consultation, Evaluation, ForecastImport, Replay
from notifications.models import Notification
from response.models import Order
from reviews import services as review_services
from tests.factories import warning_content

SHANGHAI = lc.SHANGHAI
T0 = dt.datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI)
PASSWORD = "correct horse battery"


def at(hours: float = 0, *, days: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours, days=days)


@pytest.fixture
def people(make_user):
    return {
        "office": make_user(Role.OFFICE, position="应急指挥部办公室主任"),
        "vice": make_user(Role.VICE_COMMANDER),
        "commander": make_user(Role.COMMANDER),
        "forecaster": make_user(Role.FORECASTER),
    }


class Flow:
    """The steps of the chain, each at a frozen moment, its outbox events run after its commit as
    the worker would run them."""

    def __init__(self, people, capture):
        self.people, self.capture = people, capture

    def decide(self, action: str, level: str | None, when: dt.datetime, **extra) -> ApprovalForm:
        """Draft, submit and sign a form at ``when``."""
        people = self.people
        with time_machine.travel(when, tick=False), self.capture(execute=True):
            fields = {"effective_at": when, **warning_content(action), **extra}
            form = alert_services.form_draft(
                actor=people["office"],
                action=action,
                level=level,
                basis="会商认为达到条件",
                content="按预案执行",
                **fields,
            )
            alert_services.form_submit(actor=people["office"], form_id=form.pk)
            signer = people["commander"] if form.approver_role == Role.COMMANDER else people["vice"]
            return alert_services.form_approve(actor=signer, form_id=form.pk, password=PASSWORD)

    def sign(self, form: ApprovalForm, when: dt.datetime, **fields) -> ApprovalForm:
        """Complete a drafted form (the §11 fields the file did not give), submit and sign it at ``when``."""
        people = self.people
        with time_machine.travel(when, tick=False), self.capture(execute=True):
            if fields:
                alert_services.form_update(actor=people["office"], form_id=form.pk, **fields)
            form = alert_services.form_submit(actor=people["office"], form_id=form.pk)
            signer = people["commander"] if form.approver_role == Role.COMMANDER else people["vice"]
            return alert_services.form_approve(actor=signer, form_id=form.pk, password=PASSWORD)

    def draft_and_submit(self, action: str, level: str | None, when: dt.datetime, **extra) -> ApprovalForm:
        with time_machine.travel(when, tick=False), self.capture(execute=True):
            form = alert_services.form_draft(
                actor=self.people["office"],
                action=action,
                level=level,
                basis="依据",
                content="内容",
                effective_at=when,
                **{**warning_content(action), **extra},
            )
            return alert_services.form_submit(actor=self.people["office"], form_id=form.pk)

    def conclude(self, consultation: Consultation, level: str, when: dt.datetime) -> Consultation:
        with time_machine.travel(when, tick=False), self.capture(execute=True):
            return forecast_services.consultation_conclude(
                consultation_id=consultation.pk,
                actor=self.people["forecaster"],
                conclusion="静稳天气持续，扩散条件差",
                concluded_level=level,
                reporter="预报员",
                reported_on=when.date(),
            )

    def evaluate(self, when: dt.datetime, **kwargs) -> Evaluation:
        with time_machine.travel(when, tick=False), self.capture(execute=True):
            return forecast_services.evaluation_run(trigger=kwargs.pop("trigger", Evaluation.Trigger.MANUAL), **kwargs)


@pytest.fixture
def flow(people, eager, django_capture_on_commit_callbacks, settings) -> Flow:
    settings.SMS_RATE_PER_SECOND = 0  # the console transport; no throttle while the clock stands still
    return Flow(people, django_capture_on_commit_callbacks)


def active_warning(level: str = "orange") -> Warning:
    return Warning.objects.create(
        number=f"阳泉重污染预警〔测试〕{level}",
        status=Warning.Status.ACTIVE,
        level=level,
        response_level=lc.RESPONSE[lc.Level(level)],
    )


# ----------------------------------------------------------------------------- pure


@pytest.mark.parametrize(
    ("held", "concluded", "action"),
    [
        ("none", "orange", "issue"),
        ("yellow", "red", "upgrade"),
        ("red", "orange", "downgrade"),
        ("orange", "none", "lift"),
        ("orange", "orange", None),
        ("none", "none", None),
        ("none", "", None),
    ],
)
def test_the_decision_a_conclusion_calls_for(held, concluded, action):
    assert lc.decision_action(level_in_force=held, concluded_level=concluded) == action


# ----------------------------------------------------------------------------- 1. the consultation's form clock


def test_a_consultation_concluded_at_orange_starts_the_offices_one_hour_clock_met_by_the_submission(people, flow):
    consultation = Consultation.objects.create(kind=Consultation.Kind.REALTIME)
    flow.conclude(consultation, "orange", T0)
    clock = Deadline.objects.get(key=keys.form_for_consultation(consultation.pk))
    assert (clock.kind, clock.started_at, clock.due_at, clock.met_at) == ("form", T0, at(1), None)

    with time_machine.travel(at(0.5), tick=False):
        form = alert_services.form_draft(
            actor=people["office"],
            action="issue",
            level="orange",
            basis="依据",
            content="内容",
            effective_at=at(0.5),
            consultation=consultation,
            **warning_content(),
        )
    with time_machine.travel(at(0.75), tick=False):
        alert_services.form_submit(actor=people["office"], form_id=form.pk)
    clock.refresh_from_db()
    assert clock.met_at == at(0.75)


def test_the_form_clock_is_reminded_and_escalated_when_nobody_files(people, flow):
    consultation = Consultation.objects.create(kind=Consultation.Kind.DAILY, scheduled_for=T0.date())
    flow.conclude(consultation, "yellow", T0)
    with time_machine.travel(at(1.1), tick=False):
        assert deadlines_tick()["escalate_office"] == 1
    assert Notification.objects.filter(kind="alerts.deadline.escalate_office", recipient=people["office"]).exists()


def test_a_conclusion_at_the_level_in_force_starts_no_clock(people, flow):
    active_warning("orange")
    consultation = Consultation.objects.create(kind=Consultation.Kind.REALTIME)
    flow.conclude(consultation, "orange", T0)
    assert not Deadline.objects.filter(key=keys.form_for_consultation(consultation.pk)).exists()
    entry = AuditEntry.objects.get(action="forecasts.consultation.concluded")
    assert entry.data["level_in_force"] == "orange"


def test_lifting_gets_a_form_clock_too(people, flow):
    flow.decide("issue", "orange", T0)
    consultation = Consultation.objects.create(kind=Consultation.Kind.REALTIME)
    flow.conclude(consultation, "none", at(30))
    clock = Deadline.objects.get(key=keys.form_for_consultation(consultation.pk))
    assert clock.due_at == at(31) and clock.open
    with time_machine.travel(at(30.5), tick=False):
        form = alert_services.form_draft(
            actor=people["office"],
            action="lift",
            level=None,
            basis="依据",
            content="内容",
            effective_at=at(30.5),
            consultation=consultation,
            **warning_content("lift"),
        )
        alert_services.form_submit(actor=people["office"], form_id=form.pk)
    clock.refresh_from_db()
    assert clock.met_at == at(30.5)


@pytest.mark.parametrize(("held", "concluded"), [("orange", "red"), ("red", "orange")])
def test_upgrades_and_downgrades_start_the_clock(people, flow, held, concluded):
    active_warning(held)
    consultation = Consultation.objects.create(kind=Consultation.Kind.REALTIME)
    flow.conclude(consultation, concluded, T0)
    assert Deadline.objects.get(key=keys.form_for_consultation(consultation.pk)).due_at == at(1)


def test_a_form_submitted_before_the_conclusion_leaves_the_clock_met(people, flow):
    """The evaluation drafts the form at once; the office may submit it before the record is done."""
    consultation = Consultation.objects.create(kind=Consultation.Kind.REALTIME)
    with time_machine.travel(at(-0.5), tick=False):
        form = alert_services.form_draft(
            actor=people["office"],
            action="issue",
            level="orange",
            basis="依据",
            content="内容",
            effective_at=at(-0.5),
            consultation=consultation,
            **warning_content(),
        )
        alert_services.form_submit(actor=people["office"], form_id=form.pk)
    flow.conclude(consultation, "orange", T0)
    assert Deadline.objects.get(key=keys.form_for_consultation(consultation.pk)).met_at == T0
    with time_machine.travel(at(3), tick=False):
        assert deadlines_tick() == {"remind": 0, "escalate_office": 0, "escalate_approver": 0}


def test_a_drill_consultation_starts_no_clock(people, flow):
    replay = Replay.objects.create(name="演练", source_file="/dev/null", step="day", start=T0, end=T0)
    consultation = Consultation.objects.create(kind=Consultation.Kind.REALTIME, replay=replay)
    flow.conclude(consultation, "red", T0)
    assert not Deadline.objects.filter(kind="form").exists()


# ----------------------------------------------------------------------------- 2. the notice's close-out


def record_notice(people, level: str, when: dt.datetime = T0):
    with time_machine.travel(when, tick=False):
        return alert_services.provincial_notice_record(
            actor=people["office"],
            scope="region",
            level=level,
            document_number=f"晋重污染〔2026〕{level}号",
            period_start=when,
            period_end=when + dt.timedelta(days=3),
            received_at=when,
        )


def test_the_office_closes_a_notice_the_city_already_meets_with_a_reason(people):
    active_warning("orange")
    notice = record_notice(people, "yellow")
    with time_machine.travel(at(0.25), tick=False):
        clock = deadline_close_notice(actor=people["office"], notice_id=notice.pk, reason="本市已按橙色预警响应（Ⅱ级）")
    assert clock.met_at == at(0.25) and clock.close_reason == "本市已按橙色预警响应（Ⅱ级）"
    assert clock.closed_by == people["office"]
    entry = AuditEntry.objects.get(action="deadlines.notice_clock.closed")
    assert entry.actor == people["office"] and entry.target_id == str(notice.pk)
    assert entry.data["city_level"] == "orange" and entry.data["notice_level"] == "yellow"
    with time_machine.travel(at(3), tick=False):
        assert deadlines_tick() == {"remind": 0, "escalate_office": 0, "escalate_approver": 0}


def test_a_notice_at_the_citys_own_level_may_be_closed(people):
    active_warning("red")
    notice = record_notice(people, "red")
    assert deadline_close_notice(actor=people["office"], notice_id=notice.pk, reason="本市已按红色预警响应").met_at


def test_a_notice_above_the_city_cannot_be_closed(people):
    active_warning("yellow")
    notice = record_notice(people, "orange")
    with pytest.raises(DeadlineError, match="须在 1 小时内填报审批表") as refused:
        deadline_close_notice(actor=people["office"], notice_id=notice.pk, reason="理由")
    assert refused.value.status == 409
    assert Deadline.objects.get(key=keys.form_for_notice(notice.pk)).open
    assert not AuditEntry.objects.filter(action="deadlines.notice_clock.closed").exists()


def test_closing_needs_a_reason_and_happens_once(people):
    active_warning("orange")
    notice = record_notice(people, "orange")
    with pytest.raises(DeadlineError, match="办结理由") as refused:
        deadline_close_notice(actor=people["office"], notice_id=notice.pk, reason="  ")
    assert refused.value.status == 400
    deadline_close_notice(actor=people["office"], notice_id=notice.pk, reason="本市已按橙色响应")
    with pytest.raises(DeadlineError, match="已办结") as again:
        deadline_close_notice(actor=people["office"], notice_id=notice.pk, reason="再次")
    assert again.value.status == 409


def test_the_notices_page_closes_the_clock_for_the_office_only(client, people):
    active_warning("orange")
    notice = record_notice(people, "yellow", when=dt.datetime.now(tz=SHANGHAI))
    url = reverse("deadlines:notice-close", args=[notice.pk])
    client.force_login(people["vice"])
    assert client.post(url, {"reason": "理由"}).status_code == 403
    client.force_login(people["office"])
    page = client.get(reverse("alerts:notices")).content.decode()
    assert url in page and "无需填报，办结" in page
    response = client.post(url, {"reason": "本市已按橙色预警响应"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("alerts:notices")
    page = response.content.decode()
    assert "已办结该通知的 1 小时时限" in page and "本市已按橙色预警响应" in page and url not in page


def test_the_notices_page_says_why_a_close_is_refused(client, people):
    notice = record_notice(people, "orange", when=dt.datetime.now(tz=SHANGHAI))
    client.force_login(people["office"])
    response = client.post(reverse("deadlines:notice-close", args=[notice.pk]), {"reason": "理由"}, follow=True)
    assert "不能直接办结" in response.content.decode()
    assert Deadline.objects.get(key=keys.form_for_notice(notice.pk)).open


def test_the_api_closes_the_clock_for_the_office(client, people):
    active_warning("orange")
    notice = record_notice(people, "yellow")
    url = f"/api/v1/notices/{notice.pk}/close/"
    assert url == reverse("api-notice-close", args=[notice.pk])
    client.force_login(people["commander"])
    assert client.post(url, {"reason": "理由"}, content_type="application/json").status_code == 403
    client.force_login(people["office"])
    assert client.post(url, {}, content_type="application/json").status_code == 400
    answer = client.post(url, {"reason": "本市已按橙色预警响应"}, content_type="application/json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["kind"] == "form" and body["provincial_notice"] == notice.pk and body["met_at"]
    assert body["close_reason"] == "本市已按橙色预警响应" and body["closed_by"] == people["office"].username
    again = client.post(url, {"reason": "再次"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "deadlines.refused"
    assert (
        client.post("/api/v1/notices/999999/close/", {"reason": "x"}, content_type="application/json").status_code
        == 404
    )


def test_the_api_refuses_a_notice_above_the_city(client, people):
    notice = record_notice(people, "red")
    client.force_login(people["office"])
    answer = client.post(f"/api/v1/notices/{notice.pk}/close/", {"reason": "理由"}, content_type="application/json")
    assert answer.status_code == 409 and "不能直接办结" in answer.json()["detail"]


# ----------------------------------------------------------------------------- 3. issue_by


def forecast(start: dt.datetime, values: list[int], *, issued_at: dt.datetime, replay: Replay | None = None) -> None:
    """The city's hourly forecast AQI from ``start``, as a file issued at ``issued_at`` stores it."""
    city = Area.objects.get(code="140300")
    stored = ForecastImport.objects.create(
        file_name="预报.csv",
        file_sha256=hashlib.sha256(f"{start}{issued_at}{values}{replay}".encode()).hexdigest(),
        channel=ForecastImport.Channel.COMMAND,
        period="hour",
        replay=replay,
    )
    AirQualityRecord.objects.bulk_create(
        [
            AirQualityRecord(
                area=city,
                period="hour",
                time=start + dt.timedelta(hours=i),
                kind="forecast",
                issued_at=issued_at,
                aqi=value,
                source_import=stored,
                replay=replay,
            )
            for i, value in enumerate(values)
        ]
    )


PROCESS_START = dt.datetime(2026, 12, 13, 0, 0, tzinfo=SHANGHAI)  # 48 h at 220 from here: orange


def polluted_forecast(issued_at: dt.datetime = T0) -> None:
    clean_before = int((PROCESS_START - at(-1)).total_seconds() // 3600)
    forecast(at(-1), [60] * clean_before + [220] * 48 + [60] * 48, issued_at=issued_at)


def test_the_evaluation_that_finds_the_process_starts_its_issue_by_clock_once(people, flow):
    polluted_forecast()
    first = flow.evaluate(T0)
    assert first.recommendation == "issue" and first.issue_by == PROCESS_START - dt.timedelta(hours=24)
    clock = Deadline.objects.get(kind="issue_by")
    assert clock.key == keys.issue_by(PROCESS_START) == "issue_by:2026-12-12T16:00Z"
    assert (clock.started_at, clock.due_at, clock.evaluation) == (T0, PROCESS_START - dt.timedelta(hours=24), first)
    flow.evaluate(at(1))
    flow.evaluate(at(2))
    assert Deadline.objects.filter(kind="issue_by").count() == 1
    assert Deadline.objects.get(kind="issue_by").evaluation == first


def test_issue_by_is_reminded_then_escalated_to_the_signer_of_the_process(people, flow):
    polluted_forecast()
    flow.evaluate(T0)
    due = PROCESS_START - dt.timedelta(hours=24)
    with time_machine.travel(due - dt.timedelta(hours=1), tick=False):
        assert deadlines_tick()["remind"] == 1
    with time_machine.travel(due + dt.timedelta(minutes=31), tick=False):
        assert deadlines_tick()["escalate_approver"] == 1
    escalated = Notification.objects.get(kind="alerts.deadline.escalate_approver")
    assert escalated.recipient == people["vice"] and "最迟发布预警" in escalated.title  # an orange process


def test_issue_by_is_met_when_the_issue_is_published(people, flow):
    polluted_forecast()
    evaluation = flow.evaluate(T0)
    drafted = ApprovalForm.objects.get(evaluation=evaluation)  # the office reviews the auto-drafted form
    assert drafted.action == "issue" and drafted.pollution_start == PROCESS_START
    form = flow.sign(drafted, at(2), primary_pollutant="PM2.5", weather_trend="静稳天气持续")
    clock = Deadline.objects.get(kind="issue_by")
    assert clock.met_at == at(2) and clock.warning == form.warning
    with time_machine.travel(PROCESS_START, tick=False):
        deadlines_tick()
    clock.refresh_from_db()
    assert clock.reminded_at is None and clock.escalated_office_at is None


def test_a_lift_published_does_not_meet_the_next_process_clock(people, flow):
    """After a lift the next process needs a warning of its own: only an issue meets its clock."""
    flow.decide("issue", "orange", at(-30))
    clock = flow.decide("lift", None, T0)
    polluted_forecast()
    flow.evaluate(at(1))
    assert Deadline.objects.get(kind="issue_by").open and clock


def test_a_later_evaluation_that_no_longer_finds_the_process_cancels_its_clock(people, flow):
    polluted_forecast()
    flow.evaluate(T0)
    # A newer forecast: the episode is gone.
    forecast(PROCESS_START, [60] * 48, issued_at=at(5))
    later = flow.evaluate(at(6))
    assert later.recommendation == "none"
    clock = Deadline.objects.get(kind="issue_by")
    assert clock.cancelled_at == at(6)
    entry = AuditEntry.objects.get(action="deadlines.issue_by.cancelled")
    assert entry.data["evaluation"] == later.pk
    # Found again by a still newer forecast: the same clock runs again.
    forecast(PROCESS_START, [220] * 48, issued_at=at(7))
    flow.evaluate(at(8))
    clock.refresh_from_db()
    assert clock.open and Deadline.objects.filter(kind="issue_by").count() == 1
    assert AuditEntry.objects.filter(action="deadlines.issue_by.reopened").count() == 1


def test_a_process_already_within_24_hours_gets_no_issue_by_clock(people, flow):
    """Its issue_by has passed when it is found: the form is due at once (the 1-hour form clock)."""
    forecast(at(-1), [60] * 6 + [220] * 48 + [60] * 48, issued_at=T0)
    evaluation = flow.evaluate(T0)
    assert evaluation.recommendation == "issue" and evaluation.issue_by <= T0
    assert not Deadline.objects.filter(kind="issue_by").exists()


def test_a_drills_evaluation_starts_no_issue_by_clock(people, flow):
    replay = Replay.objects.create(name="演练", source_file="/dev/null", step="day", start=T0, end=T0)
    forecast(PROCESS_START, [220] * 48, issued_at=T0, replay=replay)
    with time_machine.travel(T0, tick=False):
        forecast_services.evaluation_run(trigger=Evaluation.Trigger.REPLAY, replay=replay, now=T0)
    assert not Deadline.objects.filter(kind="issue_by").exists()


# ----------------------------------------------------------------------------- 5. the summary


def test_the_end_of_the_response_opens_the_summary_task_reminded_after_five_days_never_escalated(people, flow):
    flow.decide("issue", "orange", T0)
    lift = flow.decide("lift", None, at(48))
    task = Deadline.objects.get(kind="summary")
    assert task.key == keys.summary(lift.warning_id) and task.warning_id == lift.warning_id
    assert (task.started_at, task.due_at) == (at(48), at(48, days=5))
    # The other clocks of the lift (publication, …) are left aside here: only the summary's steps count.
    Deadline.objects.exclude(pk=task.pk).update(met_at=at(48))
    with time_machine.travel(at(47, days=5), tick=False):
        assert deadlines_tick()["remind"] == 0
    with time_machine.travel(at(48.1, days=5), tick=False):
        assert deadlines_tick() == {"remind": 1, "escalate_office": 0, "escalate_approver": 0}
    with time_machine.travel(at(48, days=30), tick=False):
        assert deadlines_tick() == {"remind": 0, "escalate_office": 0, "escalate_approver": 0}
    reminder = Notification.objects.get(kind="alerts.deadline.remind", recipient=people["office"])
    assert reminder.title.startswith("待办提醒：总结评估") and reminder.link == reverse(
        "reviews:summary", args=[lift.warning_id]
    )
    task.refresh_from_db()
    assert (
        task.reminded_at == at(48.1, days=5) and task.escalated_office_at is None and task.escalated_approver_at is None
    )

    with time_machine.travel(at(49, days=6), tick=False):
        review_services.summary_save(
            actor=people["office"], warning_id=lift.warning_id, measures_summary="总结", filled_by_name="办公室"
        )
        review_services.summary_finalize(actor=people["office"], warning_id=lift.warning_id)
    task.refresh_from_db()
    assert task.met_at == at(49, days=6)


def test_the_summary_reminder_follows_the_setting(people, flow, settings):
    settings.SUMMARY_REMIND_DAYS = 2
    flow.decide("issue", "orange", T0)
    flow.decide("lift", None, at(48))
    assert Deadline.objects.get(kind="summary").due_at == at(48, days=2)


def test_the_deadlines_page_shows_the_new_kinds_in_chinese_and_english(client, people, flow, settings):
    flow.decide("issue", "orange", at(-30))
    closed = flow.decide("lift", None, at(-1))
    polluted_forecast()
    evaluation = flow.evaluate(T0)
    with time_machine.travel(at(1, days=6), tick=False):  # the summary's reminder time has passed
        client.force_login(people["office"])
        page = client.get(reverse("deadlines:list")).content.decode()
    assert "最迟发布预警" in page and "预案 4.2：污染过程开始前 24 小时发布预警" in page
    assert reverse("forecasts:evaluation", args=[evaluation.pk]) in page and "过程自 12-13 00:00 开始" in page
    assert "总结评估（附件6、附件8）" in page and "无时限" in page and "提醒，不升级" in page
    assert reverse("reviews:summary", args=[closed.warning_id]) in page
    rows = page.split("<tr")
    summary_row = next(row for row in rows if "总结评估（附件6、附件8）" in row)
    issue_by_row = next(row for row in rows if "最迟发布预警" in row)
    # Both due times have passed: the issue_by clock is overdue, the summary (no limit) is not.
    assert issue_by_row.startswith(' class="overdue"') and not summary_row.startswith(' class="overdue"')
    assert "已超时" in issue_by_row and "已超时" not in summary_row
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(at(1, days=6), tick=False):
        english = client.get(reverse("deadlines:list")).content.decode()
    assert "Publish the warning (latest time)" in english and "Summary and evaluation (Annexes 6 and 8)" in english
    assert "No limit" in english and "never escalated" in english


# ----------------------------------------------------------------------------- 7. the measures clock (§12)


def test_measures_are_due_two_hours_after_the_effective_start_when_it_is_later(people, flow):
    """Signed at 09:00 for 19:00: the orders go out at approval, measures are due at 21:00."""
    form = flow.decide("issue", "orange", T0, effective_at=at(10))
    order = Order.objects.filter(form=form).first()
    assert order.issued_at == T0
    clock = Deadline.objects.get(key=order.deadline_key)
    assert (clock.started_at, clock.due_at) == (at(10), at(12))


def test_measures_are_due_two_hours_after_the_order_when_the_response_already_started(people, flow):
    form = flow.decide("issue", "orange", T0, effective_at=at(-3))
    order = Order.objects.filter(form=form).first()
    assert Deadline.objects.get(key=order.deadline_key).due_at == at(2)
