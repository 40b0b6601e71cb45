"""The areas of the plan (warning-rules.md §1): the city and its county-level areas (县区).

The warning level (预警级别, plan §3.1) is decided on the city series; the SO2 check (plan §3.3,
二氧化硫浓度指标预警) runs on every area. Files name an area by its Chinese name, a short name or
its GB/T 2260 code; the development zone has no GB/T 2260 code and is keyed ``kfq``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Area:
    """One area (区域) of Yangquan."""

    code: str  # GB/T 2260 code, or "kfq" for the development zone
    name: str  # full name, as the plan writes it
    short_name: str
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_city(self) -> bool:
        return self.code == CITY_CODE


CITY_CODE = "140300"

AREAS: tuple[Area, ...] = (
    Area("140300", "阳泉市", "全市", ("阳泉", "阳泉市区域", "yangquan")),
    Area("140302", "城区", "城区", ("阳泉市城区",)),
    Area("140303", "矿区", "矿区", ("阳泉市矿区",)),
    Area("140311", "郊区", "郊区", ("阳泉市郊区",)),
    Area("140321", "平定县", "平定", ("阳泉市平定县",)),
    Area("140322", "盂县", "盂县", ("阳泉市盂县",)),
    Area(
        "kfq",
        "阳泉经济技术开发区",
        "开发区",
        ("经济技术开发区", "阳泉开发区", "经开区", "阳泉经开区", "阳泉经济开发区"),
    ),
)

CITY: Area = AREAS[0]

_BY_KEY: dict[str, Area] = {}
for _area in AREAS:
    for _key in (_area.code, _area.name, _area.short_name, *_area.aliases):
        _BY_KEY[_key.casefold()] = _area

_INTEGRAL_FLOAT = re.compile(r"^(\d+)\.0+$")


def resolve_area(text: object) -> Area | None:
    """The area a file names by ``text`` (name, short name or code), ``None`` when unknown.

    An empty value is not resolved here: the reader maps a missing area to the city.
    Codes read from spreadsheets as numbers (``140300`` or ``140300.0``) are accepted.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        return None
    if isinstance(text, float):
        if math.isnan(text) or not text.is_integer():
            return None
        text = int(text)
    key = re.sub(r"\s+", "", str(text)).casefold()
    match = _INTEGRAL_FLOAT.match(key)
    if match:
        key = match.group(1)
    return _BY_KEY.get(key)


def area_by_code(code: str) -> Area:
    """The area of a known code; ``KeyError`` otherwise."""
    for area in AREAS:
        if area.code == code:
            return area
    raise KeyError(code)
