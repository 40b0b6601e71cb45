"""Pure rules of supervision (plan §7.2, §7.3): no ORM, no request, no settings.

- the heating season (采暖期) a day falls in, from a span written "MM-DD:MM-DD" (the same format
  as the HEATING_SEASON setting; default 1 November to 31 March);
- repeat offenders (屡查屡犯, §7.2): the same enterprise or site found violating again within the
  same response or the same heating season;
- where a tip-off goes (§7.3 with the division of duties of 附件2): the member unit responsible
  for its kind, and for open burning the government of its area.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from forecasts.domain import season as heating

DEFAULT_HEATING_SEASON = heating.DEFAULT


def heating_season_of(day: dt.date, span: str = DEFAULT_HEATING_SEASON) -> str | None:
    """The heating season ``day`` lies in, named by its years ("2026-2027"), or None outside it
    (forecasts.domain.season: the one reading of the HEATING_SEASON setting)."""
    return heating.season_name(heating.parse(span), day)


# ----------------------------------------------------------------------------- repeat offenders


def site_key(*, enterprise_id: int | None, name: str, county: str | None) -> str:
    """Who was found: an enterprise of the registry by its id; otherwise the site by its written
    name (spaces and case ignored) within its county."""
    if enterprise_id is not None:
        return f"enterprise:{enterprise_id}"
    cleaned = re.sub(r"\s+", "", name or "").casefold()
    return f"site:{county or ''}:{cleaned}" if cleaned else ""


@dataclass(frozen=True)
class Violation:
    """One inspection that found a violation."""

    inspection_id: int
    key: str  # site_key(...)
    day: dt.date
    response_id: int | None


@dataclass
class RepeatOffender:
    """A key found violating at least twice in one response or one heating season."""

    key: str
    inspection_ids: set[int] = field(default_factory=set)
    responses: set[int] = field(default_factory=set)  # the responses it repeated in
    seasons: set[str] = field(default_factory=set)  # the heating seasons it repeated in


def repeat_offenders(
    violations: Iterable[Violation], *, season: str = DEFAULT_HEATING_SEASON
) -> dict[str, RepeatOffender]:
    """屡查屡犯 (§7.2): by key, those found violating again within the same response or the same
    heating season; each with the inspections that make it a repeat (all of that response's or
    season's, the first finding included)."""
    by_response: dict[tuple[str, int], set[int]] = defaultdict(set)
    by_season: dict[tuple[str, str], set[int]] = defaultdict(set)
    for v in violations:
        if not v.key:
            continue
        if v.response_id is not None:
            by_response[(v.key, v.response_id)].add(v.inspection_id)
        name = heating_season_of(v.day, season)
        if name is not None:
            by_season[(v.key, name)].add(v.inspection_id)
    found: dict[str, RepeatOffender] = {}
    for (key, response_id), ids in by_response.items():
        if len(ids) > 1:
            offender = found.setdefault(key, RepeatOffender(key))
            offender.inspection_ids |= ids
            offender.responses.add(response_id)
    for (key, name), ids in by_season.items():
        if len(ids) > 1:
            offender = found.setdefault(key, RepeatOffender(key))
            offender.inspection_ids |= ids
            offender.seasons.add(name)
    return found


# ----------------------------------------------------------------------------- tip-off routing

#: The area's own government (各县区人民政府及开发区管委会), for what 附件2 gives them.
AREA_GOVERNMENT = "<area>"

#: Kind of tip-off → the member unit (slug of command.MemberUnit) that answers it (附件2):
#: industrial emissions: 市生态环境局 (加大应急期间大气污染源执法检查力度); dust from building sites:
#: 市住房和城乡建设局 (施工工地的扬尘污染防治); vehicles on the road: 市交警支队 (车辆禁行限行);
#: fireworks: 市公安局 (烟花爆竹的禁限放); open burning and barbecues: the area's government
#: (露天烧烤、秸秆露天焚烧). "Other" has no owner: the office routes it by hand.
TIPOFF_ROUTES: Mapping[str, str | None] = {
    "enterprise": "shengtai",
    "dust": "zhujian",
    "vehicle": "jiaojing",
    "fireworks": "gongan",
    "burning": AREA_GOVERNMENT,
    "other": None,
}


def tipoff_route(category: str, area_code: str | None, area_governments: Mapping[str, str]) -> str | None:
    """The slug of the member unit a tip-off goes to, or None when the office must choose:
    ``area_governments`` maps an area code to its government's unit slug."""
    target = TIPOFF_ROUTES.get(category)
    if target == AREA_GOVERNMENT:
        return area_governments.get(area_code or "")
    return target
