"""The warning lifecycle through the browser pages (Django test client): the office drafts and
submits the approval form (附件5), the routed approver signs it with their password or sends it
back, and the office redrafts. Every step is a POST with the CSRF token a browser would send."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.models import ApprovalForm, Warning
from audit.models import AuditEntry
from core.models import OutboxEvent

PASSWORD = "correct horse battery"
RED_REFUSAL = "涉及红色预警的审批表须由总指挥审批，副总指挥无权签发。"


def page_content() -> dict:
    """What the warning says (warning-rules.md §11) as the form page posts it (a lift page shows
    only the weather trend and ignores the rest)."""
    start = timezone.localtime() + dt.timedelta(hours=30)
    return {
        "weather_trend": "静稳天气持续，扩散条件差",
        "pollution_start": start.strftime("%Y-%m-%dT%H:%M"),
        "pollution_end": (start + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "aqi_low": "150",
        "aqi_high": "240",
        "degree": "",
        "primary_pollutant": "PM10",
        "affected_areas": ["140300"],
    }


def browser(user) -> Client:
    """A client that enforces CSRF like a browser: every POST carries the token of the page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict | None = None, **kwargs):
    client.get(reverse("alerts:list"))  # a page visit sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, **kwargs)


def draft(client: Client, *, action: str = "issue", level: str | None = "orange", **extra) -> ApprovalForm:
    start = timezone.localtime() + dt.timedelta(hours=30)
    data = {
        "action": action,
        # In force at signature (one signed ahead is announced first, §12: tests/test_effective_times.py).
        "effective_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "episode_end": (start + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "basis": "会商认为未来 72 小时 AQI 持续大于 200",
        "content": "一、气象条件不利……五、响应启动时间……",
        "public_message": "阳泉市发布重污染天气橙色预警，请减少户外活动。",
        "department_opinion": "拟同意。",
        **page_content(),
        **extra,
    }
    if level:
        data["level"] = level
    response = post(client, f"{reverse('alerts:form-new')}?action={action}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ApprovalForm.objects.order_by("-pk").first()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_office_drafts_orange_vice_commander_signs_after_a_wrong_password(people):
    office, vice = browser(people["office"]), browser(people["vice"])

    page = office.get(f"{reverse('alerts:form-new')}?action=issue")
    assert page.status_code == 200
    assert "预警信息级别" in page.content.decode() and "副总指挥" in page.content.decode()

    form = draft(office)
    assert (form.status, form.level, form.approver_role) == ("draft", "orange", "vice_commander")
    assert form.warning.status == Warning.Status.PENDING
    shown = office.get(reverse("alerts:form", args=[form.pk])).content.decode()
    assert "阳泉市重污染天气预警信息发布（解除）审批表" in shown and "提交审批" in shown

    submitted = post(office, reverse("alerts:form-submit", args=[form.pk]), follow=True)
    assert "已提交审批。" in messages_of(submitted)
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.SUBMITTED

    inbox = vice.get(reverse("alerts:inbox")).content.decode()
    assert form.warning.number in inbox and 'class="sign-form"' in inbox

    wrong = post(vice, reverse("alerts:form-approve", args=[form.pk]), {"password": "not my password"}, follow=True)
    assert "密码不正确，未签发。" in messages_of(wrong)
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.SUBMITTED
    assert Warning.objects.get(pk=form.warning_id).status == Warning.Status.PENDING
    assert not AuditEntry.objects.filter(action="alerts.form.approved").exists()
    assert not OutboxEvent.objects.filter(topic="alerts.warning.publish").exists()

    signed = post(
        vice,
        reverse("alerts:form-approve", args=[form.pk]),
        {"password": PASSWORD, "opinion": "同意发布。"},
        follow=True,
    )
    assert signed.redirect_chain[-1][0] == reverse("alerts:form", args=[form.pk])
    assert any("已签发" in m for m in messages_of(signed))
    warning = Warning.objects.get(pk=form.warning_id)
    assert (warning.status, warning.level, warning.response_level) == ("active", "orange", "II")
    form.refresh_from_db()
    assert (form.status, form.decided_by, form.leader_opinion) == ("approved", people["vice"], "同意发布。")
    assert OutboxEvent.objects.filter(topic="alerts.warning.publish", payload__form_id=form.pk).count() == 1
    # The inbox is empty again; the warning page shows the whole timeline.
    assert form.warning.number not in vice.get(reverse("alerts:inbox")).content.decode()
    detail = office.get(reverse("alerts:warning", args=[warning.pk])).content.decode()
    for step in ("起草发布审批表", "提交审批", "已签发"):
        assert step in detail


def test_red_form_the_vice_commander_is_refused_the_commander_signs(people):
    office, vice, commander = browser(people["office"]), browser(people["vice"]), browser(people["commander"])
    form = draft(office, level="red", public_message="阳泉市发布重污染天气红色预警。")
    post(office, reverse("alerts:form-submit", args=[form.pk]))
    form.refresh_from_db()
    assert form.approver_role == "commander"

    # Not in the vice-commander's inbox; the page explains why before they try.
    assert form.warning.number not in vice.get(reverse("alerts:inbox")).content.decode()
    assert RED_REFUSAL in vice.get(reverse("alerts:form", args=[form.pk])).content.decode()
    refused = post(vice, reverse("alerts:form-approve", args=[form.pk]), {"password": PASSWORD}, follow=True)
    assert RED_REFUSAL in messages_of(refused)
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.SUBMITTED

    assert form.warning.number in commander.get(reverse("alerts:inbox")).content.decode()
    post(commander, reverse("alerts:form-approve", args=[form.pk]), {"password": PASSWORD})
    warning = Warning.objects.get(pk=form.warning_id)
    assert (warning.status, warning.level, warning.response_level) == ("active", "red", "I")


def test_office_cannot_sign(people):
    office = browser(people["office"])
    form = draft(office)
    post(office, reverse("alerts:form-submit", args=[form.pk]))
    response = post(office, reverse("alerts:form-approve", args=[form.pk]), {"password": PASSWORD})
    assert response.status_code == 403
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.SUBMITTED


def test_sign_and_send_back_need_the_csrf_token(people):
    office = browser(people["office"])
    form = draft(office)
    post(office, reverse("alerts:form-submit", args=[form.pk]))
    vice = browser(people["vice"])
    response = vice.post(reverse("alerts:form-approve", args=[form.pk]), {"password": PASSWORD})
    assert response.status_code == 403
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.SUBMITTED


def test_send_back_needs_a_comment_then_the_office_redrafts(people):
    office, vice = browser(people["office"]), browser(people["vice"])
    form = draft(office)
    post(office, reverse("alerts:form-submit", args=[form.pk]))

    empty = post(vice, reverse("alerts:form-reject", args=[form.pk]), {"comment": "  "}, follow=True)
    assert "退回时请填写理由。" in messages_of(empty)
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.SUBMITTED

    post(vice, reverse("alerts:form-reject", args=[form.pk]), {"comment": "请补充气象会商意见。"})
    form.refresh_from_db()
    assert (form.status, form.decision_comment) == ("rejected", "请补充气象会商意见。")
    page = office.get(reverse("alerts:form", args=[form.pk])).content.decode()
    assert "请补充气象会商意见。" in page and "重新起草" in page

    redrafted = post(office, reverse("alerts:form-redraft", args=[form.pk]), follow=True)
    new = ApprovalForm.objects.exclude(pk=form.pk).get(warning=form.warning)
    assert redrafted.redirect_chain[-1][0] == reverse("alerts:form", args=[new.pk])
    assert (new.status, new.basis, new.level) == ("draft", form.basis, "orange")

    edit = office.get(reverse("alerts:form-edit", args=[new.pk]))
    assert edit.status_code == 200
    local = timezone.localtime(new.effective_at).strftime("%Y-%m-%dT%H:%M")
    saved = post(
        office,
        reverse("alerts:form-edit", args=[new.pk]),
        {
            "effective_at": local,
            "basis": new.basis + "\n会商意见：同意发布橙色预警。",
            "content": new.content,
            "public_message": "修改后的公开文本。",
            "department_opinion": "同意。",
            **page_content(),
        },
    )
    assert saved.status_code == 302
    new.refresh_from_db()
    assert new.public_message == "修改后的公开文本。" and "会商意见" in new.basis
    post(office, reverse("alerts:form-submit", args=[new.pk]))
    post(vice, reverse("alerts:form-approve", args=[new.pk]), {"password": PASSWORD})
    assert Warning.objects.get(pk=form.warning_id).public_message == "修改后的公开文本。"


def test_the_office_withdraws_an_issue_form_and_the_pending_warning_is_cancelled(people):
    office = browser(people["office"])
    form = draft(office)
    response = post(
        office, reverse("alerts:form-withdraw", args=[form.pk]), {"reason": "预报更新，不再需要"}, follow=True
    )
    assert "审批表已撤回。" in messages_of(response)
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.WITHDRAWN
    assert Warning.objects.get(pk=form.warning_id).status == Warning.Status.CANCELLED


def test_a_refused_draft_shows_the_service_message_and_creates_nothing(people):
    office = browser(people["office"])
    response = post(
        office,
        f"{reverse('alerts:form-new')}?action=upgrade",
        {
            "action": "upgrade",
            "level": "red",
            "effective_at": "2026-12-01T08:00",
            "basis": "依据",
            "content": "内容",
        },
    )
    assert response.status_code == 200
    assert "当前没有生效的预警，请使用发布。" in response.content.decode()
    assert not ApprovalForm.objects.exists()


def test_lift_after_issue_through_the_pages(people):
    office, vice = browser(people["office"]), browser(people["vice"])
    form = draft(office)
    post(office, reverse("alerts:form-submit", args=[form.pk]))
    post(vice, reverse("alerts:form-approve", args=[form.pk]), {"password": PASSWORD})
    lift = draft(office, action="lift", level=None, public_message="解除预警。")
    assert (lift.action, lift.from_level, lift.level, lift.approver_role) == (
        "lift",
        "orange",
        "none",
        "vice_commander",
    )
    post(office, reverse("alerts:form-submit", args=[lift.pk]))
    post(vice, reverse("alerts:form-approve", args=[lift.pk]), {"password": PASSWORD})
    warning = Warning.objects.get(pk=form.warning_id)
    assert (warning.status, warning.level) == ("lifted", "none")
