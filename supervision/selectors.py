from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from accounts.roles import Role

from . import domain
from .models import EnforcementAction, Inspection, TipOff


def inspections(*, county: str = "", violation: str = "", follow_up: str = "") -> QuerySet[Inspection]:
    qs = (
        Inspection.objects.select_related("county", "inspector", "response__warning")
        .annotate(photo_count=Count("photos", distinct=True))
        .prefetch_related(Prefetch("actions", queryset=EnforcementAction.objects.order_by("id")))
    )
    if county:
        qs = qs.filter(county__code=county)
    if violation in ("1", "0"):
        qs = qs.filter(violation=violation == "1")
    if follow_up:
        qs = qs.filter(follow_up_status=follow_up)
    return qs.order_by("-date", "-id")


def inspection_detail() -> QuerySet[Inspection]:
    return Inspection.objects.select_related("county", "inspector", "response__warning", "enterprise").prefetch_related(
        "photos", Prefetch("actions", queryset=EnforcementAction.objects.select_related("ordered_by").order_by("id"))
    )


# ----------------------------------------------------------------------------- repeat offenders


def heating_season_span() -> str:
    """The HEATING_SEASON setting ("MM-DD:MM-DD", checked at start; default 1 November to 31 March)."""
    return settings.HEATING_SEASON


def inspection_key(inspection: Inspection) -> str:
    return domain.site_key(
        enterprise_id=inspection.enterprise_id,
        name=inspection.enterprise_name or inspection.place,
        county=inspection.county.code if inspection.county_id else None,
    )


def repeat_offenders() -> dict[str, domain.RepeatOffender]:
    """屡查屡犯 (§7.2) over every recorded violation, by site key (supervision/domain.py)."""
    rows = Inspection.objects.filter(violation=True).values_list(
        "pk", "enterprise_id", "enterprise_name", "place", "county__code", "date", "response_id"
    )
    violations = [
        domain.Violation(
            inspection_id=pk,
            key=domain.site_key(enterprise_id=enterprise_id, name=name or place, county=county),
            day=day,
            response_id=response_id,
        )
        for pk, enterprise_id, name, place, county, day, response_id in rows
    ]
    return domain.repeat_offenders(violations, season=heating_season_span())


def repeat_inspection_ids(offenders: dict[str, domain.RepeatOffender] | None = None) -> set[int]:
    """The inspections that make someone a repeat offender."""
    offenders = repeat_offenders() if offenders is None else offenders
    return {pk for offender in offenders.values() for pk in offender.inspection_ids}


def repeat_enterprise_ids(offenders: dict[str, domain.RepeatOffender] | None = None) -> set[int]:
    """The registry's enterprises (measures.Enterprise) that are repeat offenders."""
    offenders = repeat_offenders() if offenders is None else offenders
    return {int(key.split(":", 1)[1]) for key in offenders if key.startswith("enterprise:")}


def enterprise_record(enterprise_id: int) -> dict:
    """An enterprise's supervision record: its inspections, their enforcement actions, and
    whether (and where) it is a repeat offender."""
    offender = repeat_offenders().get(f"enterprise:{enterprise_id}")
    found = list(inspections().filter(enterprise_id=enterprise_id))
    actions = EnforcementAction.objects.filter(inspection__enterprise_id=enterprise_id)
    return {
        "inspections": found,
        "offender": offender,
        "repeat_ids": offender.inspection_ids if offender else set(),
        "counts": enforcement_counts(actions),
    }


# ----------------------------------------------------------------------------- enforcement


def enforcement_actions(*, kind: str = "", status: str = "") -> QuerySet[EnforcementAction]:
    qs = EnforcementAction.objects.select_related("inspection__county", "inspection__enterprise", "ordered_by")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-ordered_at", "-id")


def enforcement_counts(actions: QuerySet[EnforcementAction]) -> dict:
    """Stops, fines (and their total, in yuan) and referrals among ``actions``."""
    got = actions.aggregate(
        stops=Count("pk", filter=Q(kind=EnforcementAction.Kind.STOP)),
        fines=Count("pk", filter=Q(kind=EnforcementAction.Kind.FINE)),
        fine_total=Sum("fine_amount", filter=Q(kind=EnforcementAction.Kind.FINE)),
        referrals=Count("pk", filter=Q(kind=EnforcementAction.Kind.REFERRAL)),
    )
    total = got["fine_total"]
    return {
        "stops": got["stops"],
        "fines": got["fines"],
        "fine_total": f"{total:.2f}" if total is not None else "0.00",
        "referrals": got["referrals"],
    }


def response_enforcement_figures(inspection_qs: QuerySet[Inspection]) -> dict:
    """For 附件6 (reviews): the enforcement actions ordered on these inspections, and how many
    distinct enterprises or sites among their violations are repeat offenders."""
    figures = enforcement_counts(EnforcementAction.objects.filter(inspection__in=inspection_qs))
    flagged = repeat_inspection_ids()
    keys = {inspection_key(i) for i in inspection_qs.filter(violation=True).select_related("county") if i.pk in flagged}
    figures["repeat_offenders"] = len(keys - {""})
    return figures


# ----------------------------------------------------------------------------- tip-offs


def tipoffs(*, status: str = "", category: str = "", channel: str = "") -> QuerySet[TipOff]:
    qs = TipOff.objects.select_related("handled_by", "response__warning", "assigned_unit", "area", "entered_by")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")


def tipoffs_for(user, **filters) -> QuerySet[TipOff]:
    """What a person may see: a unit the tip-offs routed to it, a county those routed to its
    area's government; the office, the supervision group, the leaders and admins all."""
    qs = tipoffs(**filters)
    role = getattr(user, "role", None)
    if role == Role.UNIT:
        return qs.filter(assigned_unit_id=user.unit_id) if user.unit_id else qs.none()
    if role == Role.COUNTY:
        return qs.filter(assigned_unit__area_id=user.area_id) if user.area_id else qs.none()
    return qs
