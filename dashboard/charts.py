"""The year's chart (年度空气质量与预警), as plain JSON for the page to embed with json_script and
static/js/charts.js to draw with the local ECharts: the city's daily AQI over a year with every
warning's active period shaded by level."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alerts.models import ApprovalForm, Warning
from forecasts.domain.areas import CITY_CODE
from forecasts.domain.categories import category_for
from forecasts.domain.readers import TZ
from forecasts.domain.rules import LEVEL_NAMES
from forecasts.domain.series import build_series, window_values
from forecasts.models import AirQualityRecord
from forecasts.selectors import stored_frame

ZONE = ZoneInfo(TZ)
#: The AQI bounds the warning rules speak of (§4, §6); the same lines as the forecast chart.
THRESHOLDS = (100, 150, 200, 300)
#: The warning colours (forecasts.views.pages.LEVEL_COLOURS, static/css/app.css --level-*).
LEVEL_COLOURS = {"yellow": "#F2C200", "orange": "#FF7E00", "red": "#E02020"}
EDITION_SWITCH = dt.date(2026, 3, 1)


def level_names() -> dict[str, str]:
    """The warning levels' names (forecasts.domain.rules.LEVEL_NAMES) in the active language."""
    return {level: _(LEVEL_NAMES[level]) for level in LEVEL_COLOURS}


def years_with_data() -> list[int]:
    """The years in which the city has stored real (not replay) records, newest first."""
    dates = AirQualityRecord.objects.filter(replay__isnull=True, area__code=CITY_CODE).dates(
        "time", "year", order="DESC"
    )
    return [d.year for d in dates]


def daily_aqi(year: int) -> list[list[Any]]:
    """[date, AQI] for each day of the year with a value: the 24-hour window from 00:00 (the
    forecast page's daily AQI, forecasts.domain.series), observation over forecast."""
    start = dt.datetime(year, 1, 1, tzinfo=ZONE)
    end = dt.datetime(year, 12, 31, 23, tzinfo=ZONE)
    series = build_series(stored_frame(area_codes=[CITY_CODE], start=start, end=end)).get(CITY_CODE)
    if series is None:
        return []
    values = window_values(series)["value"]
    days = []
    for midnight in pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D"):
        value = values.get(midnight)
        if value is not None and not pd.isna(value):
            days.append([midnight.date().isoformat(), int(round(float(value)))])
    return days


def warning_bands(start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every warning's active period between start and end, split where an approved form changed
    its level (upgrade, downgrade) and ended by the lift; clipped to the range. Two queries."""
    now = now or timezone.now()
    approved = ApprovalForm.objects.filter(status=ApprovalForm.Status.APPROVED).order_by("effective_at", "pk")
    warnings = (
        Warning.objects.filter(published_at__isnull=False, published_at__lte=end)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gte=start))
        .prefetch_related(Prefetch("forms", queryset=approved, to_attr="approved"))
        .order_by("published_at", "pk")
    )
    names = level_names()
    bands = []
    for warning in warnings:
        finish = warning.lifted_at or now
        steps = [(f.effective_at, f.level, f.action) for f in warning.approved] or [
            (warning.published_at, warning.level, ApprovalForm.Action.ISSUE)
        ]
        for index, (begins, level, action) in enumerate(steps):
            if action == ApprovalForm.Action.LIFT or level not in LEVEL_COLOURS:
                continue
            ends = steps[index + 1][0] if index + 1 < len(steps) else finish
            ends = min(ends, finish)
            begins, ends = max(begins, start), min(ends, end)
            if ends <= begins:
                continue
            begins, ends = timezone.localtime(begins, ZONE), timezone.localtime(ends, ZONE)
            bands.append(
                {
                    "warning": warning.number,
                    "level": level,
                    "name": names[level],
                    "colour": LEVEL_COLOURS[level],
                    "start": begins.isoformat(),
                    "end": ends.isoformat(),
                    "start_text": f"{begins:%Y-%m-%d %H:%M}",
                    "end_text": f"{ends:%Y-%m-%d %H:%M}",
                }
            )
    return bands


def thresholds(edition: str) -> list[dict[str, Any]]:
    lines = []
    for value in THRESHOLDS:
        above = category_for(value + 1, edition)
        name = above.english_name if get_language() == "en" else above.name
        lines.append({"value": value, "name": name, "colour": above.hex, "label": f"AQI {value}"})
    return lines


def year_chart(year: int) -> dict[str, Any]:
    start = dt.datetime(year, 1, 1, tzinfo=ZONE)
    end = dt.datetime(year + 1, 1, 1, tzinfo=ZONE)
    edition = "2012" if dt.date(year, 12, 31) < EDITION_SWITCH else "2026"
    return {
        "year": year,
        "start": start.date().isoformat(),
        "end": dt.date(year, 12, 31).isoformat(),
        "days": daily_aqi(year),
        "bands": warning_bands(start, end),
        "thresholds": thresholds(edition),
        "labels": {"aqi": _("日 AQI"), "series": _("全市日 AQI"), "no_library": _("图表库未能加载。")},
    }
