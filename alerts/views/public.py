"""The public page (公众页面, /public/), phone first and Chinese first: the warning in force —
level colour, number, response level, since when and the expected end, the public message, what
people must do (truck restriction, fireworks ban, schools, large events) and are asked to do, the
health advice of the level (plan §5.3) — or 当前无重污染天气预警 with the current AQI of the latest
real observation; and this year's warnings. No login.

What the public sees is decided by alerts.publication.public_warning_payload() (the warning once
published on the platform, cached there and refreshed by each publication; the same dict is
``GET /api/v1/public/warning/``); without that module, by the warning in force. Fast by construction: the rendered page is cached under a key made of
that payload (or, without the module, of one small query: the warning in force's id, level and
publication time), so a cached page costs at most one database query, and a publication changes
the key at once (no stale banner).

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
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import PUBLIC

from ..models import ApprovalForm, Warning
from ..selectors import level_name, response_name

CACHE_PREFIX = "public:page:v1"
CACHE_SECONDS = 300
#: How long a browser or a shared cache may keep the page (seconds): short, the page follows a
#: publication within about one second.
BROWSER_SECONDS = 1
CITY_CODE = "140300"
#: HJ 633—2026 applies from this day (interfaces.md §2).
EDITION_SWITCH = dt.date(2026, 3, 1)

LEVEL_COLOURS = {"yellow": "#F2C200", "orange": "#FF7E00", "red": "#E02020", "none": "#2E8540"}
LEVEL_TEXT_COLOURS = {"yellow": "#1D2329", "orange": "#1D2329", "red": "#FFFFFF", "none": "#FFFFFF"}

#: 健康防护引导措施 of plan §5.3.1–§5.3.3, the items addressed to the public.
HEALTH_ADVICE: dict[str, list[str]] = {
    "yellow": [
        "提醒儿童、老年人和呼吸道、心脑血管病及其他慢性病患者尽量留在室内，避免户外活动，尽量减少开窗通风时间。",
        "建议一般人群减少或避免户外活动；室外工作、执勤、作业、活动等人员可以采取佩戴口罩、缩短户外工作时间等必要的防护措施。",
        "中小学、幼儿园停止室外课程及活动。",
    ],
    "orange": [
        "提醒儿童、老年人和呼吸道、心脑血管病及其他慢性病患者尽量留在室内，避免户外活动，尽量减少开窗通风时间。",
        "建议一般人群减少或避免户外活动；室外工作、执勤、作业、活动等人员可以采取佩戴口罩、缩短户外工作时间等必要的防护措施。",
        "中小学、幼儿园停止室外课程及活动。",
        "停止举办各类大型群众性户外活动。",
    ],
    "red": [
        "提醒儿童、老年人和呼吸道、心脑血管病及其他慢性病患者尽量留在室内，不要外出，少开窗通风，确需外出必须加强防护措施。",
        "提示一般人群减少或避免户外活动；室外工作、执勤、作业、活动等人员可以采取佩戴口罩、缩短户外工作时间等必要的防护措施。",
        "中小学、幼儿园停止室外课程及活动。",
        "停止举办各类大型群众性户外活动。",
    ],
}
_SHARE = {"yellow": "20%", "orange": "30%", "red": "40%"}
_SITES = {
    "yellow": "建筑工地停止土石方作业、建筑拆除、喷涂粉刷等作业（经市政府批准的省、市重点工程除外），增加洒水降尘频次。",
    "orange": "市域内各类施工工地停工（经市政府批准的省、市重点工程除外），增加洒水降尘频次。",
    "red": "市域内各类施工工地停工（经市政府批准的省、市重点工程除外），增加洒水降尘频次。",
}
_COLOUR_NAMES = {"yellow": "黄色", "orange": "橙色", "red": "红色"}


def measures_summary(level: str) -> list[str]:
    """强制性及倡议性减排措施 of plan §5.3, in a few lines for the public."""
    if level not in _SHARE:
        return []
    return [
        f"工业企业按“一厂一策”落实停产、限产措施（预案附件 11），主要污染物减排比例达到全社会占比的{_SHARE[level]}以上。",
        _SITES[level],
        "市域范围内全时段禁放烟花爆竹，严禁燃煤旺火。",
        "国、省道及县乡道路停止国四及以下重型载货车辆（含燃气）通行；重点行业大宗物料运输按"
        f"{_COLOUR_NAMES[level]}预警车辆运输减排要求执行。",
        "倡导绿色出行、绿色消费，尽量乘坐公共交通工具；驻车及时熄火。",
    ]


def _edition(day: dt.date) -> str:
    return "2012" if day < EDITION_SWITCH else "2026"


def today_air(now: dt.datetime | None = None) -> dict | None:
    """The city's latest observed hour of today, with its HJ 633 category and advice."""
    from forecasts.domain.categories import category_for
    from forecasts.models import AirQualityRecord

    local = timezone.localtime(now or timezone.now())
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    row = (
        AirQualityRecord.objects.filter(
            area__code=CITY_CODE, kind=AirQualityRecord.Kind.OBSERVED, period=AirQualityRecord.Period.HOUR,
            time__gte=midnight, time__lte=local, source_import__replay__isnull=True,
        )
        .order_by("-time", "-issued_at")
        .values("time", "aqi", "aqi_high")
        .first()
    )
    if row is None:
        return None
    aqi = row["aqi_high"] if row["aqi_high"] is not None else row["aqi"]
    if aqi is None:
        return None
    category = category_for(aqi, _edition(local.date()))
    if category is None:
        return None
    from core.colours import readable_text

    return {"time": row["time"], "aqi": round(aqi), "category": category.name, "hex": category.hex,
            "text_colour": readable_text(category.hex),
            "health_effect": category.health_effect, "advice": category.advice}


def _times(warning: Warning) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Since when the warning is out (its publication, else its approval) and since when its
    present level holds (the effective time of the form that set it)."""
    form = (
        ApprovalForm.objects.filter(warning=warning, status=ApprovalForm.Status.APPROVED)
        .order_by("-decided_at").values("decided_at", "effective_at").first()
    )
    since = warning.published_at or (form["decided_at"] if form else None) or warning.created_at
    return since, form["effective_at"] if form else None


def none_payload(now: dt.datetime | None = None) -> dict[str, Any]:
    """当前无重污染天气预警, with today's air and its advice."""
    air = today_air(now)
    return {
        "level": "none",
        "today": air,
        "health_advice": [air["advice"]] if air else ["关注空气质量实时发布信息，合理安排出行和户外活动。"],
        "measures": [],
    }


def own_payload(now: dt.datetime | None = None) -> dict[str, Any]:
    """The page's data from the warning in force (used when alerts.publication is not installed,
    and to complete what it returns)."""
    warning = Warning.objects.filter(status=Warning.Status.ACTIVE).first()
    if warning is None:
        return none_payload(now)
    level = warning.level
    since, level_since = _times(warning)
    return {
        "level": level,
        "number": warning.number,
        "response_level": warning.response_level,
        "since": since,
        "level_since": level_since,
        "until": warning.episode_end,
        "primary_pollutant": warning.primary_pollutant,
        "aqi_range": warning.aqi_range,
        "public_message": warning.public_message,
        "health_advice": HEALTH_ADVICE.get(level, []),
        "measures": measures_summary(level),
    }


def _as_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    return [str(v) for v in value]


def _published() -> dict | None:
    """alerts.publication's payload (it decides what the public sees: the warning once published),
    or None when that module is not installed."""
    try:
        from alerts.publication import public_warning_payload
    except ImportError:
        return None
    return dict(public_warning_payload() or {"level": "none"})


def _parse_time(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime) or value is None:
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _air(value: dict | None) -> dict | None:
    """The payload's current air (times as ISO text) for the template (times as datetimes)."""
    if not value:
        return None
    return {**value, "time": _parse_time(value.get("time"))}


def _year_rows(rows) -> list[dict]:
    result = []
    for row in rows or []:
        level = row.get("level") if row.get("level") in LEVEL_COLOURS else "none"
        # The names in the active language (the published payload holds the Chinese ones).
        result.append({**row, "level": level, "colour": LEVEL_COLOURS[level],
                       "level_name": level_name(level),
                       "from": _parse_time(row.get("from")), "to": _parse_time(row.get("to")),
                       "levels_text": "→".join(level_name(lv) for lv in row.get("levels") or []
                                               if lv in LEVEL_COLOURS)})
    return result


def _from_published(published: dict, now: dt.datetime | None) -> dict[str, Any]:
    """The page's data from alerts.publication's payload: the same facts the JSON API gives."""
    level = published.get("level") or "none"
    common = {"today": _air(published.get("air")), "year": published.get("year"),
              "this_year": _year_rows(published.get("this_year"))}
    if level == "none" or level not in LEVEL_COLOURS:
        air = common["today"]
        if "air" not in published:  # an older payload without the air: read it here
            common["today"] = today_air(now)
            air = common["today"]
        return {
            "level": "none",
            **common,
            "health_advice": [air["advice"]] if air else ["关注空气质量实时发布信息，合理安排出行和户外活动。"],
        }
    advice = _as_list(published.get("health_advice"))
    items = _as_list(published.get("health")) or _as_list(published.get("measures")) or HEALTH_ADVICE.get(level, [])
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


def public_page_payload(now: dt.datetime | None = None, *, published: dict | None = None) -> dict[str, Any]:
    """What the page shows: alerts.publication's payload when that module is installed, else this
    module's own reading of the warning in force; with the level's colours and names."""
    if published is None:
        published = _published()
    payload = own_payload(now) if published is None else _from_published(published, now)
    level = payload["level"] if payload.get("level") in LEVEL_COLOURS else "none"
    payload["level"] = level
    # The names in the active language: the page is rendered (and cached) once per language.
    payload["level_name"] = level_name(level)
    payload["colour"] = LEVEL_COLOURS[level]
    payload["text_colour"] = LEVEL_TEXT_COLOURS[level]
    payload["response_name"] = response_name(payload.get("response_level"))
    return payload


def page_cache_key(published: dict | None, now: dt.datetime | None = None) -> str:
    """The page's cache key: what decides its content, and the hour (today's air, in the none
    state). With alerts.publication, its (cached) payload; without, one query for the warning in
    force (id, level, publication time)."""
    if published is None:
        state = repr(Warning.objects.filter(status=Warning.Status.ACTIVE).values_list("pk", "level", "published_at").first())
    else:
        state = json.dumps(published, sort_keys=True, default=str)
    local = timezone.localtime(now or timezone.now())
    text = f"{state}|{local:%Y%m%d%H}|{translation.get_language()}"
    return f"{CACHE_PREFIX}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


TEMPLATE = "public/warning.html"


def page_html(*, published: dict | None = None, refresh: bool = False) -> str:
    """The page in the active language, from the cache or rendered (and cached). Rendered without
    the request: nothing person-specific enters the shared cache."""
    if published is None:
        published = _published()
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
    from django.conf import settings

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            page_html()


class PublicWarningPageView(RoleRequiredMixin, View):
    """/public/: no login; the rendered page is cached (see the module docstring)."""

    allowed_roles = PUBLIC
    http_method_names = ["get", "head"]
    template_name = TEMPLATE

    def get(self, request):
        response = HttpResponse(page_html())
        patch_vary_headers(response, ["Cookie"])  # the language cookie chooses the page
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        else:
            patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
            # nginx (deploy/nginx.conf) keeps it until the end of this second, not one more: a
            # publication shows within a second. The header is nginx's own; it hides it from clients.
            response.headers["X-Accel-Expires"] = f"@{int(time.time())}"
        return response
