"""Reads for the after-action pages, and the one place that reads the other apps' records for
them: orders and daily reports (response), inspections and tip-offs (supervision), the reduction
estimate (measures), each by its real fields, so that a renamed field fails here loudly instead of
showing 0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from alerts.models import ApprovalForm, Warning
from counties.selectors import summary_measures
from deadlines import keys as deadline_keys
from deadlines import selectors as deadline_selectors
from forecasts.domain.areas import CITY_CODE
from forecasts.domain.series import build_series
from forecasts.selectors import stored_frame
from measures.domain.constants import POLLUTANT_NAMES
from measures.selectors import obligations_for
from response.models import DailyReport, Order, Response
from response.selectors import compliance_grid
from supervision.models import Inspection, TipOff
from supervision.selectors import response_enforcement_figures

from . import domain
from .models import DrillRecord, EffectEvaluation, ResponseSummary

#: §5.6: each unit confirms its measures in place within 2 hours of the order.
IN_PLACE_HOURS = 2


# --------------------------------------------------------------------------- warnings as responses


def reviewable_warnings() -> QuerySet[Warning]:
    """Warnings that started a response (active or lifted), newest first, with their review rows."""
    return (
        Warning.objects.filter(status__in=[Warning.Status.ACTIVE, Warning.Status.LIFTED])
        .select_related("response_summary", "effect_evaluation")
        .prefetch_related(_approved_forms())
        .order_by("-created_at")
    )


def warning_for_review(warning_id: int) -> Warning:
    return reviewable_warnings().get(pk=warning_id)


def _approved_forms() -> Prefetch:
    return Prefetch(
        "forms",
        queryset=ApprovalForm.objects.filter(status=ApprovalForm.Status.APPROVED).order_by("effective_at", "id"),
        to_attr="approved_forms",
    )


def _form_time(form: ApprovalForm) -> dt.datetime:
    """When an approved decision took effect: its stated time, or the signature if that came later
    (the rule alerts.services.form_approve applies to lifting)."""
    if form.decided_at and form.decided_at > form.effective_at:
        return form.decided_at
    return form.effective_at


def episode(warning: Warning) -> domain.Episode:
    """The warning as a response: start (publication), end (lifting) and level steps, in local time."""
    forms = getattr(warning, "approved_forms", None)
    if forms is None:
        forms = list(warning.forms.filter(status=ApprovalForm.Status.APPROVED).order_by("effective_at", "id"))
    steps = []
    issue_time = None
    for form in forms:
        if form.action == ApprovalForm.Action.LIFT:
            continue
        at = timezone.localtime(_form_time(form))
        if form.action == ApprovalForm.Action.ISSUE:
            issue_time = at
        steps.append(domain.LevelStep(at=at, action=form.action, from_level=form.from_level, level=form.level))
    start = warning.published_at or issue_time
    if start is not None:
        start = timezone.localtime(start)
        steps = [
            domain.LevelStep(at=start, action=s.action, from_level=s.from_level, level=s.level)
            if s.action == ApprovalForm.Action.ISSUE
            else s
            for s in steps
        ]
    end = timezone.localtime(warning.lifted_at) if warning.lifted_at else None
    steps.sort(key=lambda s: s.at)
    return domain.Episode(start=start, end=end, steps=tuple(steps))


def year_totals(warning: Warning, ep: domain.Episode) -> tuple[int, int]:
    """年度累计响应次数 and 年度累计响应时间 (hours), up to and including this response."""
    if ep.start is None:
        return 0, 0
    year = ep.start.year
    # A wide net on stored times (the year in local time is decided in the domain).
    lo = ep.start.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    candidates = (
        Warning.objects.filter(status=Warning.Status.LIFTED, lifted_at__isnull=False)
        .filter(Q(published_at__gte=lo) | Q(published_at__isnull=True, created_at__gte=lo - dt.timedelta(days=7)))
        .prefetch_related(_approved_forms())
    )
    episodes = [episode(w) for w in candidates]
    return domain.year_totals(episodes, year=year, upto=ep.start)


# --------------------------------------------------------------------------- the other apps' records


def _response_of(warning: Warning) -> Response | None:
    """The response (应急响应) this warning started, or None while there is none."""
    return Response.objects.filter(warning=warning).first()


def order_figures(warning: Warning, ep: domain.Episode) -> dict:
    """Orders (应急指令) to member units over the whole response (each issue, upgrade and downgrade
    sends a new round): issued, acknowledged (签收), in place (落实到位), and in place within the
    2-hour clock of §5.6 (the measures Deadline when there is one, else issued + 2 h)."""
    response = _response_of(warning)
    figures: dict[str, Any] = {
        "found": response is not None,
        "issued": 0,
        "units": 0,
        "rounds": 0,
        "acknowledged": 0,
        "in_place": 0,
        "on_time": 0,
        "late": 0,
    }
    if response is None:
        return figures
    rows = list(
        Order.objects.filter(response=response, kind=Order.Kind.MEASURES).values_list(
            "pk", "issued_at", "acknowledged_at", "in_place_at", "unit_id", "form_id"
        )
    )
    due = {}
    if rows:
        keys = {deadline_keys.measures(row[0]): row[0] for row in rows}
        due = {keys[k]: d for k, d in deadline_selectors.due_times(keys).items()}
    for pk, issued, acknowledged, in_place, _unit, _form in rows:
        figures["issued"] += 1
        figures["acknowledged"] += acknowledged is not None
        if in_place is not None:
            figures["in_place"] += 1
            limit = due.get(pk) or issued + dt.timedelta(hours=IN_PLACE_HOURS)
            figures["on_time" if in_place <= limit else "late"] += 1
    figures["units"] = len({row[4] for row in rows})
    figures["rounds"] = len({row[5] for row in rows})
    return figures


def daily_report_figures(warning: Warning, ep: domain.Episode) -> dict:
    """Daily reports (每日10:00前报送前一日落实情况, §7.1) as the office's compliance grid counts
    them (response.selectors.compliance_grid): on time, late, missing; and the inspections,
    enterprises checked and violations the units reported."""
    response = _response_of(warning)
    figures: dict[str, Any] = {
        "found": response is not None,
        "days": 0,
        "expected": 0,
        "filed": 0,
        "on_time": 0,
        "late": 0,
        "missing": 0,
        "inspections": 0,
        "enterprises_checked": 0,
        "violations": 0,
    }
    if response is None:
        return figures
    totals = DailyReport.objects.filter(response=response).aggregate(
        filed=Count("pk"),
        late=Count("pk", filter=Q(late=True)),
        inspections=Sum("inspections"),
        enterprises_checked=Sum("enterprises_checked"),
        violations=Sum("violations_found"),
    )
    figures.update({key: int(value or 0) for key, value in totals.items()})
    days, _rows, grid = compliance_grid(response, now=timezone.now())
    figures["days"] = len(days)
    figures["missing"] = int(grid.get("missing", 0))
    figures["pending"] = int(grid.get("pending", 0))
    figures["on_time"] = int(grid.get("on_time", figures["filed"] - figures["late"]))
    figures["late"] = int(grid.get("late", figures["late"]))
    figures["expected"] = figures["on_time"] + figures["late"] + figures["missing"] + figures["pending"]
    return figures


def _linked(
    qs: QuerySet, response: Response | None, ep: domain.Episode, window: Callable[[dt.datetime, dt.datetime], Q]
) -> QuerySet:
    """Rows of a supervision model that belong to this response: linked to it, or unlinked and
    dated inside it (``window`` gives the condition on the row's own date or time)."""
    condition = Q(pk__in=[])
    if response is not None:
        condition |= Q(response=response)
    if ep.start is not None:
        condition |= Q(response__isnull=True) & window(ep.start, ep.end or timezone.localtime())
    return qs.filter(condition)


def supervision_figures(warning: Warning, ep: domain.Episode) -> dict:
    """The supervision group's inspections and the violations they found (§7.2) with the
    enforcement actions ordered on them (stops, fines and their total in yuan, referrals) and the
    repeat offenders among them, and public tip-offs with those verified true and rewarded (§7.3).
    An inspection counts whole days (its date), a tip-off the exact span (its time)."""
    response = _response_of(warning)
    inspections = _linked(
        Inspection.objects.all(), response, ep, lambda start, end: Q(date__gte=start.date(), date__lte=end.date())
    )
    tipoffs = _linked(
        TipOff.objects.all(), response, ep, lambda start, end: Q(created_at__gte=start, created_at__lte=end)
    )
    return {
        "inspections": inspections.count(),
        "violations": inspections.filter(violation=True).count(),
        "tipoffs": tipoffs.count(),
        "tipoffs_verified": tipoffs.filter(status=TipOff.Status.TRUE).count(),
        "tipoffs_rewarded": tipoffs.filter(reward=True).count(),
        **response_enforcement_figures(inspections),
    }


def reduction_estimate(level: str) -> list[dict] | None:
    """The expected reduction at a warning level from the emergency reduction list (measures app:
    every enterprise's 附件11 obligation against the level's 20/30/40 % target), one row per
    pollutant; None when the registry holds no emissions."""
    response_level = domain.RESPONSE_LEVELS.get(level)
    if not response_level:
        return None
    lines = obligations_for(response_level, top=0).estimate.lines
    if not any(line.total for line in lines):
        return None
    return [
        {
            "pollutant": POLLUTANT_NAMES.get(line.pollutant, line.pollutant),
            "total": round(float(line.total), 3),
            "amount": round(float(line.cut), 3),
            "share": round(float(line.percent), 1),
            "target": float(line.target_percent),
            "short": bool(line.short),
            "shortfall": round(float(line.shortfall), 3),
        }
        for line in lines
    ]


def reduction_lines(rows: list[dict] | None) -> list[str]:
    """The estimate as short sentences (附件6 data rows, 附件8 prefill)."""
    lines = []
    for row in rows or []:
        text = f"{row['pollutant']}预计减排{row['amount']:g}吨，占排放总量的{row['share']:g}%（目标{row['target']:g}%"
        text += f"，尚差{row['shortfall']:g}吨）" if row.get("short") else "，已达到）"
        lines.append(text)
    return lines


# --------------------------------------------------------------------------- observed AQI (附件8)


def observed_aqi(ep: domain.Episode) -> list[domain.AqiWindow]:
    """Mean observed AQI of the city 72 h before, during and 72 h after the response, from the
    stored observations (real data only, never a replay's)."""
    if ep.start is None:
        return []
    end = ep.end or timezone.localtime()
    lo = domain.floor_hour(ep.start) - domain.AROUND
    hi = domain.floor_hour(end) + domain.AROUND
    frame = stored_frame(start=lo, end=hi)
    frame = frame[frame["kind"] == "observed"] if len(frame) else frame
    series = build_series(frame) if len(frame) else {}
    aqi = domain.hourly_aqi(series, city_code=CITY_CODE)
    return domain.aqi_windows(aqi, start=ep.start, end=end)


def evaluation_prefill(warning: Warning) -> dict:
    """Initial values of 附件8 for a warning: level, content text and the figures behind it."""
    ep = episode(warning)
    level = domain.highest_level(ep.steps)
    windows = observed_aqi(ep)
    rows = reduction_estimate(level)
    content = (
        domain.evaluation_text(
            warning_number=warning.number,
            level=level,
            start=ep.start,
            end=ep.end,
            windows=windows,
            reduction_lines=reduction_lines(rows),
        )
        if ep.start
        else ""
    )
    figures = {
        "aqi": [
            {"label": w.label, "start": w.start.isoformat(), "end": w.end.isoformat(), "mean": w.mean, "hours": w.hours}
            for w in windows
        ],
        "reduction": rows,
    }
    return {"level": level if level != "none" else "", "content": content, "figures": figures}


# --------------------------------------------------------------------------- the statistics table (附件6)


def summary_figures(warning: Warning) -> dict:
    """Every figure of 附件6 for a warning, computed now, as plain JSON values (the same shape is
    frozen into ResponseSummary.snapshot)."""
    ep = episode(warning)
    level = domain.highest_level(ep.steps)
    count, hours = year_totals(warning, ep)
    orders = order_figures(warning, ep)
    figures: dict[str, Any] = {
        "computed_at": timezone.now().isoformat(),
        "warning": {"id": warning.pk, "number": warning.number, "status": warning.status},
        "level": level,
        "level_label": domain.level_label(level),
        "response_level": domain.RESPONSE_LEVELS.get(level, ""),
        "steps": [
            {
                "at": s.at.isoformat(),
                "at_text": domain.hour_text(s.at),
                "action": s.action,
                "action_label": domain.ACTION_NAMES.get(s.action, s.action),
                "from_level": s.from_level,
                "level": s.level,
                "level_label": domain.level_label(s.level),
            }
            for s in ep.steps
        ],
        "start": ep.start.isoformat() if ep.start else None,
        "start_text": domain.hour_text(ep.start),
        "end": ep.end.isoformat() if ep.end else None,
        "end_text": domain.hour_text(ep.end),
        "hours": ep.hours,
        "hours_text": domain.duration_text(ep.hours),
        "year": ep.start.year if ep.start else None,
        "year_count": count,
        "year_hours": hours,
        "year_hours_text": domain.duration_text(hours) if ep.start else "",
        "orders": orders,
        "reports": daily_report_figures(warning, ep),
        "supervision": supervision_figures(warning, ep),
        "county_measures": summary_measures(_response_of(warning)),  # §5.2 the counties' extra measures
        "reduction": reduction_estimate(level) if level != "none" else None,
    }
    return figures


# --------------------------------------------------------------------------- lists


def summaries() -> QuerySet[ResponseSummary]:
    return ResponseSummary.objects.select_related("warning", "finalized_by")


def summary_for(warning: Warning) -> ResponseSummary | None:
    return ResponseSummary.objects.filter(warning=warning).select_related("finalized_by").first()


def evaluation_for(warning: Warning) -> EffectEvaluation | None:
    return EffectEvaluation.objects.filter(warning=warning).prefetch_related("experts").first()


def drills() -> QuerySet[DrillRecord]:
    return DrillRecord.objects.select_related("replay", "created_by")
