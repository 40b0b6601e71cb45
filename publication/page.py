"""The public page (公众页面, /public/), phone first and Chinese first: the warning in force —
level colour, number, response level, since when and the expected end, the public message, what
people must do (truck restriction, fireworks ban, schools, large events) and are asked to do, the
health advice of the level (plan §5.3) — or 当前无重污染天气预警 with the current AQI of the latest
real observation; and this year's warnings. No login.

What the public sees is decided by publication.public.public_warning_payload() (the warning once
published on the platform, cached there and refreshed by each publication; the same dict is
``GET /api/v1/public/warning/``). Fast by construction: the rendered page is cached under a key
made of that payload, so a cached page costs at most one database query, and a publication changes
the key at once (no stale banner); the publication renders it into the cache right away
(warm_pages).

In front of it, nginx keeps the page for the rest of the second it was rendered in (the micro-cache
of deploy/nginx.conf, measured by benchmarks/bench_public.py): an anonymous visitor's response is
the same for everyone of that language, says so (``Cache-Control: public, max-age=1``, ``Vary:
Cookie`` for the language cookie, no Set-Cookie) and tells nginx how long to keep it
(``X-Accel-Expires: @<the second>``). A signed-in person's response is never stored anywhere
(``Cache-Control: private, no-store``; nginx also bypasses its cache for a session cookie).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation

from advisories.public import public_ozone_payload
from alerts.selectors import level_name, response_name
from core.colours import readable_text

from .public import public_warning_payload

CACHE_PREFIX = "public:page:v1"
CACHE_SECONDS = 300
#: How long a browser or a shared cache may keep the page (seconds): short, the page follows a
#: publication within about one second.
BROWSER_SECONDS = 1
TEMPLATE = "publication/public.html"

LEVEL_COLOURS = {"yellow": "#F2C200", "orange": "#FF7E00", "red": "#E02020", "none": "#2E8540"}
LEVEL_TEXT_COLOURS = {"yellow": "#1D2329", "orange": "#1D2329", "red": "#FFFFFF", "none": "#FFFFFF"}
NO_AIR_ADVICE = "关注空气质量实时发布信息，合理安排出行和户外活动。"


def _as_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    return [str(v) for v in value]


def _published() -> dict:
    """The payload the public sees (publication.public: the warning once published), with the
    臭氧预警提示 in force (advisories.public, warning-rules.md §10)."""
    return {**(public_warning_payload() or {"level": "none"}), "ozone_prompt": public_ozone_payload()}


def _parse_time(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime) or value is None:
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _air(value: dict | None) -> dict | None:
    """The payload's current air (times as ISO text) for the template (times as datetimes), with a
    text colour readable on its category's colour."""
    if not value:
        return None
    return {**value, "time": _parse_time(value.get("time")), "text_colour": readable_text(value["hex"])}


def _year_rows(rows) -> list[dict]:
    result = []
    for row in rows or []:
        level = row.get("level") if row.get("level") in LEVEL_COLOURS else "none"
        # The names in the active language (the published payload holds the Chinese ones).
        result.append(
            {
                **row,
                "level": level,
                "colour": LEVEL_COLOURS[level],
                "level_name": level_name(level),
                "from": _parse_time(row.get("from")),
                "to": _parse_time(row.get("to")),
                "levels_text": "→".join(level_name(lv) for lv in row.get("levels") or [] if lv in LEVEL_COLOURS),
            }
        )
    return result


def _ozone(value: dict | None) -> dict | None:
    """The 臭氧预警提示 in force, or None."""
    if not isinstance(value, dict) or not value.get("in_force"):
        return None
    return {
        "text": value.get("text") or "",
        "period_start": _parse_time(value.get("period_start")),
        "period_end": _parse_time(value.get("period_end")),
    }


def _announced(value: dict | None) -> dict | None:
    """A decision published and not in force yet (warning-rules.md §12: "将于…起启动", "将于…解除")."""
    if not isinstance(value, dict) or not value.get("text"):
        return None
    return {
        "text": value["text"],
        "message": value.get("message") or "",
        "number": value.get("number") or "",
        "effective_at": _parse_time(value.get("effective_at")),
    }


def _from_published(published: dict) -> dict[str, Any]:
    """The page's data from the published payload: the same facts the JSON API gives."""
    level = published.get("level") or "none"
    common = {
        "today": _air(published.get("air")),
        "year": published.get("year"),
        "this_year": _year_rows(published.get("this_year")),
        "ozone_prompt": _ozone(published.get("ozone_prompt")),
        "announced": _announced(published.get("announced")),
    }
    if level == "none" or level not in LEVEL_COLOURS:
        air = common["today"]
        return {"level": "none", **common, "health_advice": [air["advice"]] if air else [NO_AIR_ADVICE]}
    advice = _as_list(published.get("health_advice"))
    items = _as_list(published.get("health")) or _as_list(published.get("measures"))
    return {
        "level": level,
        "number": published.get("number", ""),
        "response_level": published.get("response_level", ""),
        "since": _parse_time(published.get("since")),
        "level_since": _parse_time(published.get("level_since")),
        "until": _parse_time(published.get("until")),
        "primary_pollutant": published.get("primary_pollutant", ""),
        "aqi_range": published.get("aqi_range", ""),
        # What the warning says (warning-rules.md §11): areas, degree, period, response start.
        "affected_areas": [a.get("name", "") for a in published.get("affected_areas") or [] if isinstance(a, dict)],
        "degree": published.get("degree", ""),
        "pollution_start": _parse_time(published.get("pollution_start")),
        "pollution_end": _parse_time(published.get("pollution_end")),
        "weather_trend": published.get("weather_trend", ""),
        "public_message": published.get("message") or published.get("public_message", ""),
        "health_advice": advice + [item for item in items if item not in advice],
        "must_do": list(published.get("must_do") or []),
        "should_do": _as_list(published.get("should_do")),
        **common,
    }


def public_page_payload(*, published: dict | None = None) -> dict[str, Any]:
    """What the page shows: the published payload, with the level's colours and names."""
    payload = _from_published(_published() if published is None else published)
    level = payload["level"] if payload.get("level") in LEVEL_COLOURS else "none"
    payload["level"] = level
    # The names in the active language: the page is rendered (and cached) once per language.
    payload["level_name"] = level_name(level)
    payload["colour"] = LEVEL_COLOURS[level]
    payload["text_colour"] = LEVEL_TEXT_COLOURS[level]
    payload["response_name"] = response_name(payload.get("response_level"))
    return payload


def page_cache_key(published: dict, now: dt.datetime | None = None) -> str:
    """The page's cache key: what decides its content (the cached payload), and the hour."""
    state = json.dumps(published, sort_keys=True, default=str)
    local = timezone.localtime(now or timezone.now())
    text = f"{state}|{local:%Y%m%d%H}|{translation.get_language()}"
    return f"{CACHE_PREFIX}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def page_html(*, published: dict | None = None, refresh: bool = False) -> str:
    """The page in the active language, from the cache or rendered (and cached). Rendered without
    the request: nothing person-specific enters the shared cache."""
    published = _published() if published is None else published
    key = page_cache_key(published)
    html = None if refresh else cache.get(key)
    if html is None:
        context = {"p": public_page_payload(published=published), "rendered_at": timezone.now()}
        html = render_to_string(TEMPLATE, context)
        cache.set(key, html, CACHE_SECONDS)
    return html


def warm_pages() -> None:
    """Render the page in every language into the cache (a publication calls this right after
    refreshing the payload), so the first request after it — nginx's refresh of its copy — finds
    it ready instead of rendering under load."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            page_html()
