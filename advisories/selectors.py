"""Reads of the advisories for pages and the API, and the registry's enterprises they list."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q, QuerySet

from accounts.roles import Role
from command.models import MemberUnit
from measures.models import Enterprise, ResponseMeasure

from .models import OzoneOrder, OzonePrompt, So2Task

#: Annual tonnes of VOCs or of NOx from which an enterprise counts as one "with large emissions"
#: (§5.3.4 挥发性有机物和氮氧化物排放量较大); the plan gives no figure.
DEFAULT_OZONE_MIN_TONNES = Decimal("1")


def ozone_min_tonnes() -> Decimal:
    return Decimal(str(getattr(settings, "ADVISORIES_OZONE_MIN_TONNES", DEFAULT_OZONE_MIN_TONNES)))


def ozone_enterprises():
    """The registry's enterprises with large VOCs or NOx emissions (§5.3.4), largest first."""
    least = ozone_min_tonnes()
    return (
        Enterprise.objects.filter(active=True)
        .filter(Q(vocs_t__gte=least) | Q(nox_t__gte=least))
        .select_related("area", "industry", "responsible_unit")
        .annotate(ozone_t=F("vocs_t") + F("nox_t"))
        .order_by("-ozone_t", "name")
    )


def so2_enterprises(area):
    """The area's enterprises that emit SO2 (the registry's annual SO2 figure above zero), largest first."""
    return (
        Enterprise.objects.filter(active=True, area=area, so2_t__gt=0)
        .select_related("industry")
        .order_by("-so2_t", "name")
    )


def ozone_order_units(enterprises) -> list[MemberUnit]:
    """Who receives the §5.3.4 orders: the units the plan's ozone measure names, else those of the
    industrial measures (①工业企业减排措施: 附件2's supervising units and the local governments),
    and the supervising unit of every enterprise listed."""
    ids = set(ResponseMeasure.objects.filter(category=ResponseMeasure.Category.OZONE).values_list("units", flat=True))
    ids.discard(None)
    if not ids:
        ids = set(
            ResponseMeasure.objects.filter(
                category=ResponseMeasure.Category.MANDATORY_INDUSTRY, level="III"
            ).values_list("units", flat=True)
        )
        ids.discard(None)
    ids |= {e.responsible_unit_id for e in enterprises if e.responsible_unit_id}
    return list(MemberUnit.objects.filter(pk__in=ids, active=True).select_related("area").order_by("order", "id"))


def open_prompt() -> OzonePrompt | None:
    return OzonePrompt.objects.filter(open_slot__isnull=False).first()


def prompt_in_force() -> OzonePrompt | None:
    return OzonePrompt.objects.filter(status=OzonePrompt.Status.IN_FORCE).order_by("-confirmed_at").first()


def prompts() -> QuerySet[OzonePrompt]:
    return OzonePrompt.objects.select_related("consultation", "confirmed_by", "ended_by")


def ozone_orders_for(user) -> QuerySet[OzoneOrder]:
    """A unit sees its own orders; a county its government's; every other staff role all of them."""
    rows = OzoneOrder.objects.select_related("prompt", "unit", "acknowledged_by", "in_place_by")
    if user.role == Role.UNIT:
        return rows.filter(unit_id=user.unit_id)
    if user.role == Role.COUNTY:
        return rows.filter(unit__area_id=user.area_id)
    return rows


def so2_tasks_for(user) -> QuerySet[So2Task]:
    """A county sees its own area's tasks; a unit those of its area's government (if it is one) or,
    for the ecology bureau and every other staff role, all of them."""
    rows = So2Task.objects.select_related("area", "unit", "acknowledged_by", "answered_by")
    if user.role == Role.COUNTY:
        return rows.filter(area_id=user.area_id)
    if user.role == Role.UNIT and user.unit is not None and user.unit.area_id:
        return rows.filter(area_id=user.unit.area_id)
    return rows
