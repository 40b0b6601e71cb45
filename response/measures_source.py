"""Where the orders take the measures of a response level from (§5.3): the one place that knows.
The measures app holds them (loaded with the plan), each with its responsible member units."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from measures.selectors import measures_for_level as selector

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeasureText:
    category: str
    title: str
    text: str
    units: frozenset[str]  # member unit slugs responsible; empty: every unit

    def as_dict(self, *, general: bool) -> dict:
        return {"category": self.category, "title": self.title, "text": self.text, "general": general}


def measures_for_level(level: str, *, ozone: bool = False) -> list[MeasureText]:
    """The measures of a response level (III, II, I), in the plan's order; ``ozone`` adds the
    ozone measures (§5.3.4)."""
    items = [
        MeasureText(m.category, m.title, m.text, frozenset(unit.slug for unit in m.units.all()))
        for m in selector(level, ozone=ozone)
    ]
    if not items:
        log.warning("no response measures for level %s: has the plan been loaded (manage.py load_plan)?", level)
    return items


def measures_for_unit(
    level: str, unit_slug: str, *, ozone: bool = False, measures: list[MeasureText] | None = None
) -> list[dict]:
    """What an order to one unit lists: the measures it is responsible for, then the general ones
    (no unit named: every unit carries them out). ``measures``: the level's list, read once."""
    own, general = [], []
    for measure in measures if measures is not None else measures_for_level(level, ozone=ozone):
        if not measure.units:
            general.append(measure.as_dict(general=True))
        elif unit_slug in measure.units:
            own.append(measure.as_dict(general=False))
    return own + general
