"""OASIS CAP 1.2 alerts for the approved forms, and an Atom index of them (plan §4.2.4: the warning
platform that other channels — the provincial release system, media, apps — read).

Identifier scheme (in the style of GB/T 35965.1 应急信息交互协议 第1部分：预警信息)::

    <sender code>_<sent, Beijing time, YYYYMMDDhhmmss>_<sequence, 4 digits>
    14030041600000_20261129080000_0001

- sender code: ``settings.CAP_SENDER_CODE``, 14 digits: the GB/T 2260 code of Yangquan (140300),
  then a 3-digit issuing-body code and a 5-digit serial, the shape GB/T 35965.1 gives sender codes.
  The default ``14030041600000`` is a placeholder for the body code; the one the provincial
  early-warning release centre assigns must be set before feeding the national platform. The same
  code is the alert's ``<sender>`` (CAP forbids spaces and commas there; a code has neither).
- sent: the approval time (``ApprovalForm.decided_at``) to the second, +08:00; it is also ``<sent>``.
- sequence: the form's place among the approved forms of its warning, in order of approval (0001 is
  the issue, 0002 the first upgrade, downgrade or lift, …).

Everything in the identifier is stored and never changes, so an alert is the same document every
time it is fetched, and a later Update (upgrade, downgrade) or Cancel (lift) references the one
before it as ``sender,identifier,sent`` exactly as published. ``<incidents>`` carries the issue's
identifier, tying the episode's alerts together.

Built with xml.etree (it escapes text and attributes); no lxml at run time.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from alerts.domain.lifecycle import LEVEL_NAMES, RESPONSE, RESPONSE_NAMES, SHANGHAI, Action, Level
from alerts.models import ApprovalForm
from forecasts.domain.areas import CITY_CODE
from measures.selectors import health_texts

from .texts import form_message, health_category

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MIME = "application/cap+xml"
CAP_FEED_CACHE_KEY = "cap:feed"
FEED_SIZE = 50

MSG_TYPE = {Action.ISSUE: "Alert", Action.UPGRADE: "Update", Action.DOWNGRADE: "Update", Action.LIFT: "Cancel"}
SEVERITY = {Level.YELLOW: "Moderate", Level.ORANGE: "Severe", Level.RED: "Extreme"}
LEVEL_EN = {Level.NONE: "no", Level.YELLOW: "yellow", Level.ORANGE: "orange", Level.RED: "red"}
RESPONSE_EN = {"III": "Level III", "II": "Level II", "I": "Level I"}
#: HJ 633 advice (建议采取的措施) in English, by category number.
ADVICE_EN = {
    3: "Children, the elderly and people with heart or respiratory disease should reduce prolonged or heavy outdoor exertion.",
    4: "Children, the elderly and people with heart or respiratory disease should avoid prolonged or heavy outdoor "
    "exertion; everyone else should reduce outdoor exercise.",
    5: "Children, the elderly and people with heart or lung disease should stay indoors and stop outdoor exercise; "
    "everyone else should reduce outdoor activity.",
    6: "Children, the elderly and the sick should stay indoors and avoid physical exertion; everyone else should "
    "avoid outdoor activity.",
}
AREA_ZH = "阳泉市"
AREA_EN = "Yangquan City, Shanxi Province"
#: The areas of warning-rules.md §1 in English; the development zone (kfq) has no GB/T 2260 code.
AREA_NAMES_EN = {
    CITY_CODE: AREA_EN,
    "140302": "Chengqu District, Yangquan",
    "140303": "Kuangqu District, Yangquan",
    "140311": "Jiaoqu District, Yangquan",
    "140321": "Pingding County, Yangquan",
    "140322": "Yu County, Yangquan",
    "kfq": "Yangquan Economic and Technological Development Zone",
}
NO_GEOCODE = {"kfq"}


def cap_forms() -> QuerySet[ApprovalForm]:
    """Approved forms (each one a published alert), newest first."""
    return (
        ApprovalForm.objects.filter(status=ApprovalForm.Status.APPROVED, decided_at__isnull=False)
        .select_related("warning")
        .prefetch_related("affected_areas")
        .order_by("-decided_at", "-id")
    )


def _earlier(form: ApprovalForm) -> QuerySet[ApprovalForm]:
    return ApprovalForm.objects.filter(warning_id=form.warning_id, status=ApprovalForm.Status.APPROVED).filter(
        Q(decided_at__lt=form.decided_at) | Q(decided_at=form.decided_at, id__lt=form.id)
    )


def _cap_time(value: dt.datetime) -> str:
    return value.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def alert_identifier(form: ApprovalForm) -> str:
    sequence = _earlier(form).count() + 1
    return f"{settings.CAP_SENDER_CODE}_{form.decided_at.astimezone(SHANGHAI):%Y%m%d%H%M%S}_{sequence:04d}"


def alert_reference(form: ApprovalForm) -> str:
    return f"{settings.CAP_SENDER_CODE},{alert_identifier(form)},{_cap_time(form.decided_at)}"


def public_page_url() -> str:
    """The public warning page (route ``public``, /public/), absolute."""
    return f"{settings.PUBLIC_BASE_URL}{reverse('public')}"


def alert_url(form: ApprovalForm) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('publication:cap-alert', args=[form.pk])}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, ns: str = CAP_NS) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _headlines(form: ApprovalForm) -> tuple[str, str]:
    level = Level(form.level)
    if form.action == Action.LIFT:
        old = Level(form.from_level)
        return (
            f"阳泉市解除重污染天气{LEVEL_NAMES[old]}",
            f"Yangquan lifts the {LEVEL_EN[old]} heavy air pollution warning",
        )
    if form.action == Action.ISSUE:
        return (
            f"阳泉市发布重污染天气{LEVEL_NAMES[level]}（{RESPONSE_NAMES[RESPONSE[level]]}）",
            f"Yangquan issues a {LEVEL_EN[level]} heavy air pollution warning ({RESPONSE_EN[RESPONSE[level]]} response)",
        )
    verb_zh, verb_en = ("升级", "upgraded") if form.action == Action.UPGRADE else ("降级", "downgraded")
    return (
        f"阳泉市重污染天气预警{verb_zh}为{LEVEL_NAMES[level]}（{RESPONSE_NAMES[RESPONSE[level]]}）",
        f"Yangquan heavy air pollution warning {verb_en} to {LEVEL_EN[level]} ({RESPONSE_EN[RESPONSE[level]]} response)",
    )


def _description_en(form: ApprovalForm) -> str:
    warning = form.warning
    when = timezone.localtime(form.effective_at).strftime("%Y-%m-%d %H:%M")
    if form.action == Action.LIFT:
        return (
            f"Air quality in Yangquan has improved. The Yangquan Heavy Air Pollution Emergency Command lifts the "
            f"{LEVEL_EN[Level(form.from_level)]} warning ({warning.number}) and ends the emergency response from {when} (UTC+8)."
        )
    level = Level(form.level)
    text = (
        f"The Yangquan Heavy Air Pollution Emergency Command has set a {LEVEL_EN[level]} heavy air pollution warning "
        f"({warning.number}); the {RESPONSE_EN[RESPONSE[level]]} emergency response starts at {when} (UTC+8)."
    )
    # The form's own facts (§11), so the alert reads the same whenever it is fetched.
    aqi_range = form.aqi_range or warning.aqi_range
    pollutant = form.primary_pollutant or warning.primary_pollutant
    if aqi_range:
        text += f" Expected AQI: {aqi_range.replace('～', '-')}."
    if pollutant:
        text += f" Primary pollutant: {pollutant}."
    areas = [AREA_NAMES_EN.get(a.code, a.name) for a in form.affected_areas.all()]
    if areas:
        text += f" Affected areas: {'; '.join(areas)}."
    if form.episode_end:
        text += f" The episode is expected to last until {timezone.localtime(form.episode_end):%Y-%m-%d %H:%M}."
    return text


def _instructions(form: ApprovalForm) -> tuple[str, str]:
    if form.action == Action.LIFT:
        return ("空气质量已改善，各类人群可恢复正常活动。", "Air quality has improved; normal activities may resume.")
    category = health_category(
        level=form.level, aqi_range=form.aqi_range or form.warning.aqi_range, when=form.decided_at
    )
    measures = health_texts(RESPONSE[Level(form.level)])[:2]
    zh = "；".join(filter(None, [category.advice if category else "", *[m.rstrip("。") for m in measures]])) + "。"
    en = ADVICE_EN.get(category.number if category else 5, ADVICE_EN[5])
    return zh, en


def _urgency(form: ApprovalForm) -> str:
    if form.action == Action.LIFT:
        return "Past"
    lead = form.effective_at - form.decided_at
    if lead <= dt.timedelta(0):
        return "Immediate"
    if lead <= dt.timedelta(hours=1):
        return "Expected"
    return "Future"


def _content_parameters(form: ApprovalForm, response: str) -> list[tuple[str, str]]:
    """What the warning says (warning-rules.md §11) as CAP parameters; blank fields are left out."""
    values = [
        ("RESPONSE_LEVEL", response),
        ("AQI_LOW", str(form.aqi_low) if form.aqi_low is not None else ""),
        ("AQI_HIGH", str(form.aqi_high) if form.aqi_high is not None else ""),
        ("PRIMARY_POLLUTANT", form.primary_pollutant),
        ("POLLUTION_DEGREE", form.degree),
        ("POLLUTION_START", _cap_time(form.pollution_start) if form.pollution_start else ""),
        ("POLLUTION_END", _cap_time(form.pollution_end) if form.pollution_end else ""),
        ("WEATHER_TREND", " ".join(form.weather_trend.split())),
    ]
    return [(name, value) for name, value in values if value]


def _areas(form: ApprovalForm) -> list[tuple[str, str, str]]:
    """(code, Chinese name, English name) of the form's affected areas; the city when it names none
    (a lift, or a form from before the areas were recorded)."""
    rows = [(a.code, a.name, AREA_NAMES_EN.get(a.code, a.name)) for a in form.affected_areas.all()]
    return rows or [(CITY_CODE, AREA_ZH, AREA_EN)]


def alert_element(form: ApprovalForm) -> ET.Element:
    """The CAP 1.2 <alert> of one approved form (two <info> blocks: zh-CN and en)."""
    if form.status != ApprovalForm.Status.APPROVED or form.decided_at is None:
        raise ValueError("only an approved form is an alert")
    warning = form.warning
    action = Action(form.action)
    alert = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(alert, "identifier", alert_identifier(form))
    _sub(alert, "sender", settings.CAP_SENDER_CODE)
    _sub(alert, "sent", _cap_time(form.decided_at))
    _sub(alert, "status", "Actual")
    _sub(alert, "msgType", MSG_TYPE[action])
    _sub(alert, "scope", "Public")
    earlier = list(_earlier(form).order_by("-decided_at", "-id"))
    if action != Action.ISSUE and earlier:
        _sub(alert, "references", alert_reference(earlier[0]))
    first = earlier[-1] if earlier else form
    _sub(alert, "incidents", alert_identifier(first))

    headline_zh, headline_en = _headlines(form)
    instruction_zh, instruction_en = _instructions(form)
    level = Level(form.level)
    severity = "Minor" if action == Action.LIFT else SEVERITY[level]
    response = RESPONSE.get(level, "none")
    # warning-rules.md §12: <effective> is when the alert is published (the signature), <onset> the
    # effective start (a lift's: its effective end, when the all-clear holds), <expires> the episode's
    # end as this form states it. An alert never changes once published (see the module's note): the
    # lift's effective end is its own Cancel alert's <onset>, which references this one.
    onset = form.effective_at
    expires = form.episode_end
    texts = [
        ("zh-CN", "重污染天气预警", headline_zh, form_message(form), instruction_zh, settings.CAP_SENDER_NAME, 1),
        (
            "en",
            "Heavy air pollution warning",
            headline_en,
            _description_en(form),
            instruction_en,
            "Yangquan Heavy Air Pollution Emergency Command",
            2,
        ),
    ]
    areas = _areas(form)
    for language, event, headline, description, instruction, sender_name, name_index in texts:
        info = _sub(alert, "info")
        _sub(info, "language", language)
        _sub(info, "category", "Env")
        _sub(info, "event", event)
        for response_type in ["AllClear"] if action == Action.LIFT else ["Avoid", "Execute"]:
            _sub(info, "responseType", response_type)
        _sub(info, "urgency", _urgency(form))
        _sub(info, "severity", severity)
        _sub(info, "certainty", "Likely")
        _sub(info, "effective", _cap_time(form.decided_at))
        _sub(info, "onset", _cap_time(onset))
        if action != Action.LIFT and expires and expires > onset:
            _sub(info, "expires", _cap_time(expires))
        _sub(info, "senderName", sender_name)
        _sub(info, "headline", headline)
        _sub(info, "description", description)
        _sub(info, "instruction", instruction)
        _sub(info, "web", public_page_url())
        parameters = [
            ("level", form.level),
            ("responseLevel", response),
            ("warningNumber", warning.number),
            *_content_parameters(form, response),
        ]
        for name, value in parameters:
            parameter = _sub(info, "parameter")
            _sub(parameter, "valueName", name)
            _sub(parameter, "value", value)
        for area_row in areas:
            area = _sub(info, "area")
            _sub(area, "areaDesc", area_row[name_index])
            if area_row[0] not in NO_GEOCODE:
                geocode = _sub(area, "geocode")
                _sub(geocode, "valueName", "GB/T 2260")
                _sub(geocode, "value", area_row[0])
    return alert


def alert_xml(form: ApprovalForm) -> bytes:
    return ET.tostring(alert_element(form), encoding="utf-8", xml_declaration=True, default_namespace=CAP_NS)


def _unqualified(element: ET.Element, namespace: str) -> ET.Element:
    """A copy of a tree in one namespace with plain tags and an xmlns attribute on its root, so it
    serialises as ``<alert xmlns="urn:…cap:1.2">`` inside the Atom document."""
    prefix = f"{{{namespace}}}"
    copy = ET.Element(element.tag.removeprefix(prefix), dict(element.attrib))
    copy.text, copy.tail = element.text, element.tail
    for child in element:
        copy.append(_unqualified(child, namespace))
    return copy


def _atom(parent: ET.Element | None, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.Element(tag, attributes) if parent is None else ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def feed_xml(forms: list[ApprovalForm] | None = None) -> bytes:
    """Atom 1.0 index of the published alerts, newest first; each entry links to its alert and
    carries it inline (content type application/cap+xml)."""
    forms = list(cap_forms()[:FEED_SIZE]) if forms is None else forms
    feed_url = f"{settings.PUBLIC_BASE_URL}{reverse('publication:cap-feed')}"
    feed = _atom(None, "feed", xmlns=ATOM_NS)
    _atom(feed, "id", feed_url)
    _atom(feed, "title", "阳泉市重污染天气预警 CAP 信息源")
    _atom(feed, "updated", _cap_time(forms[0].decided_at if forms else timezone.now()))
    _atom(_atom(feed, "author"), "name", settings.CAP_SENDER_NAME)
    _atom(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    _atom(feed, "link", rel="alternate", href=public_page_url(), type="text/html")
    for form in forms:
        url = alert_url(form)
        entry = _atom(feed, "entry")
        _atom(entry, "id", url)
        _atom(entry, "title", _headlines(form)[0])
        _atom(entry, "published", _cap_time(form.decided_at))
        _atom(entry, "updated", _cap_time(form.decided_at))
        _atom(_atom(entry, "author"), "name", settings.CAP_SENDER_NAME)
        _atom(entry, "link", rel="alternate", href=url, type=CAP_MIME)
        _atom(entry, "summary", form_message(form))
        content = _atom(entry, "content", type=CAP_MIME)
        alert = _unqualified(alert_element(form), CAP_NS)
        alert.set("xmlns", CAP_NS)
        content.append(alert)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
