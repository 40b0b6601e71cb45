"""Reads of the guarantees for pages, the API and the Excel sheets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from accounts.roles import Role
from command.models import MemberUnit
from notifications.models import UnitContact
from response.models import Order, Response

from . import domain
from .models import ContactConfirmation, DutySlot, SupplyItem
from .services import OFFICE_NAME


def stale_days() -> int:
    return int(getattr(settings, "GUARANTEES_CONTACT_STALE_DAYS", domain.DEFAULT_STALE_DAYS))


# ----------------------------------------------------------------------------- the roster


def responses() -> QuerySet[Response]:
    return Response.objects.select_related("warning").order_by("-started_at", "-id")


def response_or_current(response_id: int | str | None) -> Response | None:
    """The response asked for, else the one in force, else the most recent one."""
    rows = responses()
    if response_id not in (None, ""):
        try:
            return rows.filter(pk=int(response_id)).first()
        except (TypeError, ValueError):
            return None
    return rows.filter(status=Response.Status.ACTIVE).first() or rows.first()


def duty_slots_for(user, response: Response | None) -> QuerySet[DutySlot]:
    """A unit sees its own slots, a county its government's; the office and the leaders all."""
    rows = DutySlot.objects.select_related("unit", "created_by").order_by("starts_at", "unit__order", "id")
    rows = rows.filter(response=response) if response is not None else rows.none()
    if user.role == Role.UNIT:
        return rows.filter(unit_id=user.unit_id)
    if user.role == Role.COUNTY:
        return rows.filter(unit__kind=MemberUnit.Kind.COUNTY, unit__area_id=user.area_id)
    return rows


def expected_units(response: Response) -> list[MemberUnit]:
    """Who must have someone on duty: the member units holding an order of this response that is
    not closed (§5.6 the orders; §8.5 each unit's 值守), besides the office itself."""
    ids = Order.objects.filter(response=response, status__in=Order.OPEN_STATUSES).values_list("unit_id", flat=True)
    return list(MemberUnit.objects.filter(pk__in=ids).order_by("order", "id"))


@dataclass
class DutyRow:
    """One keeper of duty (the office when unit is None) with its slots and who is on now."""

    unit: MemberUnit | None
    expected: bool
    slots: list[DutySlot] = field(default_factory=list)
    now: list[DutySlot] = field(default_factory=list)
    coverage: domain.Coverage | None = None

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else OFFICE_NAME

    @property
    def gap(self) -> bool:
        return self.expected and self.coverage is not None and not self.coverage.on_duty


def duty_board(response: Response, *, now: dt.datetime | None = None) -> list[DutyRow]:
    """The office, every unit that must be on duty and every unit with a slot: who is on duty now,
    until when the duty runs unbroken, and where nobody is (a gap). An ended response has no gaps."""
    now = now or timezone.now()
    active = response.status == Response.Status.ACTIVE
    rows: dict[int | None, DutyRow] = {None: DutyRow(unit=None, expected=active)}
    for unit in expected_units(response) if active else []:
        rows[unit.pk] = DutyRow(unit=unit, expected=True)
    for slot in DutySlot.objects.filter(response=response).select_related("unit").order_by("starts_at", "id"):
        row = rows.setdefault(slot.unit_id, DutyRow(unit=slot.unit, expected=False))
        row.slots.append(slot)
        if slot.starts_at <= now < slot.ends_at:
            row.now.append(slot)
    for row in rows.values():
        row.coverage = domain.coverage([(s.starts_at, s.ends_at) for s in row.slots], now)
    office = rows.pop(None)
    return [office, *sorted(rows.values(), key=lambda r: (r.unit.order, r.unit.pk))]


def duty_gaps(response: Response, *, now: dt.datetime | None = None) -> list[DutyRow]:
    return [row for row in duty_board(response, now=now) if row.gap]


# ----------------------------------------------------------------------------- the contacts


@dataclass
class ContactEntry:
    """One entry of the contact list: a member unit (a county's is its government's) with its
    active contacts, the phones the plan lists and the last confirmation."""

    unit: MemberUnit
    people: list[UnitContact]
    last: ContactConfirmation | None
    stale: bool

    @property
    def area(self):
        return self.unit.area if self.unit.kind == MemberUnit.Kind.COUNTY else None

    @property
    def confirmed_at(self) -> dt.datetime | None:
        return self.last.confirmed_at if self.last else None


def contact_entries(*, now: dt.datetime | None = None, unit: MemberUnit | None = None) -> list[ContactEntry]:
    """Every active member unit (or one), in the plan's order, with its contacts and last confirmation."""
    now = now or timezone.now()
    units = MemberUnit.objects.filter(active=True).select_related("area").order_by("order", "id")
    if unit is not None:
        units = units.filter(pk=unit.pk)
    units = units.prefetch_related(
        Prefetch(
            "contacts",
            queryset=UnitContact.objects.filter(active=True).order_by("duty_role", "name"),
            to_attr="active_contacts",
        )
    ).annotate(last_confirmed_at=Max("contact_confirmations__confirmed_at"))
    units = list(units)
    latest = {
        c.unit_id: c
        for c in ContactConfirmation.objects.filter(unit__in=units)
        .select_related("confirmed_by")
        .order_by("confirmed_at", "id")
    }
    days = stale_days()
    return [
        ContactEntry(
            unit=u,
            people=u.active_contacts,
            last=latest.get(u.pk),
            stale=domain.is_stale(u.last_confirmed_at, now, days),
        )
        for u in units
    ]


def confirmations(unit: MemberUnit) -> QuerySet[ContactConfirmation]:
    return ContactConfirmation.objects.filter(unit=unit).select_related("confirmed_by").order_by("-confirmed_at", "-id")


# ----------------------------------------------------------------------------- supplies and funds


def supplies(*, include_retired: bool = False, kind: str = "") -> QuerySet[SupplyItem]:
    rows = SupplyItem.objects.select_related("keeper", "updated_by")
    if not include_retired:
        rows = rows.filter(active=True)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("kind", "name", "id")
