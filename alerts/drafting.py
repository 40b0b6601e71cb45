"""Drafting the approval form (附件5) from an evaluation: the basis, the §11 fields of what the
warning says (warning-rules.md §11, plan §4.2.3) and the content and public texts made of them.

The values come from the evaluation's ``warning_content`` (forecasts.domain.rules.evaluate) and,
for the weather trend, from the consultation record (附件4): nothing is guessed. A primary pollutant
the file did not give stays blank for the office to enter (never PM2.5 by default); submit refuses
the form until it is entered (alerts.services.form_submit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.utils import timezone

from forecasts.domain.areas import CITY_CODE, area_by_code

from .domain.content import WarningContent, content_text, degree_text, public_text, range_text
from .domain.lifecycle import Action

CITY = (CITY_CODE, "阳泉市")


@dataclass(frozen=True)
class DraftTexts:
    basis: str
    content: str
    public_message: str
    effective_at: dt.datetime
    episode_start: dt.datetime | None
    episode_end: dt.datetime | None
    primary_pollutant: str
    aqi_range: str
    warning_content: WarningContent
    effective_on_publication: bool

    def form_fields(self) -> dict:
        """The §11 keyword arguments of alerts.services.form_draft."""
        c = self.warning_content
        return {
            "weather_trend": c.weather_trend,
            "pollution_start": c.pollution_start,
            "pollution_end": c.pollution_end,
            "aqi_low": c.aqi_low,
            "aqi_high": c.aqi_high,
            "degree": c.degree,
            "primary_pollutant": c.primary_pollutant,
            "affected_areas": c.area_codes,
            "effective_on_publication": self.effective_on_publication,
        }


def _fmt(ts: str | None) -> str:
    if not ts:
        return "—"
    return pd.Timestamp(ts).tz_convert("Asia/Shanghai").strftime("%Y年%m月%d日%H时")


def _time(value) -> dt.datetime | None:
    if not value:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("Asia/Shanghai")
    return stamp.to_pydatetime()


def _int(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _trend(consultation) -> str:
    """The weather trend of the consultation record (附件4): its conclusion, the only text it keeps."""
    return (getattr(consultation, "conclusion", "") or "").strip() if consultation is not None else ""


def _process(result: dict, level: str) -> dict | None:
    """The process an old evaluation (stored before ``warning_content``) proposes for: the first one
    at the proposed level, else the highest."""
    processes = [p for p in result.get("processes", []) or [] if p.get("level") not in (None, "none")]
    for process in processes:
        if process.get("level") == level:
            return process
    return max(processes, key=lambda p: p.get("peak_aqi") or 0) if processes else None


def _area_name(code: str, given: str | None) -> str:
    """The plan's name of an area (warning-rules.md §1), as command.Area stores it."""
    try:
        return area_by_code(code).name
    except KeyError:
        return str(given or code)


def _pollutant_from_windows(result: dict) -> str:
    """Old evaluations: the primary pollutant the windows name most often, or "" — never a default."""
    counts: dict[str, int] = {}
    for window in result.get("windows", []) or []:
        for name in str(window.get("primary_pollutant") or "").split(","):
            if name.strip():
                counts[name.strip()] = counts.get(name.strip(), 0) + 1
    return max(counts, key=counts.get) if counts else ""


def content_from_result(*, result: dict, action: str, level: str, consultation=None) -> WarningContent:
    """The §11 fields an evaluation gives for the proposal ``action`` at ``level``."""
    trend = _trend(consultation)
    if Action(action) == Action.LIFT:
        return WarningContent(weather_trend=trend, effective_at=_time(result.get("lift_at")))
    given = result.get("warning_content")
    if isinstance(given, dict):
        low, high = _int(given.get("aqi_low")), _int(given.get("aqi_high"))
        areas = tuple(
            (str(a["code"]), _area_name(str(a["code"]), a.get("name")))
            for a in given.get("areas") or []
            if isinstance(a, dict) and a.get("code")
        )
        return WarningContent(
            weather_trend=(given.get("weather_trend") or "").strip() or trend,
            pollution_start=_time(given.get("process_start")),
            pollution_end=_time(given.get("process_end")),
            aqi_low=low,
            aqi_high=high,
            degree=(given.get("degree") or "").strip() or degree_text(low, high),
            primary_pollutant=(given.get("primary_pollutant") or "").strip(),
            areas=areas or (CITY,),
            effective_at=_time(given.get("effective_start")),
        )
    # An evaluation stored before warning_content: the process's times; the AQI range (natural-day
    # values, §11) and the degree are not in it, so the office enters them.
    process = _process(result, level)
    return WarningContent(
        weather_trend=trend,
        pollution_start=_time(process.get("start")) if process else None,
        pollution_end=_time(process.get("end")) if process else None,
        primary_pollutant=_pollutant_from_windows(result),
        areas=(CITY,),  # the level is decided on the city's series (§1)
    )


def draft_texts(*, result: dict, action: str, level: str, consultation=None) -> DraftTexts:
    """Basis, §11 fields, content (附件5 主要内容) and public message of a form drafted from an
    evaluation's ``result``; the weather trend from ``consultation`` when it has a conclusion."""
    action = Action(action)
    from_level = result.get("active_level") or "none"
    c = content_from_result(result=result, action=action, level=level, consultation=consultation)
    reasons = "\n".join(f"{i}. {r}" for i, r in enumerate(result.get("reasons", []), start=1))
    basis = f"根据预警评估（评估时间 {_fmt(result.get('now'))}）：\n{reasons}"
    texts = {
        "action": action,
        "level": level if action != Action.LIFT else "none",
        "from_level": from_level,
        "content": c,
    }
    on_publication = c.effective_at is None
    return DraftTexts(
        basis=basis,
        content=content_text(**texts),
        public_message=public_text(**texts),
        effective_at=c.effective_at or timezone.now(),
        episode_start=c.pollution_start,
        episode_end=c.pollution_end,
        primary_pollutant=c.primary_pollutant,
        aqi_range=range_text(c.aqi_low, c.aqi_high),
        warning_content=c,
        effective_on_publication=on_publication,
    )


def form_content(form, *, published: bool = False) -> WarningContent:
    """The §11 fields of a stored form. The effective time is None ("on publication") while the form
    says so, unless ``published``: then its effective time, which approval sets to the signing time."""
    areas = tuple((a.code, a.name) for a in form.affected_areas.all()) if form.pk else ()
    on_publication = form.effective_on_publication and not published
    return WarningContent(
        weather_trend=form.weather_trend,
        pollution_start=form.pollution_start,
        pollution_end=form.pollution_end,
        aqi_low=form.aqi_low,
        aqi_high=form.aqi_high,
        degree=form.degree,
        primary_pollutant=form.primary_pollutant,
        areas=areas,
        effective_at=None if on_publication else form.effective_at,
        announced=published and form.decided_at is not None and form.effective_at > form.decided_at,
    )


def form_texts(form, content: WarningContent | None = None) -> tuple[str, str]:
    """The content and public texts the §11 fields of ``form`` (or ``content``) make."""
    c = content if content is not None else form_content(form)
    texts = {"action": form.action, "level": form.level, "from_level": form.from_level, "content": c}
    return content_text(**texts), public_text(**texts)
