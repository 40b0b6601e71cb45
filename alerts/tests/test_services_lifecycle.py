"""The lifecycle table (alerts/domain/lifecycle.py, pure) and the services that apply it
(alerts/services.py): routing, who may sign, provincial notices, deadlines, and two approvers
signing the same form at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from alerts import services
from alerts.domain import lifecycle as lc
from alerts.models import ApprovalForm, Warning
from audit.models import AuditEntry
from core import outbox
from core.models import OutboxEvent
from deadlines import services as deadline_services
from deadlines.models import Deadline
from tests.factories import warning_content

PASSWORD = "correct horse battery"
SH = lc.SHANGHAI


# ----------------------------------------------------------------------------- the pure table


@pytest.mark.parametrize(
    ("action", "active", "target", "to", "approver"),
    [
        ("issue", "none", "yellow", "yellow", "vice_commander"),
        ("issue", "none", "orange", "orange", "vice_commander"),
        ("issue", "none", "red", "red", "commander"),
        ("upgrade", "yellow", "orange", "orange", "vice_commander"),
        ("upgrade", "orange", "red", "red", "commander"),
        ("downgrade", "red", "orange", "orange", "commander"),
        ("downgrade", "orange", "yellow", "yellow", "vice_commander"),
        ("lift", "orange", None, "none", "vice_commander"),
        ("lift", "red", None, "none", "commander"),
    ],
)
def test_decide_routes_by_the_plan(action, active, target, to, approver):
    decision = lc.decide(action, active=active, target=target)
    assert (decision.from_level, decision.to_level, decision.approver) == (active, to, approver)
    assert decision.response_level == lc.RESPONSE.get(lc.Level(to))


@pytest.mark.parametrize(
    ("action", "active", "target", "message"),
    [
        ("issue", "orange", "red", "已有生效的橙色预警，请使用升级或降级。"),
        ("upgrade", "none", "red", "当前没有生效的预警，请使用发布。"),
        ("upgrade", "orange", "yellow", "升级后的级别必须高于当前的橙色预警。"),
        ("downgrade", "yellow", "yellow", "降级后的级别必须低于当前的黄色预警。"),
        ("downgrade", "none", "yellow", "当前没有生效的预警，无法降级。"),
        ("lift", "none", None, "当前没有生效的预警，无法解除。"),
        ("issue", "none", None, "请选择预警级别。"),
    ],
)
def test_decide_refuses_with_a_chinese_reason(action, active, target, message):
    with pytest.raises(lc.LifecycleError, match=message):
        lc.decide(action, active=active, target=target)


def test_may_sign_rules():
    ok = {"signer_id": 3, "drafted_by_id": 1, "submitted_by_id": 1}
    assert lc.may_sign(approver="vice_commander", signer_role="vice_commander", **ok) is None
    assert lc.may_sign(approver="commander", signer_role="commander", **ok) is None
    assert lc.may_sign(approver="commander", signer_role="vice_commander", **ok) == (
        "涉及红色预警的审批表须由总指挥审批，副总指挥无权签发。"
    )
    assert lc.may_sign(approver="vice_commander", signer_role="commander", **ok) == "该审批表应由副总指挥审批。"
    assert lc.may_sign(approver="vice_commander", signer_role="office", **ok) == "该审批表应由副总指挥审批。"
    # Nobody signs what they drafted or submitted, whatever their role.
    own = {"signer_id": 1, "drafted_by_id": 1, "submitted_by_id": 2}
    assert (
        lc.may_sign(approver="vice_commander", signer_role="vice_commander", **own)
        == "不能审批自己起草或提交的审批表。"
    )
    submitted = {"signer_id": 2, "drafted_by_id": None, "submitted_by_id": 2}
    assert lc.may_sign(approver="commander", signer_role="commander", **submitted) == "不能审批自己起草或提交的审批表。"
    auto = {"signer_id": 5, "drafted_by_id": None, "submitted_by_id": 1}
    assert lc.may_sign(approver="commander", signer_role="commander", **auto) is None


def test_due_times():
    start = dt.datetime(2026, 12, 1, 14, 20, tzinfo=SH)
    assert lc.due_at("form", start) == start + dt.timedelta(hours=1)
    for kind in ("publish", "units_notified", "measures"):
        assert lc.due_at(kind, start) == start + dt.timedelta(hours=2)
    assert lc.due_at("written_report", start) == dt.datetime(2026, 12, 2, 0, 0, tzinfo=SH)
    morning = dt.datetime(2026, 12, 1, 0, 0, tzinfo=SH)
    assert lc.due_at("daily_report", morning) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH)
    # A UTC start is read in Beijing time.
    utc = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)  # 01:00 on 1 December in Beijing
    assert lc.due_at("daily_report", utc) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH)


def test_escalation_stages():
    due = dt.datetime(2026, 12, 1, 10, 0, tzinfo=SH)
    before = dt.timedelta(minutes=20)
    stage = lambda minutes, met=False: lc.escalation_stage(  # noqa: E731
        now=due + dt.timedelta(minutes=minutes), due=due, met=met, remind_before=before
    )
    assert stage(-21) == "waiting"
    assert stage(-20) == "remind"
    assert stage(-1) == "remind"
    assert stage(0) == "escalate_office"
    assert stage(29) == "escalate_office"
    assert stage(30) == "escalate_approver"
    assert stage(500, met=True) == "done"


def test_lead_time_hours():
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=SH)
    assert lc.lead_time_hours(episode_start=now + dt.timedelta(hours=30), now=now) == 30
    assert lc.lead_time_hours(episode_start=now - dt.timedelta(hours=2), now=now) == -2


# ----------------------------------------------------------------------------- services


@pytest.fixture
def people_cast():
    return ("office", "office2", "vice", "vice2", "commander")


def drafted(people, action="issue", level="orange", **extra) -> ApprovalForm:
    return services.form_draft(
        actor=people["office"],
        action=action,
        level=level,
        basis="依据",
        content="内容",
        effective_at=timezone.now(),
        **{**warning_content(action), **extra},
    )


def submitted(people, action="issue", level="orange", **extra) -> ApprovalForm:
    form = drafted(people, action, level, **extra)
    return services.form_submit(actor=people["office"], form_id=form.pk)


def approved(people, action="issue", level="orange", **extra) -> ApprovalForm:
    form = submitted(people, action, level, **extra)
    signer = people["commander"] if form.approver_role == "commander" else people["vice"]
    return services.form_approve(actor=signer, form_id=form.pk, password=PASSWORD)


def test_issue_draft_opens_a_numbered_pending_warning(people):
    form = drafted(people)
    warning = form.warning
    year = timezone.localtime().year
    assert warning.number == f"阳泉重污染预警〔{year}〕第1号" and warning.status == "pending"
    assert AuditEntry.objects.filter(action="alerts.form.drafted", target_id=str(form.pk)).exists()
    with pytest.raises(services.WarningError, match="已有一份待审批的预警发布审批表"):
        drafted(people)


def test_wrong_password_changes_nothing(people):
    form = submitted(people)
    with pytest.raises(services.WarningError, match="密码不正确"):
        services.form_approve(actor=people["vice"], form_id=form.pk, password="wrong")
    form.refresh_from_db()
    assert form.status == "submitted" and form.decided_by is None
    assert not OutboxEvent.objects.filter(topic="alerts.warning.publish").exists()


def test_approval_activates_and_starts_the_clocks(people):
    form = approved(people)
    warning = Warning.objects.get(pk=form.warning_id)
    assert (warning.status, warning.level, warning.response_level) == ("active", "orange", "II")
    kinds = set(Deadline.objects.filter(form=form).values_list("kind", flat=True))
    assert kinds == {"publish", "units_notified", "written_report"}
    assert OutboxEvent.objects.filter(topic="alerts.warning.publish").count() == 1
    assert AuditEntry.objects.filter(action="alerts.warning.issue", target_id=str(warning.pk)).exists()


def test_vice_commander_cannot_approve_red(people):
    form = submitted(people, level="red")
    with pytest.raises(services.NotYourDecisionError, match="副总指挥无权签发"):
        services.form_approve(actor=people["vice"], form_id=form.pk, password=PASSWORD)
    form.refresh_from_db()
    assert form.status == "submitted"


def test_the_submitter_cannot_sign_even_with_the_right_role(people):
    form = drafted(people)
    ApprovalForm.objects.filter(pk=form.pk).update(drafted_by=people["vice"])
    services.form_submit(actor=people["office"], form_id=form.pk)
    with pytest.raises(services.NotYourDecisionError, match="不能审批自己起草或提交的审批表"):
        services.form_approve(actor=people["vice"], form_id=form.pk, password=PASSWORD)
    services.form_approve(actor=people["vice2"], form_id=form.pk, password=PASSWORD)


def test_send_back_and_redraft(people):
    form = submitted(people)
    with pytest.raises(services.WarningError, match="退回时请填写理由"):
        services.form_reject(actor=people["vice"], form_id=form.pk, comment=" ")
    services.form_reject(actor=people["vice"], form_id=form.pk, comment="请补充会商意见")
    with pytest.raises(services.WarningError, match="只有被退回的审批表才能重新起草"):
        services.form_redraft(actor=people["office"], form_id=drafted_on_other_warning(people).pk)
    new = services.form_redraft(actor=people["office2"], form_id=form.pk)
    assert (new.status, new.warning_id, new.drafted_by, new.level) == (
        "draft",
        form.warning_id,
        people["office2"],
        "orange",
    )
    with pytest.raises(services.WarningError, match="未完成的审批表"):
        services.form_redraft(actor=people["office"], form_id=form.pk)


def drafted_on_other_warning(people) -> ApprovalForm:
    warning = Warning.objects.create(number="其他", status=Warning.Status.LIFTED)
    return ApprovalForm.objects.create(
        warning=warning,
        action="issue",
        from_level="none",
        level="yellow",
        approver_role="vice_commander",
        effective_at=timezone.now(),
        basis="b",
        content="c",
        status=ApprovalForm.Status.APPROVED,
    )


def test_a_redraft_is_routed_again_against_the_level_now_in_force(people):
    """A sent-back upgrade yellow→orange, then red approved on another form: redrafting the old
    upgrade must not let a vice-commander take a red warning down to orange."""
    approved(people, level="yellow")
    stale = submitted(people, action="upgrade", level="orange")
    services.form_reject(actor=people["vice"], form_id=stale.pk, comment="直接升红色")
    approved(people, action="upgrade", level="red")
    with pytest.raises(services.WarningError, match="升级后的级别必须高于当前的红色预警"):
        services.form_redraft(actor=people["office"], form_id=stale.pk)


def test_a_redraft_keeps_the_route_of_the_level_in_force(people):
    approved(people, level="orange")
    form = submitted(people, action="downgrade", level="yellow")
    services.form_reject(actor=people["vice"], form_id=form.pk, comment="再观察")
    new = services.form_redraft(actor=people["office"], form_id=form.pk)
    assert (new.from_level, new.level, new.approver_role) == ("orange", "yellow", "vice_commander")


def test_withdrawing_an_issue_cancels_its_warning(people):
    form = submitted(people)
    services.form_withdraw(actor=people["office"], form_id=form.pk, reason="预报更新")
    assert Warning.objects.get(pk=form.warning_id).status == "cancelled"
    # A new issue is possible again.
    assert drafted(people).warning_id != form.warning_id


def test_the_cancelled_warning_has_its_own_audit_entry(people):
    form = submitted(people)
    services.form_withdraw(actor=people["office"], form_id=form.pk, reason="预报更新")
    entry = AuditEntry.objects.get(action="alerts.warning.cancelled")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        people["office"],
        "alerts.warning",
        str(form.warning_id),
    )
    assert (entry.before, entry.after) == ({"status": "pending"}, {"status": "cancelled"})
    assert entry.data == {"form": form.pk, "reason": "预报更新"}
    assert AuditEntry.objects.filter(action="alerts.form.withdrawn", target_id=str(form.pk)).count() == 1


def test_withdrawing_an_upgrade_leaves_the_warning_in_force_and_cancels_nothing(people):
    issued = approved(people, level="yellow")
    form = submitted(people, action="upgrade", level="orange")
    services.form_withdraw(actor=people["office"], form_id=form.pk)
    assert Warning.objects.get(pk=issued.warning_id).status == "active"
    assert not AuditEntry.objects.filter(action="alerts.warning.cancelled").exists()


def test_lift_ends_the_warning_and_leaves_the_daily_reports_owed(people, plan):
    """§9: every day of the response is reported, the last day included: the lift cancels no daily clock."""
    issued = approved(people)
    unit = plan.first()
    deadline_services.deadline_start(
        kind="daily_report", key="daily:x", start=timezone.now(), warning=issued.warning, unit=unit
    )
    lift = approved(people, action="lift", level=None)
    warning = Warning.objects.get(pk=issued.warning_id)
    assert (warning.status, warning.level, warning.response_level) == ("lifted", "none", "")
    assert Deadline.objects.get(key="daily:x").open
    assert not Deadline.objects.filter(form=lift, kind="written_report").exists()


def test_only_drafts_are_edited(people):
    form = drafted(people)
    services.form_update(actor=people["office"], form_id=form.pk, public_message=" 新文本 ")
    form.refresh_from_db()
    assert form.public_message == "新文本"
    with pytest.raises(services.WarningError, match="不能修改这些字段"):
        services.form_update(actor=people["office"], form_id=form.pk, level="red")
    services.form_submit(actor=people["office"], form_id=form.pk)
    with pytest.raises(services.WarningError, match="只有草稿可以修改"):
        services.form_update(actor=people["office"], form_id=form.pk, basis="x")


def test_notice_clock_starts_at_receipt_and_is_met_on_submission(people):
    received = timezone.now() - dt.timedelta(minutes=10)
    notice = services.provincial_notice_record(
        actor=people["office"],
        scope="region",
        level="orange",
        document_number="晋〔2026〕3号",
        period_start=timezone.now(),
        period_end=None,
        received_at=received,
    )
    clock = Deadline.objects.get(key=f"form:notice:{notice.pk}")
    assert clock.due_at == received + dt.timedelta(hours=1) and clock.met_at is None
    with pytest.raises(services.WarningError, match="须经省重污染天气应急指挥部办公室同意"):
        drafted(people, level="yellow", provincial_notice=notice)
    form = drafted(people, level="orange", provincial_notice=notice)
    services.form_submit(actor=people["office"], form_id=form.pk)
    clock.refresh_from_db()
    assert clock.met_at is not None


def test_notice_needs_a_document_number_and_a_level(people):
    with pytest.raises(services.WarningError, match="请填写通知文号"):
        services.provincial_notice_record(
            actor=people["office"],
            scope="region",
            level="red",
            document_number=" ",
            period_start=timezone.now(),
            period_end=None,
            received_at=timezone.now(),
        )
    with pytest.raises(services.WarningError, match="级别无效"):
        services.provincial_notice_record(
            actor=people["office"],
            scope="region",
            level="none",
            document_number="x",
            period_start=timezone.now(),
            period_end=None,
            received_at=timezone.now(),
        )


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_give_one_approval(people, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    enqueued = []
    monkeypatch.setattr(outbox, "_enqueue", lambda pk, **_: enqueued.append(pk))  # the broker is outside this test
    form = submitted(people)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(user):
        try:
            barrier.wait()
            services.form_approve(actor=user, form_id=form.pk, password=PASSWORD, opinion=f"{user.username} 同意")
            outcomes.append("signed")
        except services.WarningError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(people[who],)) for who in ("vice", "vice2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["signed", "审批表当前为「已签发」，不能审批。"]
    form.refresh_from_db()
    assert form.status == "approved"
    assert AuditEntry.objects.filter(action="alerts.form.approved", target_id=str(form.pk)).count() == 1
    assert OutboxEvent.objects.filter(topic="alerts.warning.publish").count() == 1
    assert Deadline.objects.filter(form=form, kind="publish").count() == 1
    assert Warning.objects.get(pk=form.warning_id).status == "active"


@pytest.mark.django_db(transaction=True)
def test_two_issue_drafts_at_once_give_one_warning_and_a_readable_refusal(people):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def draft(user):
        try:
            barrier.wait()
            services.form_draft(
                actor=user, action="issue", level="orange", basis="依据", content="内容", effective_at=timezone.now()
            )
            outcomes.append("drafted")
        except services.WarningError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=draft, args=(people[who],)) for who in ("office", "office2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["drafted", "refused"]
    assert Warning.objects.count() == 1 and ApprovalForm.objects.count() == 1
