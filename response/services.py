"""Every write of the response: orders when a decision is approved (§5.2, §5.6, §5.7), their
acknowledgement and confirmation in place, daily reports (§5.4, §7.1), their deadlines and the
09:00 reminder. One shape (STYLE.md): guard → atomic + row lock → save → audit → effects on commit."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.domain import lifecycle as lc
from alerts.models import ApprovalForm, Warning
from audit.services import audit_record
from command.models import MemberUnit
from core import steps
from core.errors import CONFLICT, NOT_FOUND, NOT_YOURS, DomainError
from core.outbox import outbox_emit
from deadlines import keys as deadline_keys
from deadlines.models import Deadline
from deadlines.services import deadline_claim, deadline_meet, deadline_start, deadlines_cancel
from measures.domain.constants import LEVEL_NAMES  # Ⅲ级, Ⅱ级, Ⅰ级
from notifications.services import notify_users
from publication.channels import channel_done_by_order, channels_open, operator_channel
from publication.models import ChannelDelivery
from publication.texts import sms_text

from .measures_source import measures_for_level, measures_for_unit
from .models import RESPONSE_FOR_WARNING, DailyReport, Order, ReportAttachment, Response, ResponseChange
from .uploads import DOCUMENT_TYPES, check_upload

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Daily reports are due at this local time on the day after the day they report on (§5.4).
REPORT_DUE = dt.time(10, 0)
MAX_TEXT = 10_000
MAX_NOTE = 2_000
MAX_FIGURES = 50
MAX_ATTACHMENTS = 5


class ResponseError(DomainError):
    """A step the rules refuse; the message is in Chinese, for the person who tried."""

    code = "response.refused"


class NotYourUnitError(ResponseError):
    """The person acts for another member unit: refused (403), never silently redirected."""

    code = "response.not_your_unit"
    status = NOT_YOURS


class OrderStateError(ResponseError):
    """The order is no longer open for that step (already acknowledged, confirmed or closed)."""

    code = "response.order.state"
    status = CONFLICT


class DailyReportExistsError(ResponseError):
    """The unit has already filed for that day (the API answers 409 with ``report``: its id)."""

    code = "response.report.exists"
    status = CONFLICT

    def __init__(self, message: str, report: DailyReport):
        super().__init__(message, data={"report": report.pk})
        self.report = report


def attachment_max_bytes() -> int:
    return int(getattr(settings, "RESPONSE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def _unit_users(unit_ids: Iterable[int]):
    return get_user_model().objects.filter(role=Role.UNIT, unit_id__in=list(unit_ids), is_active=True)


def _local(at: dt.datetime) -> str:
    return timezone.localtime(at, SHANGHAI).strftime("%Y-%m-%d %H:%M")


# ----------------------------------------------------------------------------- orders


def order_preamble(
    *, level: str, warning: Warning, action: str, effective_at: dt.datetime | None = None, at: dt.datetime | None = None
) -> str:
    """The order's opening words; an order sent before the response's effective start names it
    and when the measures are due (warning-rules.md §12: 2 hours after the effective start)."""
    verb = {"issue": "启动", "upgrade": "升级为", "downgrade": "调整为"}.get(action, "启动")
    if effective_at is not None and at is not None and effective_at > at:
        return (
            f"根据{warning.number}，全市将于 {_local(effective_at)} 起{verb}{LEVEL_NAMES[level]}应急响应（预案 5.1、5.2）。"
            "请按照本单位职责组织落实下列应急措施，于响应启动后 2 小时内"
            f"（{_local(effective_at + dt.timedelta(hours=2))} 前）落实到位并在系统中确认（预案 5.6）；"
            "响应期间每日 10:00 前报送前一日应急措施落实情况（预案 5.4、7.1）。"
        )
    return (
        f"根据{warning.number}，全市{verb}{LEVEL_NAMES[level]}应急响应（预案 5.1、5.2）。"
        "请按照本单位职责立即组织落实下列应急措施，于指令下达后 2 小时内落实到位并在系统中确认（预案 5.6）；"
        "响应期间每日 10:00 前报送前一日应急措施落实情况（预案 5.4、7.1）。"
    )


def closing_notice_text(*, warning: Warning, level: str, ended_at: dt.datetime) -> str:
    return (
        f"{warning.number}已于 {_local(ended_at)} 解除，{LEVEL_NAMES.get(level, '')}应急响应终止（预案 5.7）。"
        "请各成员单位立即通知本行业、本辖区采取应急响应措施的企业、工地等单位终止响应措施，"
        "并于次日 10:00 前报送最后一日的落实情况。"
    )


def _decided_after(response: Response, form: ApprovalForm) -> bool:
    """Whether a later decision on this warning was already applied (an old event arriving late)."""
    return response.changes.filter(skipped=False, form__decided_at__gt=form.decided_at).exists()


def _close_orders(response: Response, *, status: str, at: dt.datetime) -> list[int]:
    """Supersede or close the open orders of a response; their measures clocks stop."""
    # The operators' public SMS orders (§4.2.4) belong to their form's publication, not to a level:
    # a new decision does not close them.
    open_ids = list(
        response.orders.filter(status__in=Order.OPEN_STATUSES, kind=Order.Kind.MEASURES).values_list("pk", flat=True)
    )
    if open_ids:
        Order.objects.filter(pk__in=open_ids).update(status=status, closed_at=at)
        deadlines_cancel(at=at, keys=[deadline_keys.measures(pk) for pk in open_ids])
    return open_ids


def _ozone(warning: Warning) -> bool:
    """An ozone episode (首要污染物为臭氧) adds the ozone measures of §5.3.4."""
    pollutant = (warning.primary_pollutant or "").upper()
    return "O3" in pollutant or "臭氧" in pollutant


def _issue_orders(response: Response, form: ApprovalForm, *, level: str, at: dt.datetime) -> list[Order]:
    preamble = order_preamble(
        level=level, warning=response.warning, action=form.action, effective_at=form.effective_at, at=at
    )
    measures = measures_for_level(level, ozone=_ozone(response.warning))
    orders = [
        Order(
            response=response,
            form=form,
            unit=unit,
            level=level,
            preamble=preamble,
            measures=measures_for_unit(level, unit.slug, measures=measures),
            issued_at=at,
        )
        for unit in MemberUnit.objects.filter(active=True).order_by("order", "pk")
    ]
    Order.objects.bulk_create(orders)
    orders = list(response.orders.filter(form=form, kind=Order.Kind.MEASURES).select_related("unit"))
    # §12: measures are due in place 2 hours after the later of the order and the response's
    # effective start (a warning signed the evening before for the next morning: 2 h after that).
    measures_from = max(at, form.effective_at) if form.effective_at else at
    for order in orders:
        deadline_start(
            kind=lc.DeadlineKind.MEASURES,
            key=order.deadline_key,
            start=measures_from,
            warning=response.warning,
            form=form,
            unit=order.unit,
        )
    return orders


def response_apply_form(*, form_id: int, now: dt.datetime | None = None) -> ResponseChange | None:
    """Apply an approved form to the response of its warning: issue → the response starts and
    every member unit gets its orders; upgrade/downgrade → the open orders are superseded (kept)
    and new ones issued at the new level; lift → the orders are closed and the response ends.
    Idempotent: one ResponseChange per form; a second call returns it and does nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        form = ApprovalForm.objects.select_related("warning").get(pk=form_id)
        if form.status != ApprovalForm.Status.APPROVED:
            log.info("response: form %s is %s, no orders", form_id, form.status)
            return None
        warning = Warning.objects.select_for_update().get(pk=form.warning_id)
        existing = ResponseChange.objects.filter(form=form).first()
        if existing is not None:
            return existing
        response = Response.objects.select_for_update().filter(warning=warning).first()
        level = RESPONSE_FOR_WARNING.get(form.level, "")
        if form.action == lc.Action.LIFT and response is None:
            log.warning("response: lift form %s for a warning without a response", form_id)
            return None
        if (
            form.action == lc.Action.LIFT
            and form.effective_at > now
            and public_sms_orders_issue(form_id=form.pk, now=now)
        ):
            # §4.2.4: the operators announce a lift signed in advance at once, as the public page does.
            outbox_emit("response.orders.notify", {"form_id": form.pk})
        if form.action == lc.Action.LIFT and form.effective_at > now:
            # §12: a lift signed in advance ends the response at its effective end, not at signature
            # (alerts.services.warning_bring_into_force emits this event again then).
            log.info("response: lift form %s takes effect at %s; the response goes on", form_id, form.effective_at)
            return None
        if response is None:
            # The response starts at its effective start (§12); its orders go out now, naming it.
            response = Response.objects.create(warning=warning, level=level, started_at=max(now, form.effective_at))
            from_level = ""
        else:
            from_level = response.level
        stale = response.status == Response.Status.ENDED or _decided_after(response, form)
        change = ResponseChange.objects.create(
            response=response,
            form=form,
            action=form.action,
            from_level=from_level,
            to_level="" if form.action == lc.Action.LIFT else level,
            applied_at=now,
            skipped=stale,
        )
        if stale:
            audit_record(
                actor=None,
                action="response.change.skipped",
                target=response,
                data={"form": form.pk, "action": form.action, "reason": "已有更晚签发的决定或响应已终止"},
            )
            return change
        # §4.2.4: the three operators send every decision applied to the public (a lift too; not a
        # stale one, which the public must not receive after the newer).
        sms_orders = public_sms_orders_issue(form_id=form.pk, now=now)
        deadline_meet(key=deadline_keys.units_notified(form.pk), at=now)
        approved_by = form.decided_by.username if form.decided_by_id else None
        if form.action == lc.Action.LIFT:
            closed = _close_orders(response, status=Order.Status.CLOSED, at=now)
            before = {"status": response.status, "level": response.level}
            response.status = Response.Status.ENDED
            response.ended_at = now
            response.closing_notice = closing_notice_text(warning=warning, level=response.level, ended_at=now)
            response.save(update_fields=["status", "ended_at", "closing_notice"])
            audit_record(
                actor=None,
                action="response.response.ended",
                target=response,
                before=before,
                after={"status": response.status},
                data={"form": form.pk, "approved_by": approved_by, "orders_closed": len(closed)},
            )
            # §9: the office's summary and evaluation (附件6, 附件8) is an open task from now on,
            # reminded after SUMMARY_REMIND_DAYS, never escalated; met when the summary is filed (reviews).
            deadline_start(
                kind=lc.DeadlineKind.SUMMARY,
                key=deadline_keys.summary(warning.pk),
                start=now,
                due=now + dt.timedelta(days=settings.SUMMARY_REMIND_DAYS),
                warning=warning,
            )
            outbox_emit("response.ended.notify", {"response_id": response.pk})
            if sms_orders:
                outbox_emit("response.orders.notify", {"form_id": form.pk})
            return change
        superseded = []
        if from_level:
            superseded = _close_orders(response, status=Order.Status.SUPERSEDED, at=now)
        if response.level != level:
            Response.objects.filter(pk=response.pk).update(level=level)
            response.level = level
        orders = _issue_orders(response, form, level=level, at=now)
        if superseded:
            by_unit = {order.unit_id: order.pk for order in orders}
            for old in Order.objects.filter(pk__in=superseded).only("pk", "unit_id"):
                if old.unit_id in by_unit:
                    Order.objects.filter(pk=old.pk).update(superseded_by_id=by_unit[old.unit_id])
        audit_record(
            actor=None,
            action=f"response.orders.{form.action}",
            target=response,
            before={"level": from_level or None},
            after={"level": level},
            data={"form": form.pk, "approved_by": approved_by, "orders": len(orders), "superseded": len(superseded)},
        )
        # Its own event, in this transaction: a notice that fails is retried by the outbox, while a
        # retried apply would find the change made and return early.
        outbox_emit("response.orders.notify", {"form_id": form.pk})
    return change


#: The three operators (三大通信运营商, §4.2.4) by their member-unit slug (fixtures/plan/command.json).
OPERATOR_SLUGS = ("yidong", "liantong", "dianxin")


def public_sms_preamble(*, warning: Warning) -> str:
    return (
        f"根据{warning.number}，请按照市政府要求，立即通过本公司网络向公众免费发送下列预警信息短信（预案 4.2.4）；"
        "发送完成后在系统中确认“已发送”，并简要说明发送范围和条数。"
    )


def public_sms_orders_issue(*, form_id: int, now: dt.datetime | None = None) -> list[Order]:
    """免费发布预警信息短信 (§4.2.4): one order to each of the three operators for an approved form
    (issue, change or lift), with the text to send, and the publication's channel rows opened and
    linked to them (publication/channels.py). Called by response_apply_form (the publication does
    not import the response); idempotent (one per form, unit and kind). Returns the orders created now."""
    now = now or timezone.now()
    with transaction.atomic():
        form = ApprovalForm.objects.select_related("warning").get(pk=form_id)
        if form.status != ApprovalForm.Status.APPROVED:
            return []
        response = Response.objects.filter(warning_id=form.warning_id).first()
        if response is None:
            return []
        units = list(MemberUnit.objects.filter(slug__in=OPERATOR_SLUGS, active=True).order_by("order", "pk"))
        have = set(Order.objects.filter(form=form, kind=Order.Kind.PUBLIC_SMS).values_list("unit_id", flat=True))
        text = sms_text(form)
        level = RESPONSE_FOR_WARNING.get(form.level) or response.level
        new = [
            Order(
                response=response,
                form=form,
                unit=unit,
                level=level,
                kind=Order.Kind.PUBLIC_SMS,
                preamble=public_sms_preamble(warning=form.warning),
                measures=[{"category": "publication", "title": "免费发布预警信息短信", "text": text, "general": False}],
                issued_at=now,
            )
            for unit in units
            if unit.pk not in have
        ]
        if not new:
            return []
        Order.objects.bulk_create(new, ignore_conflicts=True)
        created = list(
            Order.objects.filter(
                form=form, kind=Order.Kind.PUBLIC_SMS, unit__in=[o.unit for o in new], issued_at=now
            ).select_related("unit")
        )
        audit_record(
            actor=None,
            action="response.orders.public_sms",
            target=response,
            data={"form": form.pk, "units": [o.unit.slug for o in created]},
        )
        # The publication's channel of each operator points at its order (publication/channels.py);
        # the channels are opened here too, whichever of the publication and the response runs first.
        channels_open(form)
        for order in created:
            ChannelDelivery.objects.filter(
                form=form, channel=operator_channel(order.unit.slug), order__isnull=True
            ).update(order=order)
    return created


def orders_notify(*, form_id: int, kind: str | None = None) -> None:
    """Tell each member unit's people of the orders a form issued (of one ``kind``, or all); one
    notice per (person, order), however often it runs (notify_users is idempotent per person, kind
    and target)."""
    orders = Order.objects.filter(form_id=form_id).select_related("unit", "response__warning", "form")
    if kind is not None:
        orders = orders.filter(kind=kind)
    users_by_unit: dict[int, list] = {}
    for user in _unit_users({o.unit_id for o in orders}):
        users_by_unit.setdefault(user.unit_id, []).append(user)
    for order in orders:
        if order.kind == Order.Kind.PUBLIC_SMS:
            notify_users(
                users_by_unit.get(order.unit_id, []),
                kind="response.order.issued",
                title=f"请免费发布预警信息短信（{order.response.warning.number}）",
                body="请立即通过本公司网络向公众免费发送预警信息短信（预案 4.2.4），发送后在系统中确认。",
                link=reverse("response:order", args=[order.pk]),
                target=order,
            )
            continue
        notify_users(
            users_by_unit.get(order.unit_id, []),
            kind="response.order.issued",
            title=f"应急指令：{LEVEL_NAMES[order.level]}应急响应（{order.response.warning.number}）",
            body=_order_notice_body(order),
            link=reverse("response:order", args=[order.pk]),
            target=order,
        )


def _order_notice_body(order: Order) -> str:
    start = order.form.effective_at if order.form_id else None
    if start is not None and start > order.issued_at:
        return (
            f"应急响应将于 {_local(start)} 起启动。请签收，并于 {_local(start + dt.timedelta(hours=2))} 前"
            "落实到位后在系统中确认（预案 5.6）。"
        )
    return "请签收，并于 2 小时内落实到位后在系统中确认（预案 5.6）。"


def response_ended_notify(*, response_id: int) -> None:
    """Tell the units, the office and the supervisors that the response ended (the closing
    notice, §5.7); one notice per person and response."""
    response = Response.objects.select_related("warning").get(pk=response_id)
    unit_ids = set(response.orders.values_list("unit_id", flat=True))
    users = list(_unit_users(unit_ids)) + list(
        get_user_model().objects.filter(role__in=[Role.OFFICE, Role.SUPERVISOR], is_active=True)
    )
    notify_users(
        users,
        kind="response.ended",
        title=f"应急响应终止（{response.warning.number}）",
        body=response.closing_notice,
        link=reverse("response:orders"),
        target=response,
    )


def _own_order(actor, order_id: int) -> Order:
    order = Order.objects.select_for_update().select_related("unit").filter(pk=order_id).first()
    if order is None:
        raise ResponseError("指令不存在。", code="response.order.not_found", status=NOT_FOUND)
    if getattr(actor, "role", None) != Role.UNIT or actor.unit_id != order.unit_id:
        raise NotYourUnitError("只能签收、确认本单位的应急指令。")
    if not order.is_open:
        raise OrderStateError(f"该指令{order.get_status_display()}，无需再操作。")
    return order


def order_acknowledge(*, actor, order_id: int, now: dt.datetime | None = None) -> Order:
    """签收: the unit confirms it received the order."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _own_order(actor, order_id)
        if order.acknowledged_at is not None:
            raise OrderStateError("该指令已签收。")
        steps.acknowledge(order, actor=actor, now=now)
        audit_record(
            actor=actor,
            action="response.order.acknowledged",
            target=order,
            before={"status": Order.Status.ISSUED},
            after={"status": order.status},
        )
    return order


def order_confirm_in_place(*, actor, order_id: int, note: str, now: dt.datetime | None = None) -> Order:
    """落实到位: the unit confirms the measures are in place; this meets the 2-hour clock (§5.6).
    An order not yet acknowledged is acknowledged at the same time."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise ResponseError("请简要说明措施落实情况。")
    if len(note) > MAX_NOTE:
        raise ResponseError(f"说明不能超过 {MAX_NOTE} 字。")
    with transaction.atomic():
        order = _own_order(actor, order_id)
        if order.in_place_at is not None:
            raise OrderStateError("已确认落实到位。")
        before = {"status": order.status}
        steps.confirm_in_place(order, actor=actor, now=now, note=note)
        deadline_meet(key=order.deadline_key, at=now)
        deadline = Deadline.objects.filter(key=order.deadline_key).first()
        on_time = deadline is None or now <= deadline.due_at
        audit_record(
            actor=actor,
            action="response.order.in_place",
            target=order,
            before=before,
            after={"status": order.status},
            data={"note": note, "on_time": on_time},
        )
        if order.kind == Order.Kind.PUBLIC_SMS:
            # §4.2.4: the operator's confirmation is its channel of the publication done.
            channel_done_by_order(order=order, at=now)
    return order


# ----------------------------------------------------------------------------- daily reports


def report_due_at(report_date: dt.date) -> dt.datetime:
    """10:00 Asia/Shanghai of the day after the day reported on (§5.4)."""
    return dt.datetime.combine(report_date + dt.timedelta(days=1), REPORT_DUE, tzinfo=SHANGHAI)


def report_is_late(report_date: dt.date, submitted_at: dt.datetime) -> bool:
    return submitted_at > report_due_at(report_date)


def response_covering(day: dt.date) -> Response | None:
    """The response in force on a day (started on or before it, not ended before it)."""
    day_start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)
    day_end = day_start + dt.timedelta(days=1)
    return (
        Response.objects.select_related("warning")
        .filter(started_at__lt=day_end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=day_start))
        .order_by("-started_at")
        .first()
    )


def report_required(response: Response, report_date: dt.date) -> bool:
    """A day's report is owed for each day of the response, the last day included (§9: the day of
    the lift is reported on the morning after, as the closing notice asks)."""
    if report_date < response.start_date:
        return False
    return response.ended_at is None or report_date <= timezone.localdate(response.ended_at, SHANGHAI)


def response_owing(report_date: dt.date) -> Response | None:
    """The response a report on ``report_date`` is owed to: in force that day, also when it has
    ended since (the last day's report falls the morning after the lift)."""
    response = response_covering(report_date)
    if response is None or not report_required(response, report_date):
        return None
    return response


def _clean_figures(figures: Any) -> dict:
    if figures in (None, "", {}):
        return {}
    if not isinstance(figures, dict):
        raise ResponseError("其他数据须为「名称: 数值」的键值对。")
    if len(figures) > MAX_FIGURES:
        raise ResponseError(f"其他数据最多 {MAX_FIGURES} 项。")
    clean = {}
    for key, value in figures.items():
        name = str(key).strip()[:100]
        if not name:
            raise ResponseError("其他数据的名称不能为空。")
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ResponseError(f"其他数据「{name}」的值须为数字或文字。")
        clean[name] = value.strip()[:200] if isinstance(value, str) else value
    return clean


def _count(value: Any, label: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ResponseError(f"「{label}」须为整数。") from exc
    if number < 0 or number > 1_000_000:
        raise ResponseError(f"「{label}」超出范围。")
    return number


def daily_report_submit(
    *,
    actor,
    report_date: dt.date,
    content: str,
    measures_done: str = "",
    inspections: Any = 0,
    enterprises_checked: Any = 0,
    violations_found: Any = 0,
    figures: Any = None,
    files: Iterable = (),
    now: dt.datetime | None = None,
) -> DailyReport:
    """A member unit files its report on one day of a response. The unit is the actor's own,
    never one named in the request. One report per unit and day: a second is refused
    (DailyReportExistsError, 409 in the API)."""
    now = now or timezone.now()
    if getattr(actor, "role", None) != Role.UNIT or not actor.unit_id:
        raise NotYourUnitError("只有成员单位用户可以报送本单位的落实情况。")
    content = (content or "").strip()
    measures_done = (measures_done or "").strip()
    if not content:
        raise ResponseError("请填写落实情况。")
    if len(content) > MAX_TEXT or len(measures_done) > MAX_TEXT:
        raise ResponseError(f"文字不能超过 {MAX_TEXT} 字。")
    today = timezone.localdate(now, SHANGHAI)
    if report_date > today:
        raise ResponseError("不能报送今天以后的落实情况。")
    figures = _clean_figures(figures)
    counts = {
        "inspections": _count(inspections, "检查次数"),
        "enterprises_checked": _count(enterprises_checked, "检查企业数"),
        "violations_found": _count(violations_found, "发现问题数"),
    }
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise ResponseError(f"附件最多 {MAX_ATTACHMENTS} 个。")
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload, allowed=DOCUMENT_TYPES, max_bytes=attachment_max_bytes())))
        except ValidationError as exc:
            raise ResponseError(exc.messages[0]) from exc
    response = response_covering(report_date)
    if response is None:
        raise ResponseError(f"{report_date:%Y-%m-%d} 不在应急响应期间，无需报送。")
    existing = DailyReport.objects.filter(unit_id=actor.unit_id, report_date=report_date).first()
    if existing is not None:
        raise DailyReportExistsError(
            f"本单位 {report_date:%Y-%m-%d} 的落实情况已于 {_local(existing.submitted_at)} 报送，不能重复报送。",
            existing,
        )
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                response=response,
                unit_id=actor.unit_id,
                report_date=report_date,
                content=content,
                measures_done=measures_done,
                figures=figures,
                submitted_by=actor,
                submitted_at=now,
                late=report_is_late(report_date, now),
                **counts,
            )
            for upload, info in checked:
                ReportAttachment.objects.create(
                    report=report, file=upload, name=info.name, size=info.size, content_type=info.content_type
                )
            deadline_meet(key=deadline_keys.daily_report(response.pk, actor.unit_id, report_date), at=now)
            audit_record(
                actor=actor,
                action="response.report.submitted",
                target=report,
                after={"report_date": report_date.isoformat(), "late": report.late},
                data={"attachments": [info.name for _, info in checked], **counts},
            )
    except IntegrityError as exc:
        existing = DailyReport.objects.get(unit_id=actor.unit_id, report_date=report_date)
        raise DailyReportExistsError("本单位当日的落实情况已报送，不能重复报送。", existing) from exc
    return report


def daily_deadlines_open(*, day: dt.date | None = None) -> int:
    """At 00:00 of each day of a response and of the day after its last: one clock per member unit
    for the report on the previous day, due at 10:00 (deadline kind daily_report). Idempotent (keyed)."""
    day = day or timezone.localdate(timezone.now(), SHANGHAI)
    report_date = day - dt.timedelta(days=1)
    response = response_owing(report_date)
    if response is None:
        return 0
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)
    filed = dict(DailyReport.objects.filter(report_date=report_date).values_list("unit_id", "submitted_at"))
    count = 0
    for unit in MemberUnit.objects.filter(active=True):
        key = deadline_keys.daily_report(response.pk, unit.pk, report_date)
        deadline_start(kind=lc.DeadlineKind.DAILY_REPORT, key=key, start=start, warning=response.warning, unit=unit)
        if unit.pk in filed:
            deadline_meet(key=key, at=filed[unit.pk])
        count += 1
    return count


def daily_reports_remind(*, now: dt.datetime | None = None) -> int:
    """09:00 during a response: an in-app notice to the users of every member unit that has not
    filed the previous day's report. Once per unit and day: the reminder step of the unit's daily
    clock is claimed (reminded_at), the same claim the generic deadline tick makes, so the two
    never both remind. Returns how many units were reminded now."""
    now = now or timezone.now()
    day = timezone.localdate(now, SHANGHAI)
    report_date = day - dt.timedelta(days=1)
    response = response_owing(report_date)
    if response is None:
        return 0
    daily_deadlines_open(day=day)
    filed = set(DailyReport.objects.filter(report_date=report_date).values_list("unit_id", flat=True))
    missing = MemberUnit.objects.filter(active=True).exclude(pk__in=filed)
    users_by_unit: dict[int, list] = {}
    for user in _unit_users(missing.values_list("pk", flat=True)):
        users_by_unit.setdefault(user.unit_id, []).append(user)
    link = f"{reverse('response:report-new')}?date={report_date.isoformat()}"
    reminded = 0
    for unit in missing:
        users = users_by_unit.get(unit.pk, [])
        if not users:
            continue  # nobody to tell here; the generic deadline tick (deadlines.services) tells the office
        key = deadline_keys.daily_report(response.pk, unit.pk, report_date)
        with transaction.atomic():
            # Claimed like every deadline step (deadlines.services): one reminder, whoever sends it first.
            if not deadline_claim(key=key, step="remind", at=now):
                continue
            deadline = Deadline.objects.get(key=key)
            notify_users(
                users,
                kind="response.daily_report.reminder",
                title=f"请于 10:00 前报送 {report_date:%m月%d日} 应急措施落实情况",
                body=f"{unit.name}尚未报送 {report_date:%Y-%m-%d} 的落实情况，截止 {_local(deadline.due_at)}（预案 5.4）。",
                link=link,
                target=deadline,
            )
            audit_record(
                actor=None,
                action="response.report.reminded",
                target=deadline,
                data={
                    "unit": unit.slug,
                    "report_date": report_date.isoformat(),
                    "recipients": [u.username for u in users],
                },
            )
        reminded += 1
    return reminded
