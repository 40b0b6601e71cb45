"""What a published warning says, on every channel: the public text of a form, the SMS, the §11
content as the public page and its API give it, and the HJ 633 advice that goes with a level."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from alerts.domain.content import HEALTH_ADVICE, facts_text, public_text
from alerts.domain.lifecycle import LEVEL_NAMES, RESPONSE, RESPONSE_NAMES, SHANGHAI, Action, Level
from alerts.drafting import form_content
from alerts.models import ApprovalForm
from forecasts.domain.categories import EDITION_2012, EDITION_2026, Category, category_for

HJ633_2026_IN_FORCE = dt.datetime(2026, 3, 1, tzinfo=SHANGHAI)
#: The AQI that stands for a level when the warning gives no AQI range (warning-rules.md §4: every
#: level holds with windows above 200, red with one above 300).
LEVEL_AQI = {Level.YELLOW: 201, Level.ORANGE: 201, Level.RED: 301}


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日%H时%M分") if value else "—"


def warning_link(warning_id: int) -> str:
    """The staff page of a warning (route alerts:warning, /warnings/<id>/)."""
    return reverse("alerts:warning", args=[warning_id])


def form_message(form: ApprovalForm) -> str:
    """The public text of a form: its own, or one built from the form's facts — never the warning's,
    which a later form changes (a CAP alert must read the same whenever it is fetched)."""
    if form.public_message.strip():
        return form.public_message.strip()
    content = form_content(form, published=True)
    if content.weather_trend or content.areas:  # a form that carries what the warning says (§11)
        return public_text(action=form.action, level=form.level, from_level=form.from_level, content=content)
    ahead = announced(form)
    if form.action == Action.LIFT:
        when = f"将于{_local(form.effective_at)}" if ahead else f"自{_local(form.effective_at)}起"
        return (
            f"阳泉市重污染天气应急指挥部：全市空气质量已明显改善，{when}解除"
            f"重污染天气{LEVEL_NAMES[Level(form.from_level)]}，终止应急响应。"
        )
    verb = {Action.ISSUE: "发布", Action.UPGRADE: "将预警升级为", Action.DOWNGRADE: "将预警降级为"}[Action(form.action)]
    return (
        f"阳泉市重污染天气应急指挥部{verb}重污染天气{LEVEL_NAMES[Level(form.level)]}，"
        f"{'将于' if ahead else '自'}{_local(form.effective_at)}起启动{RESPONSE_NAMES[RESPONSE[Level(form.level)]]}。"
    )


def announced(form: ApprovalForm) -> bool:
    """Signed before its effective time (warning-rules.md §12): the texts say "将于…"; fixed by the
    form's own times, so a text reads the same whenever it is built."""
    return form.decided_at is not None and form.effective_at > form.decided_at


def announcement_text(form: ApprovalForm) -> str:
    """The public page's line for a decision announced and not in force yet: "将于…起启动" / "将于…解除"."""
    when = _local(form.effective_at)
    if form.action == Action.LIFT:
        return f"重污染天气{LEVEL_NAMES[Level(form.from_level)]}将于{when}解除，终止应急响应。"
    verb = {Action.ISSUE: "发布", Action.UPGRADE: "升级为", Action.DOWNGRADE: "降级为"}[Action(form.action)]
    return (
        f"已{verb}重污染天气{LEVEL_NAMES[Level(form.level)]}，"
        f"将于{when}起启动{RESPONSE_NAMES[RESPONSE[Level(form.level)]]}。"
    )


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
