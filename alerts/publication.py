"""Publication of an approved form on every channel (预警信息发布, plan §4.2.3–§4.2.4), the on-duty
confirmations of §5.2 and the written report of §5.4.

`publish_form` is the outbox handler of ``alerts.warning.publish``: it runs after the approval has
committed, from Celery, and may run again (a retry, the outbox sweep) — every step is idempotent:
the publication time is set once, SMS rows and in-app notices are unique per recipient, the
confirmations per (form, county, role), deadlines are met once, the audit entry is written once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from functools import cache as memoise

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.roles import Role
from audit.services import audit_record
from command.models import MemberUnit
from deadlines import keys as deadline_keys
from deadlines.models import Deadline
from deadlines.services import deadline_meet
from forecasts.domain.categories import EDITION_2012, EDITION_2026, Category, category_for
from notifications.delivery import sms_to_numbers
from notifications.models import Notification, SmsSubscriber, UnitContact
from notifications.services import notify_users

from .domain.content import HEALTH_ADVICE, facts_text, public_text
from .domain.lifecycle import (
    ACTION_NAMES,
    LEVEL_NAMES,
    RANK,
    RESPONSE,
    RESPONSE_NAMES,
    SHANGHAI,
    Action,
    DeadlineKind,
    Level,
)
from .drafting import form_content
from .models import ApprovalForm, DutyConfirmation, Warning
from .services import WarningError

log = logging.getLogger(__name__)

PUBLIC_CACHE_KEY = "public:warning"
PUBLIC_CACHE_SECONDS = 600
CAP_FEED_CACHE_KEY = "cap:feed"
HJ633_2026_IN_FORCE = dt.datetime(2026, 3, 1, tzinfo=SHANGHAI)
#: The AQI that stands for a level when the warning gives no AQI range (warning-rules.md §4: every
#: level holds with windows above 200, red with one above 300).
LEVEL_AQI = {Level.YELLOW: 201, Level.ORANGE: 201, Level.RED: 301}
REPORT_RECIPIENTS = ["阳泉市人民政府", "山西省重污染天气应急指挥部办公室"]


# ----------------------------------------------------------------------------- texts


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日%H时%M分") if value else "—"


def warning_link(warning_id: int) -> str:
    """The staff page of a warning (route alerts:warning, /warnings/<id>/)."""
    try:
        return reverse("alerts:warning", args=[warning_id])
    except NoReverseMatch:  # the page is another engineer's; the path is agreed
        return f"/warnings/{warning_id}/"


def form_message(form: ApprovalForm) -> str:
    """The public text of a form: its own, or one built from the form's facts — never the warning's,
    which a later form changes (a CAP alert must read the same whenever it is fetched)."""
    if form.public_message.strip():
        return form.public_message.strip()
    content = form_content(form, published=True)
    if content.weather_trend or content.areas:  # a form that carries what the warning says (§11)
        return public_text(action=form.action, level=form.level, from_level=form.from_level, content=content)
    if form.action == Action.LIFT:
        return (f"阳泉市重污染天气应急指挥部：全市空气质量已明显改善，自{_local(form.effective_at)}起解除"
                f"重污染天气{LEVEL_NAMES[Level(form.from_level)]}，终止应急响应。")
    verb = {Action.ISSUE: "发布", Action.UPGRADE: "将预警升级为", Action.DOWNGRADE: "将预警降级为"}[Action(form.action)]
    return (f"阳泉市重污染天气应急指挥部{verb}重污染天气{LEVEL_NAMES[Level(form.level)]}，"
            f"自{_local(form.effective_at)}起启动{RESPONSE_NAMES[RESPONSE[Level(form.level)]]}。")


def sms_text(form: ApprovalForm) -> str:
    """The SMS to member units and subscribers: what the warning says, always — level, response
    level and its time, areas, period, AQI range, degree, primary pollutant (warning-rules.md §11),
    from the approved form's fields with its actual effective time — then the office's own public
    text when it wrote one (the drafted one is these facts and the health advice)."""
    texts = {"action": form.action, "level": form.level, "from_level": form.from_level}
    facts = facts_text(**texts, content=form_content(form, published=True))
    message = form.public_message.strip()
    drafted = public_text(**texts, content=form_content(form))
    if not message or message == drafted:
        tail = "" if form.action == Action.LIFT else HEALTH_ADVICE
    else:
        tail = message
    return f"{settings.SMS_SIGNATURE}{facts}{tail}"


def content_payload(form: ApprovalForm | None) -> dict:
    """What the warning says (§11) as the public page and its API give it: areas, degree, the AQI
    range's ends, the period of heavy pollution, the weather trend, the response's start."""
    if form is None:
        return {}
    areas = [{"code": a.code, "name": a.name} for a in form.affected_areas.all()]

    def local(value):
        return timezone.localtime(value).isoformat() if value else None

    return {
        "affected_areas": areas,
        "degree": form.degree,
        "aqi_low": form.aqi_low,
        "aqi_high": form.aqi_high,
        "pollution_start": local(form.pollution_start),
        "pollution_end": local(form.pollution_end),
        "weather_trend": form.weather_trend,
        "response_start": local(form.effective_at),
    }


def edition_at(when: dt.datetime) -> str:
    return EDITION_2026 if when >= HJ633_2026_IN_FORCE else EDITION_2012


def _aqi_upper(aqi_range: str) -> int | None:
    numbers = [int(n) for n in re.findall(r"\d+", aqi_range or "")]
    return max(numbers) if numbers else None


def health_category(*, level: str, aqi_range: str = "", when: dt.datetime | None = None) -> Category | None:
    """The AQI category whose advice (HJ 633 建议采取的措施) goes with a warning: the one of the
    warning's forecast AQI upper bound when it gives one above 100, else the level's (yellow and
    orange: 重度污染, red: 严重污染). The wording is the HJ 633 edition in force at ``when``."""
    if level not in LEVEL_AQI:
        return None
    upper = _aqi_upper(aqi_range)
    aqi = upper if upper is not None and upper > 100 else LEVEL_AQI[Level(level)]
    return category_for(aqi, edition_at(when or timezone.now()))


@memoise
def _measures() -> dict:
    with open(settings.BASE_DIR / "fixtures" / "plan" / "measures.json", encoding="utf-8") as handle:
        return json.load(handle)


def measure_sections(response_level: str) -> list[dict]:
    """The §5.3 sections of a response level (Ⅲ/Ⅱ/Ⅰ) as the plan lists them."""
    return _measures()["levels"].get(response_level, {}).get("sections", [])


def health_measures(response_level: str) -> list[str]:
    """The health-protection items (健康防护引导措施) of a response level: what the public is told."""
    return [item["text"] for section in measure_sections(response_level) if section["category"] == "health"
            for item in section["items"]]


# ----------------------------------------------------------------------------- the public page


def current_form(warning: Warning) -> ApprovalForm | None:
    """The approved form that set the warning's present level (or lifted it)."""
    return warning.forms.filter(status=ApprovalForm.Status.APPROVED).order_by("-decided_at", "-id").first()


#: The observation the public page calls "current" is at most this old (a feed may lag an hour or two).
AIR_MAX_AGE = dt.timedelta(hours=6)
CITY_CODE = "140300"

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


def level_items(response_level: str) -> list[dict]:
    """The §5.3 items of a response level as plain dicts (category, text, audience), in the plan's
    order: from the measures registry (measures.selectors.measures_for_level, where the office may
    have edited them), else from the plan's data file (fixtures/plan/measures.json)."""
    if response_level not in ("III", "II", "I"):
        return []
    try:
        from measures.selectors import measures_for_level

        rows = [{"category": m.category, "text": m.text, "audience": m.audience}
                for m in measures_for_level(response_level).only("category", "text", "audience", "order")]
    except (ImportError, LookupError, ValueError):  # the measures app is another engineer's
        rows = []
    if rows:
        return rows
    return [{"category": section["category"], "text": item["text"], "audience": item.get("audience", "")}
            for section in measure_sections(response_level) for item in section["items"]]


def public_items(response_level: str) -> dict[str, list]:
    """What the public page tells people at a response level (plan §5.3): the health-protection
    items addressed to the public (``health``), what they must do — the truck restriction, the
    fireworks ban, schools and large events (``must_do``: kind, title, text) — and what they are
    asked to do (``should_do``: the advisory items addressed to the public)."""
    items = level_items(response_level)
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
    from forecasts.models import AirQualityRecord

    now = now or timezone.now()
    row = (
        AirQualityRecord.objects.filter(
            area__code=CITY_CODE, kind=AirQualityRecord.Kind.OBSERVED, period=AirQualityRecord.Period.HOUR,
            time__gt=now - AIR_MAX_AGE, time__lte=now, replay__isnull=True, source_import__replay__isnull=True,
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
    return {"time": timezone.localtime(row["time"]).isoformat(), "aqi": round(aqi), "category": category.name,
            "hex": category.hex, "health_effect": category.health_effect, "advice": category.advice}


def warnings_of_year(year: int) -> list[dict]:
    """This year's warnings for the public: every warning published in ``year`` (local time), in
    force or lifted, oldest first — number, the levels it went through and the highest, from
    (publication) and to (lifting; None while in force)."""
    start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    # In the order they were signed: a level's stated start may lie ahead of a later upgrade's.
    approved = ApprovalForm.objects.filter(status=ApprovalForm.Status.APPROVED).exclude(action=Action.LIFT).order_by(
        "decided_at", "id")
    warnings = (
        Warning.objects.filter(status__in=[Warning.Status.ACTIVE, Warning.Status.LIFTED], published_at__gte=start,
                               published_at__lt=end)
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
        rows.append({
            "number": warning.number,
            "level": highest,
            "level_name": LEVEL_NAMES[Level(highest)],
            "levels": levels,
            "status": warning.status,
            "from": timezone.localtime(warning.published_at).isoformat(),
            "to": timezone.localtime(warning.lifted_at).isoformat() if warning.lifted_at else None,
        })
    return rows


def _build_public_payload() -> dict:
    """Everything the public page and ``GET /api/v1/public/warning/`` show, as JSON values."""
    now = timezone.now()
    year = timezone.localtime(now).year
    common = {"air": current_air(now), "year": year, "this_year": warnings_of_year(year)}
    warning = Warning.objects.filter(status=Warning.Status.ACTIVE, published_at__isnull=False).first()
    if warning is None:
        return {"level": "none", **common}
    form = current_form(warning)
    category = health_category(level=warning.level, aqi_range=warning.aqi_range)
    return {
        "level": warning.level,
        "level_name": LEVEL_NAMES[Level(warning.level)],
        "response_level": warning.response_level,
        "response_name": RESPONSE_NAMES.get(warning.response_level, ""),
        "since": timezone.localtime(warning.published_at).isoformat(),
        "level_since": timezone.localtime(form.effective_at).isoformat() if form else None,
        "until": timezone.localtime(warning.episode_end).isoformat() if warning.episode_end else None,
        "number": warning.number,
        "message": warning.public_message,
        "primary_pollutant": (form.primary_pollutant if form else "") or warning.primary_pollutant,
        "aqi_range": (form.aqi_range if form else "") or warning.aqi_range,
        **content_payload(form),
        "measures": health_measures(warning.response_level),
        "health_advice": category.advice if category else "",
        "health_category": category.name if category else "",
        "cap": f"{settings.PUBLIC_BASE_URL}{reverse('alerts:cap-alert', args=[form.pk])}" if form else None,
        **public_items(warning.response_level),
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


# ----------------------------------------------------------------------------- publish


@dataclass
class PublishResult:
    form_id: int
    sms_created: int = 0
    notices_created: int = 0
    confirmations_created: int = 0
    first_time: bool = False


def publish_form(payload: dict) -> PublishResult | None:
    """Outbox handler of ``alerts.warning.publish`` ({"form_id"}): the public page, SMS to every
    member unit's contacts and to confirmed subscribers, in-app notices to member-unit and county
    users, on-duty confirmations (orange/red), and the PUBLISH and UNITS_NOTIFIED deadlines."""
    form = ApprovalForm.objects.select_related("warning").filter(pk=payload["form_id"]).first()
    if form is None or form.status != ApprovalForm.Status.APPROVED:
        log.warning("publish_form: form %s is not approved; nothing published", payload.get("form_id"))
        return None
    result = PublishResult(form_id=form.pk)
    now = timezone.now()

    # 1. The public page (the warning platform of §4.2.4 that the public sees).
    Warning.objects.filter(pk=form.warning_id, published_at__isnull=True).update(published_at=now)
    warning = Warning.objects.get(pk=form.warning_id)
    cache.delete_many([PUBLIC_CACHE_KEY, CAP_FEED_CACHE_KEY])
    from .views.public import warm_pages  # the page module reads this one: imported here, not at the top

    public_warning_payload(refresh=True)
    warm_pages()

    # 2. SMS: member units' contacts, then citizens who subscribed (the same number gets one).
    text = sms_text(form)
    key = f"warning:{form.pk}"
    contacts = UnitContact.objects.filter(active=True, unit__active=True).select_related("unit")
    result.sms_created += sms_to_numbers([(f"{c.unit.short_name} {c.name}", c.mobile) for c in contacts], text=text, key=key)
    subscribers = SmsSubscriber.objects.filter(confirmed=True, unsubscribed_at__isnull=True).values_list("phone", flat=True)
    public_text = f"{text}退订：{settings.PUBLIC_BASE_URL}{reverse('notifications:subscribe')}"
    result.sms_created += sms_to_numbers([("", phone) for phone in subscribers], text=public_text, key=key)

    # 3. In-app notices to member units and counties; their read time is the read receipt.
    users = get_user_model().objects.filter(is_active=True, role__in=[Role.UNIT, Role.COUNTY])
    title = f"{ACTION_NAMES[Action(form.action)]}{form.get_level_display() if form.action != Action.LIFT else LEVEL_NAMES[Level(form.from_level)]}（{warning.number}）"
    notices = Notification.objects.filter(kind="alerts.warning.published", target_type=form._meta.label_lower,
                                          target_id=str(form.pk))
    before = notices.count()
    notify_users(users, kind="alerts.warning.published", title=f"预警信息：{title}", body=form_message(form),
                 link=warning_link(warning.pk), target=form)
    result.notices_created = notices.count() - before
    deadline_meet(key=deadline_keys.units_notified(form.pk))

    # 4. On-duty confirmations (§5.2).
    result.confirmations_created = _request_duty(form, warning)

    # 5. Every channel has been handed its message.
    first = deadline_meet(key=deadline_keys.publish(form.pk))
    result.first_time = bool(first)
    if first:
        with transaction.atomic():
            audit_record(actor=None, action="alerts.warning.published", target=form,
                         data={"warning": warning.number, "sms": result.sms_created, "notices": result.notices_created,
                               "duty_confirmations": result.confirmations_created})
    return result


def duty_roles_for(form: ApprovalForm) -> list[str]:
    """§5.2: orange — the county government heads; red — also the county party secretaries."""
    if form.action == Action.LIFT:
        return []
    if form.level == Level.RED:
        return [DutyConfirmation.DutyRole.GOVERNMENT, DutyConfirmation.DutyRole.PARTY]
    if form.level == Level.ORANGE:
        return [DutyConfirmation.DutyRole.GOVERNMENT]
    return []


def _request_duty(form: ApprovalForm, warning: Warning) -> int:
    roles = duty_roles_for(form)
    if not roles:
        return 0
    counties = list(MemberUnit.objects.filter(kind=MemberUnit.Kind.COUNTY, active=True))
    heads = {}
    for contact in UnitContact.objects.filter(unit__in=counties, active=True).filter(
            Q(is_government_head=True) | Q(is_party_secretary=True)).select_related("unit"):
        if contact.is_government_head:
            heads.setdefault((contact.unit_id, DutyConfirmation.DutyRole.GOVERNMENT), contact)
        if contact.is_party_secretary:
            heads.setdefault((contact.unit_id, DutyConfirmation.DutyRole.PARTY), contact)
    created = 0
    with transaction.atomic():
        for unit in counties:
            for role in roles:
                contact = heads.get((unit.pk, role))
                _, made = DutyConfirmation.objects.get_or_create(
                    form=form, unit=unit, role=role,
                    defaults={"warning": warning, "contact_name": contact.name if contact else ""},
                )
                created += made
    who = "县区政府主要负责人" if len(roles) == 1 else "县区党委、政府主要负责人"
    county_users = get_user_model().objects.filter(is_active=True, role=Role.COUNTY)
    notify_users(county_users, kind="alerts.duty.requested", title=f"请确认在岗指挥：{form.get_level_display()}（{warning.number}）",
                 body=f"依据预案 5.2，{form.get_level_display()}期间{who}须在岗指挥，请在系统中确认。",
                 link=reverse("alerts:duty"), target=form)
    recipients = [(f"{c.unit.short_name} {c.name}", c.mobile) for (unit_id, role), c in heads.items() if role in roles]
    if recipients:
        sms_to_numbers(recipients, key=f"duty:{form.pk}",
                       text=f"{settings.SMS_SIGNATURE}阳泉市已{ACTION_NAMES[Action(form.action)]}{form.get_level_display()}，"
                            f"依据预案 5.2，请{who}在岗指挥，并由县区登录系统确认在岗。")
    return created


# ----------------------------------------------------------------------------- on-duty confirmations


def duty_current(warning: Warning | None = None):
    """The confirmations the office follows: those of the latest published form of the warning in force."""
    warning = warning or Warning.objects.filter(status=Warning.Status.ACTIVE).first()
    if warning is None:
        return DutyConfirmation.objects.none()
    form = current_form(warning)
    if form is None:
        return DutyConfirmation.objects.none()
    return DutyConfirmation.objects.filter(form=form).select_related("unit", "confirmed_by", "form")


def duty_for_user(user):
    """A county user's confirmations: their own county's, of the warning in force."""
    if user.role != Role.COUNTY or not user.area_id:
        return DutyConfirmation.objects.none()
    return duty_current().filter(unit__area_id=user.area_id)


def duty_confirm(*, actor, confirmation_id: int, note: str = "") -> DutyConfirmation:
    """A county confirms that its head is on duty (在岗指挥)."""
    with transaction.atomic():
        confirmation = DutyConfirmation.objects.select_for_update().select_related("unit", "warning").filter(pk=confirmation_id).first()
        if confirmation is None:
            raise WarningError("没有这条在岗确认。")
        if actor.role != Role.COUNTY or confirmation.unit.area_id is None or confirmation.unit.area_id != actor.area_id:
            raise WarningError("只能确认本县区的在岗情况。")
        if confirmation.warning.status != Warning.Status.ACTIVE:
            raise WarningError("该预警已不在生效期，无需确认。")
        if confirmation.confirmed_at is not None:
            raise WarningError("已确认过。")
        confirmation.confirmed_by = actor
        confirmation.confirmed_at = timezone.now()
        confirmation.note = note.strip()[:200]
        confirmation.save(update_fields=["confirmed_by", "confirmed_at", "note"])
        audit_record(actor=actor, action="alerts.duty.confirmed", target=confirmation,
                     after={"role": confirmation.role, "unit": confirmation.unit.slug}, data={"note": confirmation.note})
    return confirmation


# ----------------------------------------------------------------------------- the written report (§5.4)


def report_context(warning: Warning) -> dict:
    """What the written report to the city government and the provincial office says: level, time,
    primary pollutant, the level changes, the measures ordered and the air quality since."""
    from forecasts.selectors import records

    forms = list(warning.forms.filter(status=ApprovalForm.Status.APPROVED).select_related("decided_by").order_by("decided_at", "id"))
    levels = [f.level for f in forms if f.action != Action.LIFT]
    highest = max(levels, key=lambda lv: ["none", "yellow", "orange", "red"].index(lv)) if levels else warning.level
    response = RESPONSE.get(Level(warning.level)) or RESPONSE.get(Level(highest))
    sections = [s for s in measure_sections(response or "") if s["category"] != "health"]
    effect = None
    if warning.published_at:
        end = warning.lifted_at or timezone.now()
        observed = records(area_codes=["140300"], start=warning.published_at - dt.timedelta(hours=24), end=end).filter(
            kind="observed", period="hour", aqi__isnull=False).values_list("time", "aqi")
        before = [aqi for t, aqi in observed if t < warning.published_at]
        since = [(t, aqi) for t, aqi in observed if t >= warning.published_at]
        if before or since:
            effect = {
                "before_mean": round(sum(before) / len(before)) if before else None,
                "since_mean": round(sum(a for _, a in since) / len(since)) if since else None,
                "since_max": round(max(a for _, a in since)) if since else None,
                "latest": round(max(since)[1]) if since else None,
                "latest_at": max(since)[0] if since else None,
                "hours": len(since),
            }
    deadlines = Deadline.objects.filter(warning=warning, kind=DeadlineKind.WRITTEN_REPORT).order_by("started_at")
    return {
        "warning": warning, "forms": forms, "highest": highest, "highest_name": LEVEL_NAMES[Level(highest)],
        "response": response, "response_name": RESPONSE_NAMES.get(response or "", ""),
        "sections": sections, "health": health_measures(response or ""), "effect": effect,
        "deadlines": deadlines, "open_deadlines": [d for d in deadlines if d.open],
        "recipients": REPORT_RECIPIENTS, "confirmations": duty_current(warning) if warning.status == Warning.Status.ACTIVE else [],
    }


def written_report_mark_sent(*, actor, warning_id: int, note: str = "") -> int:
    """The office has sent the §5.4 written report: the open WRITTEN_REPORT deadlines of the warning are met."""
    with transaction.atomic():
        warning = Warning.objects.select_for_update().get(pk=warning_id)
        keys = list(Deadline.objects.filter(warning=warning, kind=DeadlineKind.WRITTEN_REPORT, met_at__isnull=True,
                                            cancelled_at__isnull=True).values_list("key", flat=True))
        if not keys:
            raise WarningError("该预警没有待报送的书面报告。")
        now = timezone.now()
        met = sum(deadline_meet(key=key, at=now) for key in keys)
        audit_record(actor=actor, action="alerts.report.submitted", target=warning,
                     data={"deadlines": keys, "recipients": REPORT_RECIPIENTS, "note": note.strip()[:500]})
    return met
