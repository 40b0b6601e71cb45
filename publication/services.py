"""Publication of an approved form on every channel (预警信息发布, plan §4.2.3–§4.2.4), the on-duty
confirmations of §5.2 and the written report of §5.4.

`publish_form` is the outbox handler of ``alerts.warning.publish`` (publication/handlers.py): it
runs after the approval has committed, from Celery, and may run again (a retry, the outbox sweep) —
every step is idempotent: the publication time is set once, SMS rows and in-app notices are unique
per recipient, the confirmations per (form, county, role), deadlines are met once, the audit entry
is written once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.domain.lifecycle import ACTION_NAMES, LEVEL_NAMES, Action, DeadlineKind, Level
from alerts.models import ApprovalForm, Warning
from alerts.services import WarningError
from audit.services import audit_record
from command.models import MemberUnit
from deadlines import keys as deadline_keys
from deadlines.models import Deadline
from deadlines.services import deadline_meet, deadlines_meet_issue_by
from notifications.delivery import sms_to_numbers
from notifications.models import Delivery, Notification, SmsSubscriber, UnitContact
from notifications.services import notify_users

from . import channels as pub_channels
from .cap import CAP_FEED_CACHE_KEY, alert_xml
from .models import DutyConfirmation
from .page import warm_pages
from .public import PUBLIC_CACHE_KEY, public_warning_payload
from .selectors import REPORT_RECIPIENTS
from .texts import form_message, sms_text, warning_link

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- publish


@dataclass
class PublishResult:
    form_id: int
    sms_created: int = 0
    notices_created: int = 0
    confirmations_created: int = 0
    first_time: bool = False


def publish_form(payload: dict) -> PublishResult | None:
    """Outbox handler of ``alerts.warning.publish`` ({"form_id"}): the public page, SMS to every
    member unit's contacts and to confirmed subscribers, in-app notices to member-unit and county
    users, on-duty confirmations (orange/red), and the PUBLISH and UNITS_NOTIFIED deadlines."""
    form = ApprovalForm.objects.select_related("warning").filter(pk=payload["form_id"]).first()
    if form is None or form.status != ApprovalForm.Status.APPROVED:
        log.warning("publish_form: form %s is not approved; nothing published", payload.get("form_id"))
        return None
    result = PublishResult(form_id=form.pk)
    now = timezone.now()
    # Every channel of §4.2.4, pending until done (publication/channels.py says what "done" is).
    pub_channels.channels_open(form)
    newly_done = 0

    # 1. The public page (the warning platform of §4.2.4 that the public sees).
    Warning.objects.filter(pk=form.warning_id, published_at__isnull=True).update(published_at=now)
    warning = Warning.objects.get(pk=form.warning_id)
    cache.delete_many([PUBLIC_CACHE_KEY, CAP_FEED_CACHE_KEY])
    public_warning_payload(refresh=True)
    warm_pages()
    newly_done += pub_channels.channel_system_done(form, "public_page", note="公众页面已更新")
    alert_xml(form)  # the CAP alert renders: the feed lists it from now on
    newly_done += pub_channels.channel_system_done(form, "cap_feed", note="CAP 预警信息已生成")

    # 2. SMS: member units' contacts, then citizens who subscribed (the same number gets one).
    text = sms_text(form)
    key = f"warning:{form.pk}"
    contacts = UnitContact.objects.filter(active=True, unit__active=True).select_related("unit")
    result.sms_created += sms_to_numbers(
        [(f"{c.unit.short_name} {c.name}", c.mobile) for c in contacts], text=text, key=key
    )
    subscribers = SmsSubscriber.objects.filter(confirmed=True, unsubscribed_at__isnull=True).values_list(
        "phone", flat=True
    )
    public_text = f"{text}退订：{settings.PUBLIC_BASE_URL}{reverse('notifications:subscribe')}"
    result.sms_created += sms_to_numbers([("", phone) for phone in subscribers], text=public_text, key=key)
    sms_rows = Delivery.objects.filter(key=key).count()
    newly_done += pub_channels.channel_system_done(form, "sms", note=f"短信 {sms_rows} 条已提交发送")

    # 3. In-app notices to member units and counties; their read time is the read receipt.
    users = get_user_model().objects.filter(is_active=True, role__in=[Role.UNIT, Role.COUNTY])
    title = f"{ACTION_NAMES[Action(form.action)]}{form.get_level_display() if form.action != Action.LIFT else LEVEL_NAMES[Level(form.from_level)]}（{warning.number}）"
    notices = Notification.objects.filter(
        kind="alerts.warning.published", target_type=form._meta.label_lower, target_id=str(form.pk)
    )
    before = notices.count()
    notify_users(
        users,
        kind="alerts.warning.published",
        title=f"预警信息：{title}",
        body=form_message(form),
        link=warning_link(warning.pk),
        target=form,
    )
    result.notices_created = notices.count() - before
    newly_done += pub_channels.channel_system_done(form, "in_app", note=f"系统内通知 {notices.count()} 条")
    deadline_meet(key=deadline_keys.units_notified(form.pk))

    # 4. On-duty confirmations (§5.2).
    result.confirmations_created = _request_duty(form, warning)

    # 5. The publication clock is met when every channel is done — the external ones confirmed by
    # the office, the operators' free public SMS (their orders, issued by the response) by them —
    # not when the system's own are (§4.2.4, warning-rules.md §9).
    pub_channels.channels_complete(form)
    first = newly_done > 0
    result.first_time = first
    if form.action == Action.ISSUE:
        # §9: an issue published meets the issue_by clocks of the processes its warning covers.
        deadlines_meet_issue_by(warning=warning, at=now)
    if first:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="alerts.warning.published",
                target=form,
                data={
                    "warning": warning.number,
                    "sms": result.sms_created,
                    "notices": result.notices_created,
                    "duty_confirmations": result.confirmations_created,
                },
            )
    return result


def duty_roles_for(form: ApprovalForm) -> list[str]:
    """§5.2: orange — the county government heads; red — also the county party secretaries."""
    if form.action == Action.LIFT:
        return []
    if form.level == Level.RED:
        return [DutyConfirmation.DutyRole.GOVERNMENT, DutyConfirmation.DutyRole.PARTY]
    if form.level == Level.ORANGE:
        return [DutyConfirmation.DutyRole.GOVERNMENT]
    return []


def _request_duty(form: ApprovalForm, warning: Warning) -> int:
    roles = duty_roles_for(form)
    if not roles:
        return 0
    counties = list(MemberUnit.objects.filter(kind=MemberUnit.Kind.COUNTY, active=True))
    heads = {}
    for contact in (
        UnitContact.objects.filter(unit__in=counties, active=True)
        .filter(Q(is_government_head=True) | Q(is_party_secretary=True))
        .select_related("unit")
    ):
        if contact.is_government_head:
            heads.setdefault((contact.unit_id, DutyConfirmation.DutyRole.GOVERNMENT), contact)
        if contact.is_party_secretary:
            heads.setdefault((contact.unit_id, DutyConfirmation.DutyRole.PARTY), contact)
    created = 0
    with transaction.atomic():
        for unit in counties:
            for role in roles:
                contact = heads.get((unit.pk, role))
                _, made = DutyConfirmation.objects.get_or_create(
                    form=form,
                    unit=unit,
                    role=role,
                    defaults={"warning": warning, "contact_name": contact.name if contact else ""},
                )
                created += made
    who = "县区政府主要负责人" if len(roles) == 1 else "县区党委、政府主要负责人"
    county_users = get_user_model().objects.filter(is_active=True, role=Role.COUNTY)
    notify_users(
        county_users,
        kind="alerts.duty.requested",
        title=f"请确认在岗指挥：{form.get_level_display()}（{warning.number}）",
        body=f"依据预案 5.2，{form.get_level_display()}期间{who}须在岗指挥，请在系统中确认。",
        link=reverse("publication:duty"),
        target=form,
    )
    recipients = [(f"{c.unit.short_name} {c.name}", c.mobile) for (unit_id, role), c in heads.items() if role in roles]
    if recipients:
        sms_to_numbers(
            recipients,
            key=f"duty:{form.pk}",
            text=f"{settings.SMS_SIGNATURE}阳泉市已{ACTION_NAMES[Action(form.action)]}{form.get_level_display()}，"
            f"依据预案 5.2，请{who}在岗指挥，并由县区登录系统确认在岗。",
        )
    return created


# ----------------------------------------------------------------------------- on-duty confirmations


def duty_confirm(*, actor, confirmation_id: int, note: str = "") -> DutyConfirmation:
    """A county confirms that its head is on duty (在岗指挥)."""
    with transaction.atomic():
        confirmation = (
            DutyConfirmation.objects.select_for_update()
            .select_related("unit", "warning")
            .filter(pk=confirmation_id)
            .first()
        )
        if confirmation is None:
            raise WarningError("没有这条在岗确认。")
        if actor.role != Role.COUNTY or confirmation.unit.area_id is None or confirmation.unit.area_id != actor.area_id:
            raise WarningError("只能确认本县区的在岗情况。")
        if confirmation.warning.status != Warning.Status.ACTIVE:
            raise WarningError("该预警已不在生效期，无需确认。")
        if confirmation.confirmed_at is not None:
            raise WarningError("已确认过。")
        confirmation.confirmed_by = actor
        confirmation.confirmed_at = timezone.now()
        confirmation.note = note.strip()[:200]
        confirmation.save(update_fields=["confirmed_by", "confirmed_at", "note"])
        audit_record(
            actor=actor,
            action="alerts.duty.confirmed",
            target=confirmation,
            after={"role": confirmation.role, "unit": confirmation.unit.slug},
            data={"note": confirmation.note},
        )
    return confirmation


# ----------------------------------------------------------------------------- the written report (§5.4)


def written_report_mark_sent(*, actor, warning_id: int, note: str = "") -> int:
    """The office has sent the §5.4 written report: the open WRITTEN_REPORT deadlines of the warning are met."""
    with transaction.atomic():
        warning = Warning.objects.select_for_update().get(pk=warning_id)
        keys = list(
            Deadline.objects.filter(
                warning=warning, kind=DeadlineKind.WRITTEN_REPORT, met_at__isnull=True, cancelled_at__isnull=True
            ).values_list("key", flat=True)
        )
        if not keys:
            raise WarningError("该预警没有待报送的书面报告。")
        now = timezone.now()
        met = sum(deadline_meet(key=key, at=now) for key in keys)
        audit_record(
            actor=actor,
            action="alerts.report.submitted",
            target=warning,
            data={"deadlines": keys, "recipients": REPORT_RECIPIENTS, "note": note.strip()[:500]},
        )
    return met
