"""AQI categories (空气质量指数级别与类别) of HJ 633, each edition with its own wording.

HJ 633—2012 table 2 and HJ 633—2026 give six levels (一级 … 六级), the category names
(优, 良, 轻度污染, 中度污染, 重度污染, 严重污染), the colours of annex A (表示颜色), the health
effects (对健康影响情况) and the advice (建议采取的措施). 2026 rewrote the wording of the health
texts (易感人群 → 敏感人群, 儿童 → 青少年儿童, 心脏病 → 心血管系统疾病); the bands and colours
did not change, except that 2026 writes the first band as 1–50 (an AQI of 0 is still 优 here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EDITION_2012 = "HJ 633—2012"
EDITION_2026 = "HJ 633—2026"


@dataclass(frozen=True)
class Category:
    """One AQI category (空气质量指数类别) of one edition."""

    number: int  # 1–6
    level: str  # 指数级别: 一级 … 六级
    name: str  # 类别: 优, 良, 轻度污染, 中度污染, 重度污染, 严重污染
    english_name: str
    colour: str  # 表示颜色: 绿色, 黄色, 橙色, 红色, 紫色, 褐红色
    rgb: tuple[int, int, int]
    hex: str
    aqi_min: int  # lowest AQI of the band as printed by the edition
    aqi_max: int | None  # highest AQI of the band; None for "> 300"
    health_effect: str  # 对健康影响情况
    advice: str  # 建议采取的措施


# (number, level, name, english, colour, rgb, hex, low, high)
_BANDS: tuple[tuple[int, str, str, str, str, tuple[int, int, int], str, int, int | None], ...] = (
    (1, "一级", "优", "Excellent", "绿色", (0, 228, 0), "#00E400", 0, 50),
    (2, "二级", "良", "Good", "黄色", (255, 255, 0), "#FFFF00", 51, 100),
    (3, "三级", "轻度污染", "Lightly polluted", "橙色", (255, 126, 0), "#FF7E00", 101, 150),
    (4, "四级", "中度污染", "Moderately polluted", "红色", (255, 0, 0), "#FF0000", 151, 200),
    (5, "五级", "重度污染", "Heavily polluted", "紫色", (153, 0, 76), "#99004C", 201, 300),
    (6, "六级", "严重污染", "Severely polluted", "褐红色", (126, 0, 35), "#7E0023", 301, None),
)

_TEXTS_2012: tuple[tuple[str, str], ...] = (
    ("空气质量令人满意，基本无空气污染", "各类人群可正常活动"),
    (
        "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
        "极少数异常敏感人群应减少户外活动",
    ),
    (
        "易感人群症状有轻度加剧，健康人群出现刺激症状",
        "儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
    ),
    (
        "进一步加剧易感人群症状，可能对健康人群心脏、呼吸系统有影响",
        "儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动",
    ),
    (
        "心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
        "儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动",
    ),
    (
        "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
        "儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
    ),
)

_TEXTS_2026: tuple[tuple[str, str], ...] = (
    ("空气质量令人满意，基本无空气污染", "各类人群可正常活动"),
    (
        "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
        "极少数异常敏感人群应减少户外活动",
    ),
    (
        "敏感人群症状有轻度加剧，健康人群出现刺激症状",
        "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
    ),
    (
        "进一步加剧敏感人群症状，可能对健康人群心血管系统、呼吸系统有影响",
        "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动",
    ),
    (
        "心血管系统和呼吸系统患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
        "青少年儿童、老年人和心血管系统疾病、呼吸系统疾病患者应停留在室内，停止户外运动，一般人群减少户外运动",
    ),
    (
        "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
        "青少年儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
    ),
)


def _build(texts: tuple[tuple[str, str], ...], first_min: int) -> list[Category]:
    categories = []
    for band, (effect, advice) in zip(_BANDS, texts, strict=True):
        number, level, name, english, colour, rgb, hex_, low, high = band
        categories.append(
            Category(
                number=number,
                level=level,
                name=name,
                english_name=english,
                colour=colour,
                rgb=rgb,
                hex=hex_,
                aqi_min=first_min if number == 1 else low,
                aqi_max=high,
                health_effect=effect,
                advice=advice,
            )
        )
    return categories


CATEGORIES: dict[str, list[Category]] = {
    EDITION_2012: _build(_TEXTS_2012, first_min=0),
    EDITION_2026: _build(_TEXTS_2026, first_min=1),
}

# Upper AQI bounds of categories 1–5; above the last one is category 6.
UPPER_BOUNDS: tuple[int, ...] = (50, 100, 150, 200, 300)

CATEGORY_NAMES: tuple[str, ...] = tuple(band[2] for band in _BANDS)


def category_number(aqi: float) -> int | None:
    """The category number 1–6 of an AQI; ``None`` for a missing or negative AQI.

    Bands are closed at the top (50 is 优, 50.5 and 51 are 良), so a non-integer AQI such as a
    24-hour mean of hourly AQIs falls in the band of "AQI > 50", "AQI > 100", … as the plan reads.
    """
    if aqi is None or (isinstance(aqi, float) and math.isnan(aqi)) or aqi < 0:
        return None
    for number, upper in enumerate(UPPER_BOUNDS, start=1):
        if aqi <= upper:
            return number
    return 6


def category_for(aqi: float, edition: str) -> Category | None:
    """The :class:`Category` of an AQI under an edition (``"HJ 633—2012"``/``"HJ 633—2026"``,
    or ``"2012"``/``"2026"``); ``None`` when the AQI is missing."""
    number = category_number(aqi)
    if number is None:
        return None
    return CATEGORIES[_edition_key(edition)][number - 1]


def _edition_key(edition: str) -> str:
    text = str(edition).replace(" ", "").replace("-", "—").replace("–", "—")
    if text.endswith("2012"):
        return EDITION_2012
    if text.endswith("2026"):
        return EDITION_2026
    raise ValueError(f"未知的 HJ 633 版本：{edition!r}")


def degree_text(low: float | None, high: float | None, edition: str = EDITION_2026) -> str:
    """污染程度 of an AQI range (warning-rules.md §11): the HJ 633 categories of its ends, as
    "重度污染" or "中度至重度污染"; one end alone names its category; "" when neither is known."""
    ends = [v for v in (low, high) if v is not None]
    if not ends:
        return ""
    first, last = category_for(min(ends), edition), category_for(max(ends), edition)
    if first is None or last is None:
        return ""
    if first.number == last.number:
        return last.name
    head = first.name.removesuffix("污染") if last.name.endswith("污染") else first.name
    return f"{head}至{last.name}"
