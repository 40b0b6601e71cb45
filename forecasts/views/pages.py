"""The forecast page (预报预警): the stored series of an area as a chart, its days coloured by the
HJ 633 categories, the windows that decided the level (warning-rules.md §2–§6), and the stored
evaluations (预警评估) over time. The chart data is also served by the series API."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import STAFF, Role
from core.colours import readable_text

from .. import selectors
from ..domain.areas import AREAS, CITY_CODE, area_by_code
from ..domain.categories import category_for
from ..domain.readers import TZ
from ..domain.rules import APPROVER_NAMES, COLOUR_NAMES, RECOMMENDATION_NAMES, evaluate, so2_alerts
from ..domain.series import HOUR, WINDOW_HOURS, build_series, window_values
from ..forms import MAX_RANGE_DAYS, SeriesRangeForm
from ..models import Evaluation

ZONE = ZoneInfo(TZ)
#: Horizontal lines of the chart: the AQI bounds the warning rules speak of (§4, §6).
THRESHOLDS = (100, 150, 200, 300)
#: HJ 633—2026 is in force from this day on (interfaces.md §2).
EDITION_SWITCH = dt.date(2026, 3, 1)
LEVEL_COLOURS = {"yellow": "#F2C200", "orange": "#FF7E00", "red": "#E02020", "none": "#8A96A3"}
KIND_NAMES = {"observed": "实况", "forecast": "预报"}
_KIND_RANK = {"forecast": 0, "observed": 1}
RECENT_EVALUATIONS = 10

#: Who takes part in consultations (会商, plan §4.2.1) and may read their records; the supervision
#: group reads them too. Who records the opinion (附件4): the office and the forecasting group.
CONSULTATION_READERS: frozenset[str] = frozenset(
    {Role.OFFICE, Role.FORECASTER, Role.VICE_COMMANDER, Role.COMMANDER, Role.ADMIN, Role.SUPERVISOR}
)
CONSULTATION_WRITERS: frozenset[str] = frozenset({Role.OFFICE, Role.FORECASTER})


def edition_on(day: dt.date) -> str:
    return "2012" if day < EDITION_SWITCH else "2026"


def _number(value: Any, digits: int = 1) -> float | int | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(value):
        return None
    value = round(value, digits)
    return int(value) if value.is_integer() else value


def _iso(stamp: pd.Timestamp) -> str:
    return pd.Timestamp(stamp).tz_convert(TZ).isoformat()


def _with_times(item: dict[str, Any]) -> dict[str, Any]:
    """A window or process of an evaluation's JSON with its ISO times as datetimes, for templates."""
    return {
        **item,
        "start": pd.Timestamp(item["start"]).to_pydatetime(),
        "end": pd.Timestamp(item["end"]).to_pydatetime(),
    }


def _aqi_text(value: float) -> str:
    """An AQI as people read it: an integer, rounded up as HJ 633 rounds."""
    return str(math.ceil(round(value, 6)))


# --------------------------------------------------------------------------- range


def default_range(area_code: str) -> tuple[dt.date, dt.date] | None:
    """Five days back (the evaluation's look-back) to the end of the stored data of the area;
    for data that ended in the past, five days back from its end. None when nothing is stored."""
    last = selectors.records(area_codes=[area_code]).aggregate(last=Max("time"))["last"]
    if last is None:
        return None
    last_local = timezone.localtime(last, ZONE)
    anchor = min(timezone.localtime(timezone.now(), ZONE), last_local)
    return (anchor - selectors.LOOKBACK).date(), last_local.date()


def resolve_range(area_code: str, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The dates to show: those asked for, completed from the stored data (see :func:`default_range`)."""
    if start and end:
        return start, end
    span = dt.timedelta(days=MAX_RANGE_DAYS - 1)
    if start:
        stored = default_range(area_code)
        last = stored[1] if stored and stored[1] >= start else start + selectors.LOOKBACK
        return start, min(last, start + span)
    if end:
        return end - selectors.LOOKBACK, end
    stored = default_range(area_code)
    if stored is None:
        return None
    first, last = stored
    return max(first, last - span), last


# --------------------------------------------------------------------------- chart data


def _thresholds(edition: str) -> list[dict[str, Any]]:
    lines = []
    for value in THRESHOLDS:
        above = category_for(value + 1, edition)
        lines.append({"value": value, "name": above.name, "colour": above.hex, "label": f"AQI {value}"})
    return lines


def _daily_rows(frame: pd.DataFrame, code: str) -> dict[dt.date, dict[str, float | None]]:
    """The daily row that counts for each date (observation over forecast, newest issue)."""
    rows = frame[(frame["area_code"] == code) & (frame["period"] == "day")]
    if rows.empty:
        return {}
    rows = rows.assign(kind_rank=rows["kind"].map(_KIND_RANK).fillna(0))
    rows = rows.sort_values(["time", "kind_rank", "issued_at"], na_position="first", kind="stable")
    rows = rows.drop_duplicates("time", keep="last")
    return {
        stamp.date(): {"low": _number(low, 0), "high": _number(high, 0)}
        for stamp, low, high in zip(rows["time"], rows["aqi_low"], rows["aqi_high"], strict=True)
    }


def _days(series: pd.DataFrame, windows: pd.DataFrame, daily: dict, start: dt.date, end: dt.date) -> list[dict]:
    """One row per natural day: the 24-hour window from 00:00 (the day's AQI), its primary
    pollutant and HJ 633 category (the edition in force that day)."""
    days = []
    for midnight in pd.date_range(series.index[0].normalize(), series.index[-1].normalize(), freq="D"):
        day = midnight.date()
        if not start <= day <= end:
            continue
        hours = series.loc[midnight : midnight + (WINDOW_HOURS - 1) * HOUR]
        present = hours[hours["aqi"].notna()]
        kinds = [KIND_NAMES[k] for k in ("observed", "forecast") if (present["kind"] == k).any()]
        window = windows.loc[midnight] if midnight in windows.index else None
        value = None if window is None or pd.isna(window["value"]) else float(window["value"])
        row: dict[str, Any] = {
            "date": day,
            "hours": len(present),
            "kinds": "、".join(kinds),
            "value": _number(value),
            "aqi": None,
            "range": None,
            "primary": "",
            "category": None,
            "dust": bool(window is not None and window["dust_excluded"]),
        }
        if value is not None:
            category = category_for(value, edition_on(day))
            row["aqi"] = _aqi_text(value)
            given = daily.get(day)
            if given and given["low"] is not None and given["high"] is not None:
                row["range"] = f"{given['low']}–{given['high']}"
            row["primary"] = window["primary_pollutant"] if value > 50 else ""
            row["category"] = {
                "name": category.name,
                "hex": category.hex,
                "level": category.level,
                "text": readable_text(category.hex),  # WCAG AA on the HJ 633 colour
                "advice": category.advice,
            }
        days.append(row)
    return days


def _so2_alert_rows(alerts: list[dict]) -> list[dict]:
    return [
        {
            "area": alert["area"],
            "area_code": alert.get("area_code", ""),
            "start": pd.Timestamp(alert["start"]).to_pydatetime(),
            "end": pd.Timestamp(alert["end"]).to_pydatetime(),
            "max_so2": alert["max_so2"],
        }
        for alert in alerts
    ]


def forecast_data(area_code: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Everything the forecast page draws for an area and a range of dates.

    ``chart`` is plain JSON (hours, observed, forecast, window values, thresholds, highlighted
    windows); the rest feeds the page's tables. For the city the SO2 alerts of every area are
    listed (§5 runs on every area); for a county-level area its own, and its processes are
    computed on its own series by the same rules (the warning itself is decided on the city)."""
    area = area_by_code(area_code)
    start_at = dt.datetime.combine(start, dt.time.min, tzinfo=ZONE)
    end_at = dt.datetime.combine(end, dt.time(23), tzinfo=ZONE)
    is_city = area_code == CITY_CODE
    frame = selectors.stored_frame(area_codes=None if is_city else [area_code], start=start_at, end=end_at)
    series_by_area = {
        code: s.loc[pd.Timestamp(start_at) : pd.Timestamp(end_at)] for code, s in build_series(frame).items()
    }
    series_by_area = {code: s for code, s in series_by_area.items() if s["aqi"].notna().any()}
    series = series_by_area.get(area_code)
    edition = edition_on(end)
    data: dict[str, Any] = {
        "area": {"code": area.code, "name": area.name},
        "start": start,
        "end": end,
        "empty": series is None,
        "days": [],
        "so2_alerts": [],
        "level": "none",
        "processes": [],
        "chart": {
            "area": {"code": area.code, "name": area.name},
            "hours": [],
            "observed": [],
            "forecast": [],
            "window": [],
            "primary": [],
            "thresholds": _thresholds(edition),
            "highlights": [],
            "processes": [],
            "level": "none",
            "level_colours": LEVEL_COLOURS,
        },
    }
    if series is None:
        return data
    windows = window_values(series)
    present = pd.Timestamp(timezone.now()).tz_convert(TZ).floor("h")
    at = min(max(present, series.index[0]), series.index[-1])
    if is_city:
        result = evaluate(series_by_area, now=at)
        alerts = result["so2_alerts"]
    else:
        result = evaluate({CITY_CODE: series}, now=at)
        alerts = [
            {
                "area": a.area_name,
                "area_code": a.area_code,
                "start": _iso(a.start),
                "end": _iso(a.end),
                "max_so2": _number(a.max_so2),
            }
            for a in so2_alerts({area_code: series})
        ]

    kinds = series["kind"]
    window = windows["value"].reindex(series.index)
    chart = data["chart"]
    chart.update(
        hours=[_iso(stamp) for stamp in series.index],
        observed=[_number(v) for v in series["aqi"].where(kinds.eq("observed"))],
        forecast=[_number(v) for v in series["aqi"].where(kinds.eq("forecast"))],
        window=[_number(v) for v in window],
        primary=[p if isinstance(p, str) and p else None for p in series["primary_pollutant"]],
        highlights=result["windows"],
        processes=[{k: p[k] for k in ("level", "start", "end", "peak_aqi")} for p in result["processes"]],
        level=result["level"],
    )
    data.update(
        empty=False,
        days=_days(series, windows, _daily_rows(frame, area_code), start, end),
        so2_alerts=_so2_alert_rows(alerts),
        level=result["level"],
        level_name=COLOUR_NAMES[result["level"]],
        processes=[
            {
                **_with_times(p),
                "level_name": COLOUR_NAMES[p["level"]],
                "windows": [_with_times(w) for w in p["windows"]],
            }
            for p in result["processes"]
        ],
    )
    return data


# --------------------------------------------------------------------------- evaluations


def label_evaluation(evaluation: Evaluation) -> Evaluation:
    """Attach the Chinese names of the evaluation's codes, for templates."""
    evaluation.recommendation_label = RECOMMENDATION_NAMES.get(evaluation.recommendation, evaluation.recommendation)
    evaluation.approver_label = APPROVER_NAMES.get(evaluation.approver, "")
    proposed = (evaluation.result or {}).get("proposed_level") or evaluation.level
    evaluation.proposed_label = COLOUR_NAMES.get(proposed, proposed)
    evaluation.level_colour = LEVEL_COLOURS.get(evaluation.level, LEVEL_COLOURS["none"])
    result = evaluation.result or {}
    current = result.get("current_process")
    evaluation.current = (
        {
            **_with_times(current),
            "level_name": COLOUR_NAMES.get(current.get("level"), ""),
            "reached_name": COLOUR_NAMES.get(result.get("reached_level") or "none", ""),
            "remaining_name": COLOUR_NAMES.get(result.get("remaining_level") or "none", ""),
            "holds_now": current.get("timing") == "current" and _time(current["start"]) <= evaluation.now,
        }
        if current
        else None
    )
    evaluation.next_processes = [
        {**_with_times(p), "level_name": COLOUR_NAMES.get(p["level"], ""), "issue_by": _time(p.get("issue_by"))}
        for p in result.get("next_processes", [])
    ]
    evaluation.lift_at = _time(result.get("lift_at"))
    evaluation.due_now = bool(result.get("issue_due_now"))
    content = result.get("warning_content")
    evaluation.content = (
        {
            **content,
            "process_start": _time(content.get("process_start")),
            "process_end": _time(content.get("process_end")),
            "area_names": "、".join(a["name"] for a in content.get("areas", [])),
        }
        if content
        else None
    )
    return evaluation


def _time(value: str | None) -> dt.datetime | None:
    return pd.Timestamp(value).to_pydatetime() if value else None


def evaluation_chart_query(evaluation: Evaluation) -> str:
    """The forecast page's query for the data an evaluation looked at (from its look-back on)."""
    start = (timezone.localtime(evaluation.now, ZONE) - selectors.LOOKBACK).date()
    return f"area={CITY_CODE}&start={start:%Y-%m-%d}"


class ForecastPageView(RoleRequiredMixin, TemplateView):
    """预报预警: the stored forecasts and observations of one area over a range of days."""

    allowed_roles = STAFF
    template_name = "forecasts/page.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = SeriesRangeForm(self.request.GET)
        valid = form.is_valid()
        area_code = form.cleaned_data.get("area") or CITY_CODE
        # The area links keep only the dates a person chose; otherwise each area gets its default.
        chosen = [
            f"&{key}={form.cleaned_data[key]:%Y-%m-%d}" for key in ("start", "end") if valid and form.cleaned_data[key]
        ]
        dates = data = None
        if valid:
            dates = resolve_range(area_code, form.cleaned_data["start"], form.cleaned_data["end"])
            data = forecast_data(area_code, *dates) if dates else None
            if dates:  # show the dates actually drawn
                form = SeriesRangeForm(initial={"area": area_code, "start": dates[0], "end": dates[1]})
        recent = [label_evaluation(e) for e in selectors.evaluations()[:RECENT_EVALUATIONS]]
        latest = recent[0] if recent else None
        ctx.update(
            form=form,
            area=area_by_code(area_code),
            areas=AREAS,
            range_query="".join(chosen),
            data=data,
            nothing_stored=valid and dates is None,
            latest=latest,
            recent=recent,
            latest_chart_query=evaluation_chart_query(latest) if latest else "",
        )
        return ctx


class EvaluationListView(RoleRequiredMixin, ListView):
    """预警评估: every stored evaluation, newest first."""

    allowed_roles = STAFF
    template_name = "forecasts/evaluation_list.html"
    context_object_name = "evaluations"
    paginate_by = 25

    def get_queryset(self):
        return selectors.evaluations()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for evaluation in ctx["evaluations"]:
            label_evaluation(evaluation)
        return ctx


class EvaluationDetailView(RoleRequiredMixin, TemplateView):
    """One evaluation in full: processes, windows, reasons, SO2 alerts, ozone prompt."""

    allowed_roles = STAFF
    template_name = "forecasts/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        evaluation = label_evaluation(get_object_or_404(selectors.evaluations(), pk=kwargs["pk"]))
        result = evaluation.result or {}
        processes = [
            {
                **_with_times(p),
                "level_name": COLOUR_NAMES.get(p.get("level"), p.get("level")),
                "windows": [_with_times(w) for w in p.get("windows", [])],
            }
            for p in result.get("processes", [])
        ]
        ctx.update(
            evaluation=evaluation,
            processes=processes,
            so2_alerts=_so2_alert_rows(result.get("so2_alerts", [])),
            ozone_windows=[_with_times(w) for w in result.get("ozone_windows", [])],
            consultations=list(evaluation.consultations.all())
            if self.request.user.role in CONSULTATION_READERS
            else [],
            chart_query=evaluation_chart_query(evaluation),
            result_json=json.dumps(result, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        )
        return ctx


class EvaluationJsonView(RoleRequiredMixin, View):
    """The evaluation's full result (interfaces.md §2 and more) as a file to download."""

    allowed_roles = STAFF

    def get(self, request, pk: int):
        evaluation = get_object_or_404(Evaluation.objects.filter(replay__isnull=True), pk=pk)
        body = json.dumps(evaluation.result, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        stamp = timezone.localtime(evaluation.created_at, ZONE)
        response["Content-Disposition"] = f'attachment; filename="evaluation-{evaluation.pk}-{stamp:%Y%m%d-%H%M}.json"'
        return response
