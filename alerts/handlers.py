"""Outbox handlers of the approval chain (core/outbox.py; idempotent: notices are unique per person,
kind, target; a form is auto-drafted once per evaluation). The publication of an approved form is
publication/handlers.py."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import Role
from core.outbox import handles
from notifications.delivery import sms_to_users
from notifications.services import notify_users

from .domain.lifecycle import APPROVER_NAMES, Approver
from .models import ApprovalForm
from .services import form_draft_from_evaluation, warning_bring_into_force


@handles("alerts.form.draft", stage="form")
def form_draft(payload: dict) -> None:
    """Draft the approval form an evaluation calls for (level, basis, the §4.2.3 content), for the
    office to review and submit; nothing when a form is already in flight.

    Payload {"evaluation_id"}; emitted by the evaluation that opened a consultation."""
    form_draft_from_evaluation(evaluation_id=int(payload["evaluation_id"]))


@handles("alerts.form.submitted", stage="form")
def form_submitted(payload: dict) -> None:
    """Push the form into the routed approver's inbox: an in-app notice and an SMS to every active
    user of the approver's role; once per person.

    Payload {"form_id"}; emitted by the office's submission."""
    form = ApprovalForm.objects.select_related("warning").get(pk=payload["form_id"])
    approvers = get_user_model().objects.filter(role=form.approver_role, is_active=True)
    title = f"待您审批：{form.get_action_display()}{form.get_level_display()}（{form.warning.number}）"
    body = f"应急指挥部办公室已提交预警审批表，请{APPROVER_NAMES[Approver(form.approver_role)]}审批。"
    link = reverse("alerts:form", args=[form.pk])
    notify_users(approvers, kind="alerts.form.awaiting", title=title, body=body, link=link, target=form)
    sms_to_users(approvers, text=f"【阳泉重污染应急】{title}，请登录系统审批。", key=f"form-submitted:{form.pk}")


@handles("alerts.form.decided", stage="form")
def form_decided(payload: dict) -> None:
    """Tell the office what the approver decided (signed or sent back); once per person.

    Payload {"form_id"}; emitted by the approver's decision."""
    form = ApprovalForm.objects.select_related("warning", "decided_by").get(pk=payload["form_id"])
    office = get_user_model().objects.filter(role=Role.OFFICE, is_active=True)
    verdict = "已签发" if form.status == ApprovalForm.Status.APPROVED else "被退回"
    title = f"审批表{verdict}：{form.get_action_display()}{form.get_level_display()}（{form.warning.number}）"
    body = form.decision_comment or form.leader_opinion
    notify_users(
        office,
        kind=f"alerts.form.{form.status}",
        title=title,
        body=body,
        link=reverse("alerts:form", args=[form.pk]),
        target=form,
    )


@handles("alerts.warning.effective", stage="form")
def warning_effective(payload: dict) -> None:
    """Put a decision signed in advance in force at its effective time (warning-rules.md §12): the
    announced issue starts, the level changes, or the lift ends the warning and then the response;
    once per decision (handed out early, it leaves it to the beat's warnings-into-force job).

    Payload {"form_id"}; emitted, delayed to the effective time, by the approval."""
    warning_bring_into_force(form_id=int(payload["form_id"]))
