"""The plan's revision clock (预案修订, plan §9.1.4) and the training checks, pure: no ORM, no request.

《阳泉市重污染天气应急预案》 is revised every three years (每3年修订1次) and, when one of the listed
situations occurs, promptly (应当及时进行预案修订). The plan sets no period for "promptly"; the
clock gives an open situation ``trigger_days`` (default 90, settings.UPKEEP_TRIGGER_REVISION_DAYS)
from the day it occurred, and the due date is whichever comes first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

REVISION_YEARS = 3
DEFAULT_TRIGGER_DAYS = 90
#: Within this many days of the due date the clock warns (amber) before it is overdue (red).
SOON_DAYS = 90


@dataclass(frozen=True)
class Edition:
    number: str
    title: str
    issued_on: dt.date


#: The edition in force when nothing else is recorded: 阳政办发〔2023〕85号, issued 2023-11-28.
BASE_EDITION = Edition(number="阳政办发〔2023〕85号", title="阳泉市重污染天气应急预案", issued_on=dt.date(2023, 11, 28))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Clock:
    """When the plan is next due for revision, and why."""

    issued_on: dt.date
    regular_due: dt.date  # issued + 3 years
    due: dt.date
    by_trigger: bool  # an open situation brought the date forward
    trigger_on: dt.date | None  # the day the earliest open situation occurred
    days_left: int  # negative when overdue
    state: str  # "ok", "soon" or "overdue"

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def revision_clock(
    *, issued_on: dt.date, open_triggers_on: list[dt.date], today: dt.date, trigger_days: int = DEFAULT_TRIGGER_DAYS
) -> Clock:
    """The next revision: three years after the edition was issued, or ``trigger_days`` after the
    earliest open situation if that is sooner. Situations before the edition's issue still count
    while they are open (the new edition did not address them)."""
    regular = add_years(issued_on, REVISION_YEARS)
    due, by_trigger, first = regular, False, None
    if open_triggers_on:
        first = min(open_triggers_on)
        sooner = first + dt.timedelta(days=trigger_days)
        if sooner < regular:
            due, by_trigger = sooner, True
    left = (due - today).days
    state = "overdue" if left < 0 else "soon" if left <= SOON_DAYS else "ok"
    return Clock(
        issued_on=issued_on,
        regular_due=regular,
        due=due,
        by_trigger=by_trigger,
        trigger_on=first,
        days_left=left,
        state=state,
    )


def training_problems(
    *, attendee_count: int, assessment: str, assessed_count: int | None, passed_count: int | None
) -> list[str]:
    """What does not add up in a training's figures (Chinese, for the person who entered them)."""
    problems = []
    if attendee_count < 1:
        problems.append("参训人数至少为 1。")
    if assessment == "none":
        if assessed_count or passed_count:
            problems.append("未考核的培训不填写考核人数和合格人数。")
        return problems
    if assessed_count is None:
        problems.append("请填写参加考核人数。")
    elif assessed_count > attendee_count:
        problems.append("参加考核人数不能多于参训人数。")
    if passed_count is None:
        problems.append("请填写考核合格人数。")
    elif assessed_count is not None and passed_count > assessed_count:
        problems.append("考核合格人数不能多于参加考核人数。")
    return problems
