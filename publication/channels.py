"""The channels of a publication (预警信息发布途径, plan §4.2.4; warning-rules.md §9, §11): one
:class:`~publication.models.ChannelDelivery` per published form and channel, created by the
publication; the 2-hour publication clock (§4.2.2) is met when every one is done, at the time of
the last.

What "done" means, channel by channel:

- the system's own, marked done by the publication (publish_form) as it does them —
  ``public_page``: the warning's publication time set, the public payload refreshed and the page
  re-rendered in every language; ``cap_feed``: the feed's cache cleared and the form's CAP alert
  rendered; ``sms``: a delivery row for every member unit contact and confirmed subscriber exists
  and has been queued to the gateway (a failure is retried and shown on the deliveries page, it
  does not hold the clock); ``in_app``: the in-app notices to unit and county users created;
- the external ones the office confirms (page or API), with who and when;
- the free public SMS of each operator: an order to its member unit (response.Order, kind
  public_sms, issued by the response for every approved form, which also opens these rows so that
  whichever of the two handlers runs first finds them), done when the operator's user confirms it
  sent (the order's in-place step calls :func:`channel_done_by_order`).

Publication does not import the response (the response imports this module): no import circle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.roles import OFFICE_AND_ADMIN
from alerts.models import ApprovalForm
from audit.services import audit_record
from core.errors import CONFLICT, NOT_FOUND, NOT_YOURS, DomainError
from deadlines import keys as deadline_keys
from deadlines.services import deadline_meet

from .models import ChannelDelivery

SYSTEM, OFFICE, OPERATOR = "system", "office", "operator"


@dataclass(frozen=True)
class Channel:
    code: str
    name: str
    by: str  # who marks it done: the system, the office, an operator's unit
    unit_slug: str = ""


#: Every channel of §4.2.4, in the order the page lists them.
CHANNELS: tuple[Channel, ...] = (
    Channel("public_page", "预警信息平台公众页面", SYSTEM),
    Channel("cap_feed", "CAP 预警信息源", SYSTEM),
    Channel("sms", "短信（成员单位联系人及订阅公众）", SYSTEM),
    Channel("in_app", "系统内通知（成员单位、县区）", SYSTEM),
    Channel("gov_oa", "阳泉市政务办公信息网（预警通知）", OFFICE),
    Channel("gov_site", "市政府网站（公告）", OFFICE),
    Channel("eeb_site", "市生态环境局政务网站", OFFICE),
    Channel("weibo", "政务微博", OFFICE),
    Channel("wechat", "微信平台", OFFICE),
    Channel("aq_platform", "阳泉市环境空气质量实时发布平台", OFFICE),
    Channel("news_media", "新闻媒体", OFFICE),
    Channel("sms_yidong", "中国移动免费预警短信", OPERATOR, "yidong"),
    Channel("sms_liantong", "中国联通免费预警短信", OPERATOR, "liantong"),
    Channel("sms_dianxin", "中国电信免费预警短信", OPERATOR, "dianxin"),
)
BY_CODE = {c.code: c for c in CHANNELS}
BY_NAME = {SYSTEM: "系统", OFFICE: "应急指挥部办公室", OPERATOR: "通信运营商"}


class ChannelError(DomainError):
    code = "publication.channel.refused"
    status = CONFLICT


def operator_channel(unit_slug: str) -> str:
    return f"sms_{unit_slug}"


# ----------------------------------------------------------------------------- the publication's part


def channels_open(form: ApprovalForm) -> int:
    """Every channel of the form, pending (once: unique per form and channel). Returns the rows created."""
    have = set(ChannelDelivery.objects.filter(form=form).values_list("channel", flat=True))
    new = [ChannelDelivery(form=form, channel=c.code) for c in CHANNELS if c.code not in have]
    ChannelDelivery.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def channel_system_done(form: ApprovalForm, channel: str, *, note: str = "", at: dt.datetime | None = None) -> int:
    """A system channel done (1), or nothing when it was already (0): a retried publication keeps the first time."""
    if BY_CODE[channel].by != SYSTEM:
        raise ValueError(f"{channel} is not the system's to mark done")
    return ChannelDelivery.objects.filter(form=form, channel=channel, status=ChannelDelivery.Status.PENDING).update(
        status=ChannelDelivery.Status.DONE, confirmed_at=at or timezone.now(), note=note[:500]
    )


def channels_complete(form: ApprovalForm) -> int:
    """The publication clock met when no channel of the form is pending, at the last one's time (1 when met now)."""
    rows = ChannelDelivery.objects.filter(form=form)
    if not rows.exists() or rows.filter(status=ChannelDelivery.Status.PENDING).exists():
        return 0
    last = rows.aggregate(last=Max("confirmed_at"))["last"]
    return deadline_meet(key=deadline_keys.publish(form.pk), at=last)


# ----------------------------------------------------------------------------- confirmations


def _done(row: ChannelDelivery, *, actor, at: dt.datetime, note: str) -> None:
    row.status = ChannelDelivery.Status.DONE
    row.confirmed_by = actor
    row.confirmed_at = at
    row.note = note[:500]
    row.save(update_fields=["status", "confirmed_by", "confirmed_at", "note", "order"])
    audit_record(
        actor=actor,
        action="publication.channel.confirmed",
        target=row.form,
        before={"status": ChannelDelivery.Status.PENDING},
        after={"status": row.status},
        data={"channel": row.channel, "note": row.note, "order": row.order_id},
    )


def channel_confirm(
    *, actor, form_id: int, channel: str, note: str = "", now: dt.datetime | None = None
) -> ChannelDelivery:
    """The office confirms an external channel published (已发布): who and when; audited; the last
    one meets the publication clock."""
    now = now or timezone.now()
    spec = BY_CODE.get(channel)
    if spec is None:
        raise ChannelError("没有这个发布渠道。", code="publication.channel.unknown", status=NOT_FOUND)
    if getattr(actor, "role", None) not in OFFICE_AND_ADMIN:
        raise ChannelError(
            "只有应急指挥部办公室可以确认发布渠道。", code="publication.channel.not_yours", status=NOT_YOURS
        )
    if spec.by != OFFICE:
        what = "由系统在发布时完成" if spec.by == SYSTEM else "由通信运营商在其应急指令中确认已发送"
        raise ChannelError(f"{spec.name}{what}，办公室无需确认。", code="publication.channel.not_office")
    with transaction.atomic():
        row = (
            ChannelDelivery.objects.select_for_update()
            .select_related("form")
            .filter(form_id=form_id, channel=channel)
            .first()
        )
        if row is None:
            raise ChannelError(
                "该审批表尚未发布，没有发布渠道可确认。", code="publication.channel.not_published", status=NOT_FOUND
            )
        if row.done:
            raise ChannelError(f"{spec.name}已确认发布，无需再确认。", code="publication.channel.done")
        _done(row, actor=actor, at=now, note=(note or "").strip())
        channels_complete(row.form)
    return row


def channel_done_by_order(*, order, at: dt.datetime) -> ChannelDelivery | None:
    """An operator confirmed its free public SMS sent (its order in place): its channel done, by
    that person, at that time. Before the publication opened the channels: nothing (the publication
    finds the order confirmed and marks it then)."""
    with transaction.atomic():
        row = (
            ChannelDelivery.objects.select_for_update()
            .select_related("form")
            .filter(form_id=order.form_id, channel=operator_channel(order.unit.slug))
            .first()
        )
        if row is None or row.done:
            return row
        row.order = order
        _done(row, actor=order.in_place_by, at=at, note=order.in_place_note or "")
        channels_complete(row.form)
    return row
