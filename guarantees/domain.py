"""Pure readings of the guarantees (plan §8): who is on duty now and until when, and whether a
contact entry is overdue for confirmation. No ORM, no request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

#: Days after which an unconfirmed contact entry is flagged to the office (settings.GUARANTEES_CONTACT_STALE_DAYS).
DEFAULT_STALE_DAYS = 90


@dataclass(frozen=True)
class Coverage:
    """On duty now (who), and until when the duty runs without a break (chained slots)."""

    on_duty: bool
    until: dt.datetime | None
    next_start: dt.datetime | None


def coverage(slots: Iterable[tuple[dt.datetime, dt.datetime]], now: dt.datetime) -> Coverage:
    """Slots are (start, end) with end exclusive. Someone is on duty when a slot holds ``now``;
    ``until`` follows slots that overlap or touch to the end of the unbroken duty; with nobody on
    duty, ``next_start`` is when the next slot begins (None: nobody is planned)."""
    ordered = sorted((s, e) for s, e in slots if e > s)
    until: dt.datetime | None = None
    for start, end in ordered:
        if until is None:
            if start <= now < end:
                until = end
        elif start <= until:
            until = max(until, end)
    if until is not None:
        return Coverage(True, until, None)
    upcoming = [s for s, _ in ordered if s > now]
    return Coverage(False, None, min(upcoming) if upcoming else None)


def is_stale(confirmed_at: dt.datetime | None, now: dt.datetime, days: int = DEFAULT_STALE_DAYS) -> bool:
    """Never confirmed, or confirmed more than ``days`` days ago."""
    return confirmed_at is None or now - confirmed_at > dt.timedelta(days=days)
