"""The heating season (采暖期, plan §4.2.1: a consultation every day of it; warning-rules.md §9):
a span of the calendar year written "MM-DD:MM-DD", both days included, that may run over the new
year ("11-01:03-31", the default: 1 November to 31 March).

Pure: no ORM, no settings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DEFAULT = "11-01:03-31"  # the plan's heating season: 1 November to 31 March
_SPAN = re.compile(r"(\d{2})-(\d{2}):(\d{2})-(\d{2})")
_LEAP_YEAR = 2024  # 29 February is a day a season may start or end on


@dataclass(frozen=True)
class Season:
    start: tuple[int, int]  # (month, day), first day
    end: tuple[int, int]  # (month, day), last day

    def __str__(self) -> str:
        return f"{self.start[0]:02d}-{self.start[1]:02d}:{self.end[0]:02d}-{self.end[1]:02d}"


def parse(text: str) -> Season:
    """ "11-01:03-31" → Season((11, 1), (3, 31)); ValueError for anything else."""
    match = _SPAN.fullmatch((text or "").strip())
    if match is None:
        raise ValueError(f"heating season {text!r}: expected MM-DD:MM-DD, e.g. 11-01:03-31")
    start_month, start_day, end_month, end_day = (int(part) for part in match.groups())
    for month, day in ((start_month, start_day), (end_month, end_day)):
        try:
            dt.date(_LEAP_YEAR, month, day)
        except ValueError as exc:
            raise ValueError(f"heating season {text!r}: {month:02d}-{day:02d} is not a day of the year") from exc
    return Season((start_month, start_day), (end_month, end_day))


def contains(season: Season, day: dt.date) -> bool:
    """Whether ``day`` lies in the season (both ends included; a season over the new year wraps)."""
    today = (day.month, day.day)
    if season.start <= season.end:
        return season.start <= today <= season.end
    return today >= season.start or today <= season.end


def season_name(season: Season, day: dt.date) -> str | None:
    """The season ``day`` lies in, named by its years ("2026-2027" for 1 Nov 2026 to 31 Mar 2027),
    or None outside it; a season within one calendar year is named by that year."""
    if not contains(season, day):
        return None
    if season.start <= season.end:
        return str(day.year)
    first = day.year if (day.month, day.day) >= season.start else day.year - 1
    return f"{first}-{first + 1}"
