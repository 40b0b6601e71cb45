"""Reads of stored forecasts and observations, as the canonical frame the domain works on."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import QuerySet

from .domain.readers import FRAME_COLUMNS, normalise_frame
from .models import AirQualityRecord, Consultation, Evaluation, ForecastImport, Replay

#: How far back an evaluation looks: a process that began before "now" still counts (§4.3, §6).
LOOKBACK = dt.timedelta(days=5)

_FIELDS = (
    "area__code",
    "area__name",
    "time",
    "period",
    "aqi",
    "aqi_low",
    "aqi_high",
    "primary_pollutant",
    "pm25",
    "pm10",
    "so2",
    "no2",
    "o3",
    "co",
    "o3_8h",
    "dust",
    "kind",
    "issued_at",
    "source",
    "row",
)


def records(
    *,
    replay: Replay | None = None,
    area_codes: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[AirQualityRecord]:
    """Real data only, unless a replay is named (then only that replay's data)."""
    qs = AirQualityRecord.objects.filter(replay=replay)
    if area_codes:
        qs = qs.filter(area__code__in=area_codes)
    if start is not None:
        qs = qs.filter(time__gte=start - dt.timedelta(hours=23))  # a daily row starting before `start`
    if end is not None:
        qs = qs.filter(time__lte=end)
    return qs


def stored_frame(**filters) -> pd.DataFrame:
    """The stored rows as the canonical frame of forecasts.domain.readers (all issues kept; the
    domain's build_series picks observation over forecast and the newest issue)."""
    rows = list(records(**filters).values_list(*_FIELDS))
    frame = pd.DataFrame.from_records(rows, columns=list(_FIELDS)).rename(
        columns={"area__code": "area_code", "area__name": "area_name"}
    )
    return normalise_frame(frame[list(FRAME_COLUMNS)] if len(frame) else frame)


def latest_evaluation(*, replay: Replay | None = None) -> Evaluation | None:
    return Evaluation.objects.filter(replay=replay).select_related("source_import").first()


def evaluations(*, replay: Replay | None = None) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(replay=replay).select_related("source_import", "requested_by")


def imports(*, replay: Replay | None = None) -> QuerySet[ForecastImport]:
    return ForecastImport.objects.filter(replay=replay).select_related("uploaded_by")


def open_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.filter(status=Consultation.Status.OPEN, replay__isnull=True).select_related(
        "evaluation"
    )
