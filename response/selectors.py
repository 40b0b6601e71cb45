"""Reads of the response for pages and the API: orders and reports as each person may see them,
the acknowledgement grid, and daily-report compliance (on time, late, missing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import Role
from command.models import MemberUnit
from deadlines import selectors as deadline_selectors

from .models import DailyReport, Order, Response
from .services import SHANGHAI, report_due_at, report_required, response_covering

ON_TIME, LATE, MISSING, PENDING, NOT_REQUIRED = "on_time", "late", "missing", "pending", "not_required"
STATUS_NAMES = {ON_TIME: "按时", LATE: "逾期", MISSING: "未报", PENDING: "待报", NOT_REQUIRED: "—"}


def _scope_units(qs: QuerySet, user, field_name: str = "unit") -> QuerySet:
    """A member-unit user sees their own unit only; a county user their county's government."""
    if user.role == Role.UNIT:
        return qs.filter(**{f"{field_name}_id": user.unit_id})
    if user.role == Role.COUNTY:
        return qs.filter(**{f"{field_name}__area_id": user.area_id})
    return qs


def current_response() -> Response | None:
    """The response in force, else the most recent one."""
    return (
        Response.objects.select_related("warning").filter(status=Response.Status.ACTIVE).first()
        or Response.objects.select_related("warning").order_by("-started_at").first()
    )


def responses() -> QuerySet[Response]:
    return Response.objects.select_related("warning").order_by("-started_at")


def orders_for(user, *, response: Response | None = None) -> QuerySet[Order]:
    qs = Order.objects.select_related("unit", "response__warning", "acknowledged_by", "in_place_by", "form")
    if response is not None:
        qs = qs.filter(response=response)
    return _scope_units(qs, user).order_by("-issued_at", "unit__order", "pk")


def latest_orders(response: Response) -> list[Order]:
    """The orders of the latest applied decision, one per unit (the acknowledgement grid)."""
    last = response.changes.filter(skipped=False).exclude(action="lift").order_by("-applied_at", "-id").first()
    if last is None:
        return []
    return list(
        Order.objects.filter(response=response, form_id=last.form_id, kind=Order.Kind.MEASURES)
        .select_related("unit", "acknowledged_by", "in_place_by")
        .order_by("unit__order", "unit_id")
    )


def order_deadlines(orders: list[Order]) -> dict[str, object]:
    """The measures clock of each order, by its key (Order.deadline_key)."""
    return deadline_selectors.by_key(o.deadline_key for o in orders)


def reports_for(user) -> QuerySet[DailyReport]:
    qs = DailyReport.objects.select_related("unit", "submitted_by", "response__warning").prefetch_related("attachments")
    return _scope_units(qs, user).order_by("-report_date", "unit__order")


def report_status(*, response: Response, report: DailyReport | None, day: dt.date, now: dt.datetime) -> str:
    if report is not None:
        return LATE if report.late else ON_TIME
    if not report_required(response, day):
        return NOT_REQUIRED
    return MISSING if now > report_due_at(day) else PENDING


@dataclass
class ComplianceRow:
    unit: MemberUnit
    status: str
    report: DailyReport | None

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


def compliance_on(day: dt.date, *, now: dt.datetime | None = None) -> tuple[Response | None, list[ComplianceRow]]:
    """Per active member unit, the state of its report on ``day`` (the day reported on)."""
    now = now or timezone.now()
    response = response_covering(day)
    if response is None:
        return None, []
    reports = {r.unit_id: r for r in DailyReport.objects.filter(report_date=day).select_related("submitted_by")}
    rows = [
        ComplianceRow(
            unit=unit,
            report=reports.get(unit.pk),
            status=report_status(response=response, report=reports.get(unit.pk), day=day, now=now),
        )
        for unit in MemberUnit.objects.filter(active=True).order_by("order", "pk")
    ]
    return response, rows


def response_days(response: Response, *, now: dt.datetime | None = None) -> list[dt.date]:
    """The days a report can be owed on: from the start to yesterday (or to the end)."""
    now = now or timezone.now()
    last = timezone.localdate(now, SHANGHAI) - dt.timedelta(days=1)
    if response.ended_at is not None:
        last = min(last, timezone.localdate(response.ended_at, SHANGHAI))
    first = response.start_date
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass
class GridRow:
    unit: MemberUnit
    cells: list[tuple[dt.date, str, DailyReport | None]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def compliance_grid(response: Response, *, now: dt.datetime | None = None) -> tuple[list[dt.date], list[GridRow], dict]:
    """Units × days of a response, each cell on_time / late / missing / pending / not_required,
    with totals per status. Two queries: the units and the response's reports."""
    now = now or timezone.now()
    days = response_days(response, now=now)
    reports = {(r.unit_id, r.report_date): r for r in response.reports.select_related("submitted_by")}
    totals = {key: 0 for key in STATUS_NAMES}
    rows = []
    for unit in MemberUnit.objects.filter(active=True).order_by("order", "pk"):
        row = GridRow(unit=unit, counts={key: 0 for key in STATUS_NAMES})
        for day in days:
            report = reports.get((unit.pk, day))
            status = report_status(response=response, report=report, day=day, now=now)
            row.cells.append((day, status, report))
            row.counts[status] += 1
            totals[status] += 1
        rows.append(row)
    return days, rows, totals
