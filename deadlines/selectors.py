"""Reads of the plan's clocks for the pages: open ones with their countdown, the clocks of a
warning or a form, the recently closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.domain import lifecycle as lc

from . import keys
from .countdown import remaining
from .models import Deadline

#: §7: a warning is issued 24 hours before its process starts (an issue_by clock is due then).
ISSUE_LEAD = dt.timedelta(hours=24)


def open_deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True).select_related(
        "warning", "form", "unit"
    )


def with_countdown(deadlines: Iterable[Deadline], now: dt.datetime | None = None) -> list[Deadline]:
    """The rows, each with its countdown (``remaining``), the plan's basis (``kind_basis``) and,
    for an ``issue_by`` clock, the start of its process (``process_start``: due + 24 h, §7)."""
    now = now or timezone.now()
    rows = list(deadlines)
    for d in rows:
        d.remaining = remaining(d.due_at, now)
        d.kind_basis = _(lc.DEADLINE_BASIS[lc.DeadlineKind(d.kind)])
        d.process_start = d.due_at + ISSUE_LEAD if d.kind == lc.DeadlineKind.ISSUE_BY else None
    return rows


def overdue_count(deadlines: Iterable[Deadline]) -> int:
    """How many of these rows (with their countdown) are overdue; a task without a limit never is."""
    return sum(1 for d in deadlines if d.remaining.overdue and d.escalates)


def running(now: dt.datetime | None = None) -> list[Deadline]:
    """Every open deadline with its countdown, soonest first."""
    return with_countdown(
        open_deadlines().select_related("provincial_notice", "evaluation").order_by("due_at", "pk"), now
    )


def recently_closed(limit: int) -> list[Deadline]:
    """The latest deadlines met or cancelled, each with ``late`` (met after its due time)."""
    closed = list(
        Deadline.objects.filter(Q(met_at__isnull=False) | Q(cancelled_at__isnull=False))
        .select_related("warning", "form", "unit", "provincial_notice")
        .order_by("-due_at", "-pk")[:limit]
    )
    for d in closed:
        d.late = bool(d.met_at and d.met_at > d.due_at)
    return closed


def _form_clock_keys(*, consultation_ids: Iterable[int] = (), notice_ids: Iterable[int] = ()) -> list[str]:
    return [keys.form_for_consultation(pk) for pk in consultation_ids if pk] + [
        keys.form_for_notice(pk) for pk in notice_ids if pk
    ]


def of_warning(warning, *, consultation_ids: Iterable[int] = (), notice_ids: Iterable[int] = ()) -> QuerySet[Deadline]:
    """A warning's own clocks and its forms', and the 1-hour form clocks of the consultations and
    notices its forms answered."""
    clock_keys = _form_clock_keys(consultation_ids=consultation_ids, notice_ids=notice_ids)
    return (
        Deadline.objects.filter(Q(warning=warning) | Q(form__warning=warning) | Q(key__in=clock_keys))
        .select_related("unit", "form")
        .distinct()
        .order_by("due_at", "pk")
    )


def of_form(form) -> QuerySet[Deadline]:
    """A form's clocks, and the 1-hour clocks of the consultation and the notice it answers."""
    clock_keys = _form_clock_keys(consultation_ids=[form.consultation_id], notice_ids=[form.provincial_notice_id])
    return Deadline.objects.filter(Q(form=form) | Q(key__in=clock_keys)).select_related("unit").order_by("due_at", "pk")


def by_key(deadline_keys: Iterable[str]) -> dict[str, Deadline]:
    """The deadlines of these keys, by key (those never started are absent)."""
    return {d.key: d for d in Deadline.objects.filter(key__in=list(deadline_keys))}


def due_times(deadline_keys: Iterable[str]) -> dict[str, dt.datetime]:
    """The due time of each of these keys' deadlines, by key."""
    return dict(Deadline.objects.filter(key__in=list(deadline_keys)).values_list("key", "due_at"))


def ordered() -> QuerySet[Deadline]:
    """All deadlines, soonest first (for a prefetch of a notice's or a warning's clocks)."""
    return Deadline.objects.order_by("due_at")
