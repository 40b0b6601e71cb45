from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Inspection, TipOff


def inspections(*, county: str = "", violation: str = "", follow_up: str = "") -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("county", "inspector", "response__warning").annotate(
        photo_count=Count("photos")
    )
    if county:
        qs = qs.filter(county__code=county)
    if violation in ("1", "0"):
        qs = qs.filter(violation=violation == "1")
    if follow_up:
        qs = qs.filter(follow_up_status=follow_up)
    return qs.order_by("-date", "-id")


def inspection_detail() -> QuerySet[Inspection]:
    return Inspection.objects.select_related("county", "inspector", "response__warning").prefetch_related("photos")


def tipoffs(*, status: str = "", category: str = "") -> QuerySet[TipOff]:
    qs = TipOff.objects.select_related("handled_by", "response__warning")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-created_at", "-id")
