"""Reads of the plan's upkeep for the pages, the API and the dashboard (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import Role

from . import domain
from .models import PlanEdition, RevisionDecision, RevisionTrigger, Suggestion, Training


def trainings_for(user) -> QuerySet[Training]:
    """The office, the leaders, supervision and administrators see every training; a member unit
    those it organised or took part in."""
    rows = Training.objects.select_related("unit", "created_by").prefetch_related("attendee_units")
    if user.role == Role.UNIT:
        return rows.filter(Q(unit_id=user.unit_id) | Q(attendee_units=user.unit_id)).distinct()
    return rows


def can_edit_training(user, training: Training) -> bool:
    if user.role == Role.OFFICE:
        return True
    return user.role == Role.UNIT and training.unit_id is not None and training.unit_id == user.unit_id


def training_years(rows: QuerySet[Training]) -> list[int]:
    return sorted({d.year for d in rows.values_list("held_on", flat=True)}, reverse=True)


def training_totals(rows) -> dict:
    rows = list(rows)
    assessed = sum(t.assessed_count or 0 for t in rows)
    passed = sum(t.passed_count or 0 for t in rows)
    return {
        "count": len(rows),
        "attendees": sum(t.attendee_count for t in rows),
        "assessed": assessed,
        "passed": passed,
        "pass_rate": round(100 * passed / assessed, 1) if assessed else None,
    }


# ----------------------------------------------------------------------------- the plan's clock


@dataclass(frozen=True)
class PlanStatus:
    edition: object  # PlanEdition or domain.Edition (the 2023 plan before any edition is recorded)
    clock: domain.Clock
    open_triggers: list
    open_suggestions: int | None


def trigger_days() -> int:
    return int(getattr(settings, "UPKEEP_TRIGGER_REVISION_DAYS", domain.DEFAULT_TRIGGER_DAYS))


def current_edition():
    return PlanEdition.objects.order_by("-issued_on", "-id").first() or domain.BASE_EDITION


def open_triggers() -> list[RevisionTrigger]:
    return list(
        RevisionTrigger.objects.filter(decision__isnull=True)
        .select_related("recorded_by")
        .order_by("occurred_on", "id")
    )


def plan_status(*, today: dt.date | None = None, count_suggestions: bool = True) -> PlanStatus:
    """The edition in force, the revision clock and what keeps it open: two queries, and a third
    for the number of open suggestions (left out on the dashboard, whose page has a query budget)."""
    edition = current_edition()
    triggers = open_triggers()
    clock = domain.revision_clock(
        issued_on=edition.issued_on,
        open_triggers_on=[t.occurred_on for t in triggers],
        today=today or timezone.localdate(),
        trigger_days=trigger_days(),
    )
    count = Suggestion.objects.filter(status__in=Suggestion.OPEN_STATUSES).count() if count_suggestions else None
    return PlanStatus(edition=edition, clock=clock, open_triggers=triggers, open_suggestions=count)


def editions() -> QuerySet[PlanEdition]:
    return PlanEdition.objects.select_related("recorded_by")


def triggers() -> QuerySet[RevisionTrigger]:
    return RevisionTrigger.objects.select_related("decision", "summary__warning", "drill", "recorded_by")


def decisions() -> QuerySet[RevisionDecision]:
    return RevisionDecision.objects.select_related("edition", "decided_by").prefetch_related("triggers")


# ----------------------------------------------------------------------------- suggestions


def suggestions() -> QuerySet[Suggestion]:
    return Suggestion.objects.select_related(
        "summary__warning", "unit", "recorded_by", "accepted_by", "done_by", "rejected_by"
    )


def open_suggestions() -> QuerySet[Suggestion]:
    return suggestions().filter(status__in=Suggestion.OPEN_STATUSES).order_by("recorded_at", "id")
