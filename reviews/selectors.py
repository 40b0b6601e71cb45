"""Reads for the after-action pages, and the one place that reads the other apps' data.

The response, supervision and measures apps are built beside this one; their models are looked
up inside functions (``apps.get_model``) and every figure that depends on them is ``None`` when
they are not installed or have no such model, so the statistics table (附件6) still shows what
the warnings themselves say.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models import Model, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from alerts.models import ApprovalForm, Warning
from deadlines import keys as deadline_keys
from deadlines import selectors as deadline_selectors

from . import domain
from .models import DrillRecord, EffectEvaluation, ResponseSummary

CITY_CODE = "140300"
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
        steps = [domain.LevelStep(at=start, action=s.action, from_level=s.from_level, level=s.level)
                 if s.action == ApprovalForm.Action.ISSUE else s for s in steps]
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


# --------------------------------------------------------------------------- other apps, defensively


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _fields(model: type[Model]) -> dict[str, Any]:
    return {f.name: f for f in model._meta.get_fields()}


def _first(model: type[Model], *names: str) -> str | None:
    fields = _fields(model)
    return next((n for n in names if n in fields), None)


def _fk_to(model: type[Model], target: type[Model] | None) -> str | None:
    if target is None:
        return None
    for field in model._meta.get_fields():
        forward = getattr(field, "concrete", False) and (field.many_to_one or field.one_to_one)
        if forward and field.related_model is target:
            return field.name
    return None


def _sum(qs: QuerySet, field: str | None) -> int | None:
    if field is None:
        return None
    return int(qs.aggregate(total=Sum(field))["total"] or 0)


def _response_of(warning: Warning) -> Any | None:
    """The response app's Response of this warning, or None (no app, no such model, or none yet)."""
    model = _model("response.Response")
    if model is None or _fk_to(model, Warning) is None:
        return None
    return model._default_manager.filter(**{_fk_to(model, Warning): warning}).first()


def order_figures(warning: Warning, ep: domain.Episode) -> dict | None:
    """Orders (应急指令) to member units over the whole response (each issue, upgrade and downgrade
    sends a new round): issued, acknowledged (签收), in place (落实到位), and in place within the
    2-hour clock of §5.6 (the measures Deadline when there is one, else issued + 2 h).
    None when the response app offers no orders."""
    model = _model("response.Order")
    response_model = _model("response.Response")
    if model is None or response_model is None:
        return None
    link = _fk_to(model, response_model)
    if link is None or not {"issued_at", "acknowledged_at", "in_place_at"} <= set(_fields(model)):
        return None
    response = _response_of(warning)
    figures: dict[str, Any] = {"found": response is not None, "issued": 0, "units": 0, "rounds": 0,
                               "acknowledged": 0, "in_place": 0, "on_time": 0, "late": 0}
    if response is None:
        return figures
    qs = model._default_manager.filter(**{link: response})
    rows = list(qs.values_list("pk", "issued_at", "acknowledged_at", "in_place_at", "unit_id",
                               *(["form_id"] if "form" in _fields(model) else [])))
    due = {}
    if rows:
        keys = {deadline_keys.measures(row[0]): row[0] for row in rows}
        due = {keys[k]: d for k, d in deadline_selectors.due_times(keys).items()}
    for row in rows:
        pk, issued, acknowledged, in_place = row[:4]
        figures["issued"] += 1
        figures["acknowledged"] += acknowledged is not None
        if in_place is not None:
            figures["in_place"] += 1
            limit = due.get(pk) or issued + dt.timedelta(hours=IN_PLACE_HOURS)
            figures["on_time" if in_place <= limit else "late"] += 1
    figures["units"] = len({row[4] for row in rows})
    figures["rounds"] = len({row[5] for row in rows}) if rows and len(rows[0]) > 5 else None
    return figures


def daily_report_figures(warning: Warning, ep: domain.Episode) -> dict | None:
    """Daily reports (每日10:00前报送前一日落实情况, §7.1) as the office's compliance grid counts
    them (response.selectors.compliance_grid): on time, late, missing; and the inspections,
    enterprises checked and violations the units reported. None when the response app offers none."""
    model = _model("response.DailyReport")
    response_model = _model("response.Response")
    if model is None or response_model is None or _fk_to(model, response_model) is None:
        return None
    response = _response_of(warning)
    figures: dict[str, Any] = {"found": response is not None, "days": 0, "expected": 0, "filed": 0, "on_time": 0,
                               "late": 0, "missing": 0, "inspections": 0, "enterprises_checked": 0, "violations": 0}
    if response is None:
        return figures
    qs = model._default_manager.filter(**{_fk_to(model, response_model): response})
    figures["filed"] = qs.count()
    if "late" in _fields(model):
        figures["late"] = qs.filter(late=True).count()
        figures["on_time"] = figures["filed"] - figures["late"]
    figures["inspections"] = _sum(qs, _first(model, "inspections", "inspection_count"))
    figures["enterprises_checked"] = _sum(qs, _first(model, "enterprises_checked", "enterprise_count"))
    figures["violations"] = _sum(qs, _first(model, "violations_found", "violations", "violation_count"))
    try:
        from response.selectors import compliance_grid
    except ImportError:
        figures["days"] = figures["expected"] = figures["missing"] = None
        return figures
    days, _rows, totals = compliance_grid(response, now=timezone.now())
    figures["days"] = len(days)
    figures["missing"] = int(totals.get("missing", 0))
    figures["pending"] = int(totals.get("pending", 0))
    figures["on_time"] = int(totals.get("on_time", figures["on_time"]))
    figures["late"] = int(totals.get("late", figures["late"]))
    figures["expected"] = figures["on_time"] + figures["late"] + figures["missing"] + figures["pending"]
    return figures


def _linked(model: type[Model], response: Any | None, ep: domain.Episode, time_field: str | None) -> QuerySet:
    """Rows of a supervision model that belong to this response: linked to it, or unlinked and
    dated inside it (a date field counts whole days, a datetime field the exact span)."""
    qs = model._default_manager.all()
    condition = Q(pk__in=[])
    link = _fk_to(model, _model("response.Response"))
    if link and response is not None:
        condition |= Q(**{link: response})
    if time_field and ep.start is not None:
        field = _fields(model)[time_field]
        end = ep.end or timezone.localtime()
        if field.get_internal_type() == "DateField":
            window = Q(**{f"{time_field}__gte": ep.start.date(), f"{time_field}__lte": end.date()})
        else:
            window = Q(**{f"{time_field}__gte": ep.start, f"{time_field}__lte": end})
        condition |= (Q(**{f"{link}__isnull": True}) & window) if link else window
    return qs.filter(condition)


def supervision_figures(warning: Warning, ep: domain.Episode) -> dict | None:
    """The supervision group's inspections and the violations they found (§7.2), and public
    tip-offs with those verified true and rewarded (§7.3). None when the app offers neither."""
    inspection = _model("supervision.Inspection")
    tipoff = _model("supervision.TipOff")
    if inspection is None and tipoff is None:
        return None
    response = _response_of(warning)
    figures: dict[str, Any] = {"inspections": None, "violations": None, "tipoffs": None, "tipoffs_verified": None,
                               "tipoffs_rewarded": None}
    if inspection is not None:
        fields = _fields(inspection)
        qs = _linked(inspection, response, ep, _first(inspection, "date", "inspected_at", "created_at"))
        figures["inspections"] = qs.count()
        if "violation" in fields and fields["violation"].get_internal_type() == "BooleanField":
            figures["violations"] = qs.filter(violation=True).count()
    if tipoff is not None:
        fields = _fields(tipoff)
        qs = _linked(tipoff, response, ep, _first(tipoff, "created_at", "received_at"))
        figures["tipoffs"] = qs.count()
        status = fields.get("status")
        true_values = [v for v, _label in (getattr(status, "choices", None) or []) if v in ("verified_true", "true", "verified")]
        if true_values:
            figures["tipoffs_verified"] = qs.filter(status__in=true_values).count()
        if "reward" in fields and fields["reward"].get_internal_type() == "BooleanField":
            figures["tipoffs_rewarded"] = qs.filter(reward=True).count()
    return figures


def reduction_estimate(level: str) -> list[dict] | None:
    """The expected reduction at a warning level from the emergency reduction list (measures app:
    every enterprise's 附件11 obligation against the level's 20/30/40 % target), one row per
    pollutant; None when the app offers no estimate or the registry holds no emissions."""
    response_level = domain.RESPONSE_LEVELS.get(level)
    if not response_level:
        return None
    try:
        from measures.domain.constants import POLLUTANT_NAMES
        from measures.selectors import obligations_for
    except ImportError:
        return None
    try:
        result = obligations_for(response_level, top=0)
    except (LookupError, ValueError):
        return None
    lines = getattr(getattr(result, "estimate", None), "lines", None) or []
    if not any(getattr(line, "total", 0) for line in lines):
        return None
    return [
        {"pollutant": POLLUTANT_NAMES.get(line.pollutant, line.pollutant), "total": round(float(line.total), 3),
         "amount": round(float(line.cut), 3), "share": round(float(line.percent), 1),
         "target": float(line.target_percent), "short": bool(line.short),
         "shortfall": round(float(line.shortfall), 3)}
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
    from forecasts.domain.series import build_series
    from forecasts.selectors import stored_frame

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
    content = domain.evaluation_text(
        warning_number=warning.number, level=level, start=ep.start, end=ep.end,
        windows=windows, reduction_lines=reduction_lines(rows),
    ) if ep.start else ""
    figures = {
        "aqi": [{"label": w.label, "start": w.start.isoformat(), "end": w.end.isoformat(), "mean": w.mean,
                 "hours": w.hours} for w in windows],
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
            {"at": s.at.isoformat(), "at_text": domain.hour_text(s.at), "action": s.action,
             "action_label": domain.ACTION_NAMES.get(s.action, s.action),
             "from_level": s.from_level, "level": s.level, "level_label": domain.level_label(s.level)}
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
