"""Reads of the counties' bodies, people and extra measures for the pages, the API and the
response summary (附件6, reviews.selectors.summary_figures)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from accounts.roles import Role
from command.models import Area
from response.models import Response

from .models import CountyBody, CountyContact, ExtraMeasure

DEFAULT_NAMES = {
    CountyBody.Kind.HEADQUARTERS: "{area}重污染天气应急指挥部",
    CountyBody.Kind.OFFICE: "{area}重污染天气应急响应办公室",
}


def county_areas() -> QuerySet[Area]:
    """The county-level areas (districts, counties, the development zone): every area but the city."""
    return Area.objects.exclude(kind=Area.Kind.CITY).order_by("order", "code")


def areas_for(user) -> QuerySet[Area]:
    """A county user sees its own area; every other staff role all of them."""
    areas = county_areas()
    if user.role == Role.COUNTY:
        return areas.filter(pk=user.area_id)
    return areas


def default_name(area: Area, kind: str) -> str:
    return DEFAULT_NAMES[kind].format(area=area.name)


def bodies_of(area: Area) -> list[CountyBody]:
    """The headquarters and the office of an area, each with ``people`` (its contacts, in order);
    one not edited yet is an unsaved row with the default name."""
    stored = {
        body.kind: body
        for body in CountyBody.objects.filter(area=area).prefetch_related(
            Prefetch("contacts", queryset=CountyContact.objects.order_by("order", "id"), to_attr="people")
        )
    }
    bodies = []
    for kind in CountyBody.Kind.values:
        body = stored.get(kind)
        if body is None:
            body = CountyBody(area=area, kind=kind, name=default_name(area, kind))
            body.people = []
        bodies.append(body)
    return bodies


def contacts_for(user) -> QuerySet[CountyContact]:
    rows = CountyContact.objects.select_related("body", "body__area")
    if user.role == Role.COUNTY:
        return rows.filter(body__area_id=user.area_id)
    return rows


def contact_counts() -> dict[int, int]:
    """Area id → number of people on its headquarters and office."""
    return dict(CountyContact.objects.values("body__area").annotate(n=Count("pk")).values_list("body__area", "n"))


def responses() -> QuerySet[Response]:
    """Responses, the active first, then the newest."""
    return Response.objects.select_related("warning").order_by("status", "-started_at")


def response_for_warning(warning_id: int) -> QuerySet[Response]:
    return responses().filter(warning_id=warning_id)


def measures_for(user) -> QuerySet[ExtraMeasure]:
    """The extra measures the person may see: a county its own area's, the others all."""
    rows = ExtraMeasure.objects.select_related("area", "response", "response__warning", "filed_by")
    if user.role == Role.COUNTY:
        return rows.filter(area_id=user.area_id)
    return rows


def measure_counts(user) -> dict[int, int]:
    """Response id → number of extra measures the person may see."""
    return dict(measures_for(user).values("response").annotate(n=Count("pk")).values_list("response", "n"))


def _local(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def summary_measures(response: Response | None) -> dict:
    """The counties' extra measures of a response as plain JSON values for 附件6 (frozen into the
    summary's snapshot with the other figures): the rows, and the count by area and by category."""
    figures: dict = {"found": response is not None, "count": 0, "areas": [], "by_category": {}, "rows": []}
    if response is None:
        return figures
    rows = list(
        ExtraMeasure.objects.filter(response=response)
        .select_related("area")
        .order_by("area__order", "started_at", "id")
    )
    by_area: dict[str, int] = {}
    for row in rows:
        by_area[row.area.name] = by_area.get(row.area.name, 0) + 1
        label = row.get_category_display()
        figures["by_category"][label] = figures["by_category"].get(label, 0) + 1
        figures["rows"].append(
            {
                "area": row.area.name,
                "category": row.category,
                "category_label": str(label),
                "measure": row.measure,
                "started_at": row.started_at.isoformat(),
                "started_text": _local(row.started_at),
                "scope": row.scope,
                "sites": row.sites,
                "note": row.note,
            }
        )
    figures["count"] = len(rows)
    figures["areas"] = [{"area": name, "count": n} for name, n in by_area.items()]
    figures["by_category"] = {str(k): v for k, v in figures["by_category"].items()}
    return figures
