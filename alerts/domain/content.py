"""What a warning says (预警信息主要内容, plan §4.2.3 and §5.5; warning-rules.md §11), as a value
and as the texts the approval form (附件5), the public message and the SMS carry.

Pure: no ORM, no request. The services build a :class:`WarningContent` from a form or from an
evaluation's ``warning_content`` and ask here what is missing before submit and what the texts say.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# 污染程度 comes from the one HJ 633 category table (forecasts.domain.categories).
from forecasts.domain.categories import degree_text as degree_text

from .lifecycle import LEVEL_NAMES, RESPONSE, RESPONSE_NAMES, SHANGHAI, Action, Level

#: Shown in a drafted text where the data did not give a value: the office enters it.
TO_FILL = "（待办公室填写）"

#: The §11 fields in the order the form lists them, with the names a refusal uses.
FIELD_NAMES: dict[str, str] = {
    "weather_trend": "气象条件变化趋势",
    "pollution_start": "重污染天气发生时间（起）",
    "pollution_end": "重污染天气发生时间（止）",
    "aqi_low": "AQI 范围（低）",
    "aqi_high": "AQI 范围（高）",
    "degree": "污染程度",
    "primary_pollutant": "首要污染物",
    "affected_areas": "影响区域",
}
#: What a lift must say: the weather trend; its effective end is the form's effective time, always set.
LIFT_FIELDS = ("weather_trend",)
#: The §11 fields a lift does not carry (the episode: times, AQI, degree, pollutant, areas).
EPISODE_FIELDS = tuple(name for name in FIELD_NAMES if name not in LIFT_FIELDS)
#: The texts the office writes on a form beside the §11 fields.
FORM_TEXTS = ("basis", "content", "public_message", "department_opinion")
#: What the office edits on a draft, in the order its form shows it.
DRAFT_FIELDS = (
    "effective_on_publication",
    "effective_at",
    "episode_end",
    *FIELD_NAMES,
    *FORM_TEXTS,
    "provincial_consent",
)

HEALTH_ADVICE = "请儿童、老年人和呼吸道、心脑血管疾病患者尽量留在室内，一般人群减少户外活动。"


def range_text(low: int | None, high: int | None) -> str:
    """ "150～240" (one number when the ends are equal or only one is known)."""
    ends = [str(v) for v in (low, high) if v is not None]
    if len(ends) == 2 and ends[0] == ends[1]:
        return ends[0]
    return "～".join(ends)


def parse_range(text: str) -> tuple[int | None, int | None]:
    """ "150～240" / "150-240" / "240" → (150, 240) / (240, 240); (None, None) when no number."""
    numbers = [int(n) for n in re.findall(r"\d+", text or "")]
    if not numbers:
        return None, None
    return min(numbers), max(numbers)


@dataclass(frozen=True)
class WarningContent:
    """The §11 fields of one approval form. ``effective_at`` None: on publication (§12)."""

    weather_trend: str = ""
    pollution_start: dt.datetime | None = None
    pollution_end: dt.datetime | None = None
    aqi_low: int | None = None
    aqi_high: int | None = None
    degree: str = ""
    primary_pollutant: str = ""
    areas: tuple[tuple[str, str], ...] = field(default=())  # (code, name)
    effective_at: dt.datetime | None = None
    #: §12: signed before its effective time, the warning says when it will start or end ("将于…").
    announced: bool = False

    @property
    def aqi_range(self) -> str:
        return range_text(self.aqi_low, self.aqi_high)

    @property
    def area_codes(self) -> list[str]:
        return [code for code, _ in self.areas]


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list):
        return not value
    return False


def missing_fields(action: str, content: WarningContent) -> list[str]:
    """The names of the §11 fields a form of ``action`` still lacks (empty: it may be submitted)."""
    names = LIFT_FIELDS if Action(action) == Action.LIFT else tuple(FIELD_NAMES)
    return [
        FIELD_NAMES[name]
        for name in names
        if _blank(content.areas if name == "affected_areas" else getattr(content, name))
    ]


def missing_message(missing: list[str]) -> str:
    return "提交前请填写：" + "、".join(missing)


def _clock(value: dt.datetime | None) -> str:
    if value is None:
        return TO_FILL
    return value.astimezone(SHANGHAI).strftime("%Y年%m月%d日%H时")


def _period(c: WarningContent) -> str:
    if c.pollution_start is None and c.pollution_end is None:
        return TO_FILL
    return f"{_clock(c.pollution_start)}至{_clock(c.pollution_end)}"


def _areas(c: WarningContent) -> str:
    return "、".join(name for _, name in c.areas) or TO_FILL


def _trend(c: WarningContent) -> str:
    return c.weather_trend.strip().rstrip("。；;.") or TO_FILL


def _effective(c: WarningContent, *, lift: bool = False) -> str:
    if c.effective_at is None:
        return "预警解除信息发布时" if lift else "预警信息发布时"
    return _clock(c.effective_at)


def _pollution(c: WarningContent) -> str:
    """ "首要污染物：PM10，AQI 150～240" (the plan's order: degree, pollutant, range)."""
    return f"首要污染物：{c.primary_pollutant.strip() or TO_FILL}，AQI {c.aqi_range or TO_FILL}"


def _lifted(from_level: str) -> tuple[str, str]:
    """The level and the response a lift ends ("预警" / "应急响应" when not known)."""
    try:
        level = Level(from_level)
    except ValueError:
        return "预警", "应急响应"
    return LEVEL_NAMES[level], RESPONSE_NAMES.get(RESPONSE.get(level, ""), "应急响应")


def content_text(*, action: str, level: str, from_level: str, content: WarningContent) -> str:
    """预警发布（解除）信息主要内容 of 附件5, from the §11 fields (plan §4.2.3's list, in its order)."""
    c = content
    if Action(action) == Action.LIFT:
        old, response = _lifted(from_level)
        return (
            f"一、全市未来气象条件变化趋势：{_trend(c)}。\n"
            "二、经监测和预测，全市空气质量已改善或将改善至优良水平，且预测将持续 36 小时以上。\n"
            f"三、解除时间：{_effective(c, lift=True)}。解除重污染天气{old}，终止{response}，"
            "各成员单位通知采取响应措施的单位终止响应。"
        )
    response = RESPONSE_NAMES[RESPONSE[Level(level)]]
    return (
        f"一、全市未来气象条件变化趋势：{_trend(c)}。\n"
        f"二、重污染天气发生时间：{_period(c)}。\n"
        f"三、影响区域：{_areas(c)}。\n"
        f"四、污染程度：{c.degree or TO_FILL}；{_pollution(c)}。\n"
        f"五、预警等级：{LEVEL_NAMES[Level(level)]}；响应级别：{response}。\n"
        f"六、响应启动时间：{_effective(c)}。各成员单位、各县区人民政府及开发区管委会按照{response}要求"
        "立即启动应急响应措施。"
    )


def facts_text(*, action: str, level: str, from_level: str, content: WarningContent) -> str:
    """One paragraph stating level, response level, its time, the areas, the period, the AQI range,
    the degree and the primary pollutant: what every SMS and the public text begin with."""
    c = content
    if Action(action) == Action.LIFT:
        old, response = _lifted(from_level)
        when = f"将于{_effective(c, lift=True)}" if c.announced else f"自{_effective(c, lift=True)}起"
        text = f"阳泉市重污染天气应急指挥部{when}解除重污染天气{old}，终止{response}。"
        if c.weather_trend.strip():
            text += f"气象条件：{_trend(c)}。"
        return text
    verb = {Action.ISSUE: "发布", Action.UPGRADE: "将预警升级为", Action.DOWNGRADE: "将预警降级为"}[Action(action)]
    response = RESPONSE_NAMES[RESPONSE[Level(level)]]
    return (
        f"阳泉市重污染天气应急指挥部{verb}重污染天气{LEVEL_NAMES[Level(level)]}，"
        f"{'将于' if c.announced else '自'}{_effective(c)}起启动{response}。"
        f"影响区域：{_areas(c)}；重污染天气发生时间：{_period(c)}；"
        f"污染程度：{c.degree or TO_FILL}，{_pollution(c)}。"
    )


def public_text(*, action: str, level: str, from_level: str, content: WarningContent) -> str:
    """The public message drafted from the §11 fields (the office may rewrite it)."""
    facts = facts_text(action=action, level=level, from_level=from_level, content=content)
    if Action(action) == Action.LIFT:
        return facts
    return facts + HEALTH_ADVICE
