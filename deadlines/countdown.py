"""The countdown shown beside every deadline, in words (剩余 1小时05分 / 已超时 12分): the same text
static/js/countdown.js keeps up to date in the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Remaining:
    """The countdown of a deadline at one moment, as words (剩余 1小时05分 / 已超时 12分)."""

    seconds: int
    overdue: bool
    text: str


def duration_text(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(days)d天%(hours)d小时%(minutes)02d分") % {"days": days, "hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d小时%(minutes)02d分") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d分%(seconds)02d秒") % {"minutes": minutes, "seconds": secs}


def remaining(due: dt.datetime, now: dt.datetime | None = None) -> Remaining:
    now = now or timezone.now()
    seconds = int((due - now).total_seconds())
    if seconds >= 0:
        return Remaining(seconds, False, _("剩余 %(duration)s") % {"duration": duration_text(seconds)})
    return Remaining(seconds, True, _("已超时 %(duration)s") % {"duration": duration_text(-seconds)})
