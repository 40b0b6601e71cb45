"""Reads for the office dashboard (首页): each panel's data from the apps' own selectors, with a
fixed number of queries whatever the number of rows (dashboard/tests/test_dashboard.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from alerts.models import ApprovalForm
from alerts.selectors import active_warning, forms_awaiting, response_name
from audit.models import AuditEntry
from deadlines import selectors as deadline_selectors
from deadlines.countdown import duration_text, remaining
from forecasts.domain.areas import CITY_CODE
from forecasts.views.pages import forecast_data, resolve_range
from notifications.models import Delivery, Notification
from publication.selectors import duty_for_user
from response.models import Response
from response.selectors import (
    LATE,
    MISSING,
    NOT_REQUIRED,
    ON_TIME,
    PENDING,
    compliance_on,
    order_deadlines,
    orders_for,
    reports_for,
)
from response.services import report_due_at, report_required, response_covering


@dataclass(frozen=True)
class CityStatus:
    """全市当前状态: the warning in force (level, response, since), else the last one."""

    warning: object | None
    level: str
    response_level: str
    response_name: str
    since: dt.datetime | None
    response: object | None


def city_status() -> CityStatus:
    warning = active_warning()
    response = None
    if warning is not None:
        response = Response.objects.filter(warning=warning).first()
    level = warning.level if warning is not None else "none"
    response_level = warning.response_level if warning is not None else ""
    return CityStatus(
        warning=warning,
        level=level,
        response_level=response_level,
        response_name=response_name(response_level),
        since=(warning.published_at if warning is not None else None),
        response=response,
    )


def pending_forms() -> list:
    """Approval forms not yet decided, oldest first, with where each one sits: a draft with the
    office, a submitted form with the vice-commander or the commander (附件5 routing)."""
    forms = list(
        ApprovalForm.objects.filter(status__in=[ApprovalForm.Status.DRAFT, ApprovalForm.Status.SUBMITTED])
        .select_related("warning", "drafted_by", "submitted_by")
        .order_by("drafted_at", "pk")
    )
    now = timezone.now()
    for form in forms:
        form.sits_with = (
            form.get_approver_role_display() if form.status == ApprovalForm.Status.SUBMITTED else Role.OFFICE.label
        )
        since = form.submitted_at or form.drafted_at
        form.waiting_seconds = max(0, int((now - since).total_seconds())) if since else 0
    return forms


def inbox(user) -> list:
    """The leader's own inbox (alerts.selectors.forms_awaiting), with how long each form waits."""
    now = timezone.now()
    items = list(forms_awaiting(user))
    for form in items:
        form.waiting = (
            duration_text(max(0, int((now - form.submitted_at).total_seconds()))) if form.submitted_at else ""
        )
        form.response_label = response_name(form.response_level)
    return items


def running_deadlines(now: dt.datetime | None = None) -> list:
    """Every open deadline with its countdown, soonest first (deadlines.selectors.running)."""
    return deadline_selectors.running(now)


def grouped_deadlines(rows: list) -> list:
    """The dashboard's view of running_deadlines: the clocks of one kind that fall due at the same
    moment for several units (the 33 member units' 2-hour measures clocks of one order round) are one
    row naming the units, with one countdown; a clock of its own stays a row of its own. The
    deadlines page (deadlines:list) keeps one row per clock."""
    groups: dict[tuple, object] = {}
    for d in rows:
        key = (d.kind, d.due_at) if d.unit_id is not None else ("own", d.pk)
        first = groups.setdefault(key, d)
        if first is d:
            d.units = []
        if d.unit_id is not None:
            first.units.append(d.unit)
    out = list(groups.values())  # insertion order: soonest first, as running_deadlines sorts
    for d in out:
        if len(d.units) == 1:
            d.units = []  # a unit's clock of its own: the table names its unit as before
    return out


@dataclass(frozen=True)
class Compliance:
    """The daily reports due today at 10:00 (the day before reported on), per status."""

    day: dt.date
    due_at: dt.datetime
    response: object | None
    counts: dict[str, int]
    missing: list


def reporting_day(now: dt.datetime | None = None) -> tuple[dt.date, object | None]:
    """The day whose 10:00 report the dashboard follows, and the response covering it: yesterday's
    (due today at 10:00) while a response covered yesterday; on a response's first day, today's
    (due tomorrow at 10:00) — otherwise the first day of a response would read "no report owed"."""
    today = timezone.localdate(now or timezone.now())
    yesterday = today - dt.timedelta(days=1)
    response = response_covering(yesterday)
    if response is not None:
        return yesterday, response
    response = response_covering(today)
    return (today, response) if response is not None else (yesterday, None)


def report_compliance(now: dt.datetime | None = None) -> Compliance:
    now = now or timezone.now()
    day, _ = reporting_day(now)
    response, rows = compliance_on(day, now=now)
    counts = dict.fromkeys((ON_TIME, LATE, PENDING, MISSING, NOT_REQUIRED), 0)
    for row in rows:
        counts[row.status] += 1
    missing = [row.unit for row in rows if row.status in (MISSING, PENDING)]
    return Compliance(day=day, due_at=report_due_at(day), response=response, counts=counts, missing=missing)


DELIVERY_WINDOW = dt.timedelta(hours=24)


def delivery_counts(now: dt.datetime | None = None) -> list[dict]:
    """What went out in the last 24 hours, per channel: SMS sent (sent or delivered), of which
    delivered by the gateway's receipt, failed and pending (queued); in-app notices created and
    read. Two queries. A day covers the publication in hand on the worst day; the deliveries page
    has the whole record."""
    since = (now or timezone.now()) - DELIVERY_WINDOW
    totals: dict[str, dict[str, int]] = {}
    rows = Delivery.objects.filter(created_at__gte=since).values_list("channel", "status").annotate(n=Count("id"))
    for channel, status, n in rows.order_by():
        row = totals.setdefault(channel, {"sent": 0, "confirmed": 0, "failed": 0, "pending": 0})
        if status in (Delivery.Status.SENT, Delivery.Status.DELIVERED):
            row["sent"] += n
            if status == Delivery.Status.DELIVERED:
                row["confirmed"] += n
        elif status == Delivery.Status.FAILED:
            row["failed"] += n
        else:
            row["pending"] += n
    labels = dict(Delivery.Channel.choices)
    out = [
        {"channel": channel, "label": labels.get(channel, channel), **row} for channel, row in sorted(totals.items())
    ]
    notices = Notification.objects.filter(created_at__gte=since).aggregate(
        sent=Count("id"), confirmed=Count("id", filter=Q(read_at__isnull=False))
    )
    if notices["sent"]:
        out.append(
            {
                "channel": "in_app",
                "label": _("站内通知"),
                "sent": notices["sent"],
                "confirmed": notices["confirmed"],
                "failed": 0,
                "pending": 0,
            }
        )
    return out


def latest_audit(limit: int = 10) -> list:
    return list(AuditEntry.objects.select_related("actor").order_by("-created_at", "-pk")[:limit])


def my_orders(user, limit: int = 10) -> list:
    """A unit's (or county's) latest orders with their acknowledgement clocks (response.selectors)."""
    orders = list(orders_for(user)[:limit])
    deadlines = order_deadlines(orders)
    now = timezone.now()
    for order in orders:
        order.deadline = deadlines.get(order.deadline_key)
        if order.deadline and order.deadline.met_at is None and order.deadline.cancelled_at is None:
            order.deadline.remaining = remaining(order.deadline.due_at, now)
    return orders


@dataclass(frozen=True)
class UnitReports:
    """A unit's daily report owed today (for the day before): filed or not, and its latest reports."""

    day: dt.date
    due_at: dt.datetime
    required: bool
    filed: object | None
    recent: list


def my_reports(user, limit: int = 5) -> UnitReports:
    day, response = reporting_day()
    reports = reports_for(user).prefetch_related(None)
    recent = list(reports[:limit])
    filed = reports.filter(report_date=day).first()
    required = response is not None and report_required(response, day)
    return UnitReports(day=day, due_at=report_due_at(day), required=required, filed=filed, recent=recent)


def my_duty(user) -> list:
    """A county's on-duty confirmations (在岗指挥确认) for the warning in force (publication.selectors)."""
    return list(duty_for_user(user))


def forecast_chart():
    """The city's forecast chart of the forecast page, over its default range (forecasts.views.pages)."""
    dates = resolve_range(CITY_CODE, None, None)
    return forecast_data(CITY_CODE, *dates) if dates else None
