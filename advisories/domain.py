"""Pure readings of an evaluation's result for the ozone prompt and the SO2 alerts
(warning-rules.md §5, §10): no ORM, no request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class OzonePeriod:
    """The ozone prompt's windows that are not past: first hour, last hour, highest window AQI."""

    start: dt.datetime
    end: dt.datetime
    peak: float | None


@dataclass(frozen=True)
class So2Alert:
    area_code: str
    area_name: str
    start: dt.datetime
    end: dt.datetime
    max_so2: float


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(str(text))


def ozone_period(result: dict[str, Any]) -> OzonePeriod | None:
    """The prompt "in the current or a next process" (§10): the ozone windows whose last hour is at
    or after the evaluation's ``now`` (a prompt whose windows are all past calls for nothing). The
    ozone windows stand apart from the particulate processes of §6, so they are read by time."""
    if not result.get("ozone_prompt"):
        return None
    now = _when(result["now"]) if result.get("now") else None
    windows = [w for w in result.get("ozone_windows") or [] if now is None or _when(w["end"]) >= now]
    if not windows:
        return None
    values = [float(w["value"]) for w in windows if w.get("value") is not None]
    return OzonePeriod(
        start=min(_when(w["start"]) for w in windows),
        end=max(_when(w["end"]) for w in windows),
        peak=max(values) if values else None,
    )


def so2_alerts(result: dict[str, Any]) -> list[So2Alert]:
    """The evaluation's SO2 alerts (§5): area, first and last hour, peak."""
    return [
        So2Alert(str(a["area_code"]), str(a.get("area") or ""), _when(a["start"]), _when(a["end"]), float(a["max_so2"]))
        for a in result.get("so2_alerts") or []
    ]


def touches(start: dt.datetime, end: dt.datetime, other_start: dt.datetime, other_end: dt.datetime) -> bool:
    """Two runs of hours overlap or touch (the next hour of one is the first of the other): one task (§10)."""
    return start <= other_end + HOUR and other_start <= end + HOUR
