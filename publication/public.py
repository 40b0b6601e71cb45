"""What the public sees (公众页面, interfaces.md §4): the warning once published on the platform —
level, response, since when, what the warning says (§11), what people must and are asked to do
and the health advice of the level (plan §5.3, from the measures registry) — or the current air;
and this year's warnings. One dict of JSON values, cached under ``public:warning`` and refreshed by
each publication; it is ``GET /api/v1/public/warning/`` and what the page (publication/page.py)
renders."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from alerts.domain.lifecycle import LEVEL_NAMES, RANK, RESPONSE_NAMES, SHANGHAI, Action, Level
from alerts.models import ApprovalForm, Warning
from forecasts.domain.areas import CITY_CODE
from forecasts.domain.categories import category_for
from forecasts.models import AirQualityRecord
from measures.selectors import level_sections

from .texts import announcement_text, content_payload, edition_at, form_message, health_category

PUBLIC_CACHE_KEY = "public:warning"
PUBLIC_CACHE_SECONDS = 600
#: The observation the public page calls "current" is at most this old (a feed may lag an hour or two).
AIR_MAX_AGE = dt.timedelta(hours=6)

#: What people must do at a level (plan §5.3), as the public page names it: (kind, title, the
#: measure's category, a phrase its text contains — empty: every item of the category). The
#: mobile-source section also binds enterprises' bulk transport; the public is bound by the road
#: restriction on heavy goods vehicles. Schools and large events are health items addressed to units.
PUBLIC_MUST_DO: tuple[tuple[str, str, str, str], ...] = (
    ("traffic", "机动车限行", "mandatory_mobile", "重型载货车辆"),
    ("fireworks", "禁放烟花爆竹", "fireworks", ""),
    ("schools", "学校", "health", "中小学"),
    ("events", "大型活动", "health", "大型群众性户外活动"),
)


def current_form(warning: Warning) -> ApprovalForm | None:
    """The approved form that set the warning's present level (or lifted it); a decision signed
    in advance and not in force yet (warning-rules.md §12) is not it."""
    forms = warning.forms.filter(status=ApprovalForm.Status.APPROVED)
    if warning.pending_form_id:
        forms = forms.exclude(pk=warning.pending_form_id)
    return forms.order_by("-decided_at", "-id").first()


def announcement(now: dt.datetime | None = None) -> dict | None:
    """A decision published and not in force yet (warning-rules.md §12): what it will do and when —
    "将于…起启动" (issue, upgrade, downgrade) or "将于…解除" (lift); None when there is none."""
    warning = (
        Warning.objects.filter(pending_form__isnull=False, published_at__isnull=False)
        .select_related("pending_form")
        .first()
    )
    if warning is None:
        return None
    form = warning.pending_form
    return {
        "action": form.action,
        "level": form.level,
        "from_level": form.from_level,
        "number": warning.number,
        "effective_at": timezone.localtime(form.effective_at).isoformat(),
        "text": announcement_text(form),
        "message": form_message(form),
        "cap": f"{settings.PUBLIC_BASE_URL}{reverse('publication:cap-alert', args=[form.pk])}",
    }


def level_items(response_level: str) -> list[dict]:
    """The §5.3 items of a response level as plain dicts (category, text, audience), in the plan's
    order, from the measures registry (measures.selectors.level_sections: the plan as loaded, with
    the office's edits)."""
    return [
        {"category": section["category"], **item}
        for section in level_sections(response_level)
        for item in section["items"]
    ]


def public_items(response_level: str, items: list[dict] | None = None) -> dict[str, list]:
    """What the public page tells people at a response level (plan §5.3): the health-protection
    items addressed to the public (``health``), what they must do — the truck restriction, the
    fireworks ban, schools and large events (``must_do``: kind, title, text) — and what they are
    asked to do (``should_do``: the advisory items addressed to the public). ``items``: the
    level's, read once (level_items)."""
    items = level_items(response_level) if items is None else items
    health = [i["text"] for i in items if i["category"] == "health" and i["audience"] == "public"]
    must_do = []
    for kind, title, category, phrase in PUBLIC_MUST_DO:
        for item in items:
            if item["category"] == category and phrase in item["text"]:
                must_do.append({"kind": kind, "title": title, "text": item["text"]})
    should_do = [i["text"] for i in items if i["category"] == "advisory" and i["audience"] == "public"]
    return {"health": health, "must_do": must_do, "should_do": should_do}


def current_air(now: dt.datetime | None = None) -> dict | None:
    """The city's latest real observed hour (never a drill's replay data) of the last
    ``AIR_MAX_AGE``, with its HJ 633 category, colour and advice; None when there is none."""
    now = now or timezone.now()
    row = (
        AirQualityRecord.objects.filter(
            area__code=CITY_CODE,
            kind=AirQualityRecord.Kind.OBSERVED,
            period=AirQualityRecord.Period.HOUR,
            time__gt=now - AIR_MAX_AGE,
            time__lte=now,
            replay__isnull=True,
            source_import__replay__isnull=True,
        )
        .exclude(aqi__isnull=True, aqi_high__isnull=True)
        .order_by("-time", "-issued_at")
        .values("time", "aqi", "aqi_high")
        .first()
    )
    if row is None:
        return None
    aqi = row["aqi_high"] if row["aqi_high"] is not None else row["aqi"]
    category = category_for(aqi, edition_at(row["time"]))
    if category is None:
        return None
    return {
        "time": timezone.localtime(row["time"]).isoformat(),
        "aqi": round(aqi),
        "category": category.name,
        "hex": category.hex,
        "health_effect": category.health_effect,
        "advice": category.advice,
    }


def in_force_since(warning: Warning, level_forms=None) -> dt.datetime:
    """When the warning came into force: its publication, or the issue's effective start when it
    was signed ahead of it (warning-rules.md §12: announced first, in force from that time)."""
    if level_forms is None:
        level_forms = warning.forms.filter(status=ApprovalForm.Status.APPROVED, action=Action.ISSUE)
    issue = next((form for form in level_forms if form.action == Action.ISSUE), None)
    if issue is not None and issue.effective_at and issue.effective_at > warning.published_at:
        return issue.effective_at
    return warning.published_at


def warnings_of_year(year: int) -> list[dict]:
    """This year's warnings for the public: every warning published in ``year`` (local time), in
    force or lifted, oldest first — number, the levels it went through and the highest, from
    (publication) and to (lifting; None while in force)."""
    start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    # In the order they were signed: a level's stated start may lie ahead of a later upgrade's.
    approved = (
        ApprovalForm.objects.filter(status=ApprovalForm.Status.APPROVED)
        .exclude(action=Action.LIFT)
        .order_by("decided_at", "id")
    )
    warnings = (
        Warning.objects.filter(
            status__in=[Warning.Status.ACTIVE, Warning.Status.LIFTED], published_at__gte=start, published_at__lt=end
        )
        .prefetch_related(Prefetch("forms", queryset=approved, to_attr="level_forms"))
        .order_by("published_at", "id")
    )
    rows = []
    for warning in warnings:
        levels = []
        for form in warning.level_forms:
            if not levels or levels[-1] != form.level:
                levels.append(form.level)
        highest = max(levels, key=lambda lv: RANK[Level(lv)]) if levels else warning.level
        rows.append(
            {
                "number": warning.number,
                "level": highest,
                "level_name": LEVEL_NAMES[Level(highest)],
                "levels": levels,
                "status": warning.status,
                "from": timezone.localtime(in_force_since(warning, warning.level_forms)).isoformat(),
                "to": timezone.localtime(warning.lifted_at).isoformat() if warning.lifted_at else None,
            }
        )
    return rows


def _build_public_payload() -> dict:
    """Everything the public page and ``GET /api/v1/public/warning/`` show, as JSON values."""
    now = timezone.now()
    year = timezone.localtime(now).year
    common = {
        "air": current_air(now),
        "year": year,
        "this_year": warnings_of_year(year),
        "announced": announcement(now),
    }
    warning = Warning.objects.filter(status=Warning.Status.ACTIVE, published_at__isnull=False).first()
    if warning is None:
        return {"level": "none", **common}
    form = current_form(warning)
    category = health_category(level=warning.level, aqi_range=warning.aqi_range)
    items = level_items(warning.response_level)
    return {
        "level": warning.level,
        "level_name": LEVEL_NAMES[Level(warning.level)],
        "response_level": warning.response_level,
        "response_name": RESPONSE_NAMES.get(warning.response_level, ""),
        "since": timezone.localtime(in_force_since(warning)).isoformat(),
        "level_since": timezone.localtime(form.effective_at).isoformat() if form else None,
        "until": timezone.localtime(warning.episode_end).isoformat() if warning.episode_end else None,
        "number": warning.number,
        "message": warning.public_message,
        "primary_pollutant": (form.primary_pollutant if form else "") or warning.primary_pollutant,
        "aqi_range": (form.aqi_range if form else "") or warning.aqi_range,
        **content_payload(form),
        "measures": [i["text"] for i in items if i["category"] == "health"],
        "health_advice": category.advice if category else "",
        "health_category": category.name if category else "",
        "cap": f"{settings.PUBLIC_BASE_URL}{reverse('publication:cap-alert', args=[form.pk])}" if form else None,
        **public_items(warning.response_level, items),
        **common,
    }


def public_warning_payload(*, refresh: bool = False) -> dict:
    """`GET /api/v1/public/warning/` (interfaces.md §4): the warning in force — level, response level,
    since, the measures for the public (the level's health-protection items), health advice, number,
    message — or ``{"level": "none"}``. Cached under ``public:warning``; publication refreshes it."""
    if not refresh:
        payload = cache.get(PUBLIC_CACHE_KEY)
        if payload is not None:
            return payload
    payload = _build_public_payload()
    cache.set(PUBLIC_CACHE_KEY, payload, PUBLIC_CACHE_SECONDS)
    return payload
