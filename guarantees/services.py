"""Every write of the guarantees (plan §8), in the house shape: guard → atomic + row lock →
save(update_fields) → audit. Nothing is sent after commit: these are registers the office reads.

- the roster (值班值守): the office keeps its own slots and every unit's; a member unit its own; a
  county its government's; a slot of an ended response, or one already over, is a record: kept;
- the contacts (通讯录): a unit (or a county, for its government) confirms its entry unchanged
  (信息无变化，确认) or edits its contacts, which confirms it too; the office reads who is overdue;
- the register of supplies and funds (应急物资与经费): kept by the office.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from audit.services import audit_record
from command.models import MemberUnit
from core.errors import BAD_INPUT, CONFLICT, NOT_FOUND, NOT_YOURS, DomainError
from notifications.models import UnitContact
from notifications.phones import normalise_phone
from response.models import Response

from .models import ContactConfirmation, DutySlot, SupplyItem

OFFICE_NAME = "应急指挥部办公室"
MAX_NOTE = 500
MAX_SLOT = dt.timedelta(days=7)


class GuaranteeError(DomainError):
    """A step on the roster, the contacts or the register that is not allowed now."""

    code = "guarantees.refused"
    status = CONFLICT


class NotYourGuaranteeError(GuaranteeError):
    """The person acts for another unit or area, or their role keeps no such record: 403."""

    code = "guarantees.not_yours"
    status = NOT_YOURS


def _text(value: Any, *, what: str, limit: int, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise GuaranteeError(f"请填写{what}。", status=BAD_INPUT)
    if len(value) > limit:
        raise GuaranteeError(f"{what}不能超过 {limit} 字。", status=BAD_INPUT)
    return value


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: _iso(before.get(k)) for k in changed}, {k: _iso(after[k]) for k in changed}


def own_unit(user) -> MemberUnit | None:
    """The member unit a person speaks for: a unit user's own; a county user's county government
    (the member unit of kind 县区政府及开发区 of their area); nobody else's."""
    role = getattr(user, "role", None)
    if role == Role.UNIT:
        return user.unit
    if role == Role.COUNTY and user.area_id:
        return MemberUnit.objects.filter(kind=MemberUnit.Kind.COUNTY, area_id=user.area_id).order_by("order").first()
    return None


# ----------------------------------------------------------------------------- the roster


def may_keep_duty(user, unit: MemberUnit | None) -> bool:
    """The office keeps every row (its own has no unit); a unit or a county only its own unit's."""
    role = getattr(user, "role", None)
    if role == Role.OFFICE:
        return True
    if role in (Role.UNIT, Role.COUNTY):
        own = own_unit(user)
        return own is not None and unit is not None and unit.pk == own.pk
    return False


def _duty_fields(*, person, phone, starts_at, ends_at, position="", note="") -> dict:
    fields = {
        "person": _text(person, what="值班人员", limit=50),
        "position": _text(position, what="职务", limit=100, required=False),
        "phone": _text(phone, what="值班电话", limit=50),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "note": _text(note, what="备注", limit=MAX_NOTE, required=False),
    }
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise GuaranteeError("请填写值班开始和结束时间。", status=BAD_INPUT)
    if ends_at <= starts_at:
        raise GuaranteeError("值班结束时间应晚于开始时间。", status=BAD_INPUT)
    return fields


def _within_response(fields: dict, response: Response) -> None:
    """A slot serves the response: it ends after the response started and lasts at most a week
    (a longer one is a typing error; a long duty is entered as several shifts)."""
    if fields["ends_at"] <= response.started_at:
        raise GuaranteeError("值班结束时间应晚于应急响应启动时间。", status=BAD_INPUT)
    if fields["ends_at"] - fields["starts_at"] > MAX_SLOT:
        raise GuaranteeError("单次值班不超过 7 天，请分班登记。", status=BAD_INPUT)


def _active_response(response_id: int) -> Response:
    response = Response.objects.filter(pk=response_id).first()
    if response is None:
        raise GuaranteeError("没有这次应急响应。", status=NOT_FOUND)
    if response.status != Response.Status.ACTIVE:
        raise GuaranteeError("该应急响应已终止，值班安排不再变更。")
    return response


def _no_double_booking(fields: dict, *, response: Response, unit_id: int | None, exclude: int | None = None) -> None:
    overlapping = DutySlot.objects.filter(
        response=response,
        unit_id=unit_id,
        person=fields["person"],
        starts_at__lt=fields["ends_at"],
        ends_at__gt=fields["starts_at"],
    ).exclude(pk=exclude)
    if overlapping.exists():
        raise GuaranteeError(f"{fields['person']} 在这一时段已有值班安排。", status=BAD_INPUT)


def _slot_values(slot: DutySlot) -> dict:
    return {
        "unit": slot.unit.slug if slot.unit_id else "",
        "person": slot.person,
        "position": slot.position,
        "phone": slot.phone,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "note": slot.note,
    }


def _whole_slot(slot: DutySlot) -> dict:
    return {k: _iso(v) for k, v in _slot_values(slot).items()}


def _duty_recorded(actor, slot: DutySlot, step: str, *, before=None, after=None) -> None:
    """Audits a step on a slot as guarantees.duty.<step>, with the slot's response."""
    audit_record(
        actor=actor,
        action=f"guarantees.duty.{step}",
        target=slot,
        before=before,
        after=after,
        data={"response": slot.response_id},
    )


def duty_slot_add(*, actor, response_id: int, unit_id: int | None, **values) -> DutySlot:
    """Someone on duty for the office (unit_id None) or a unit during the response (§8.5); the
    slot's fields as _duty_fields takes them (person, phone, starts_at, ends_at, position, note)."""
    if getattr(actor, "role", None) not in (Role.OFFICE, Role.UNIT, Role.COUNTY):
        raise NotYourGuaranteeError("值班安排由应急指挥部办公室和各成员单位登记。")
    unit = MemberUnit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit_id and unit is None:
        raise GuaranteeError("没有这个成员单位。", status=BAD_INPUT)
    if not may_keep_duty(actor, unit):
        raise NotYourGuaranteeError("只能登记本单位的值班安排。")
    fields = _duty_fields(**values)
    with transaction.atomic():
        response = _active_response(response_id)
        _within_response(fields, response)
        _no_double_booking(fields, response=response, unit_id=unit.pk if unit else None)
        slot = DutySlot.objects.create(response=response, unit=unit, created_by=actor, **fields)
        _duty_recorded(actor, slot, "added", after=_whole_slot(slot))
    return slot


def _own_open_slot(actor, slot_id: int, now: dt.datetime) -> DutySlot:
    slot = (
        DutySlot.objects.select_for_update(of=("self",)).select_related("unit", "response").filter(pk=slot_id).first()
    )
    if slot is None:
        raise GuaranteeError("没有这条值班安排。", status=NOT_FOUND)
    if not may_keep_duty(actor, slot.unit):
        raise NotYourGuaranteeError("只能修改本单位的值班安排。")
    if slot.response.status != Response.Status.ACTIVE:
        raise GuaranteeError("该应急响应已终止，值班安排不再变更。")
    if slot.ends_at <= now:
        raise GuaranteeError("这一班已经结束，值班记录不再修改。")
    return slot


def duty_slot_change(*, actor, slot_id: int, now: dt.datetime | None = None, **values) -> DutySlot:
    """Changes a slot that is not over yet (another person, another phone, other times); the slot's
    fields as in duty_slot_add."""
    now = now or timezone.now()
    fields = _duty_fields(**values)
    with transaction.atomic():
        slot = _own_open_slot(actor, slot_id, now)
        _within_response(fields, slot.response)
        _no_double_booking(fields, response=slot.response, unit_id=slot.unit_id, exclude=slot.pk)
        before, after = _diff(_slot_values(slot), {**_slot_values(slot), **fields})
        if not after:
            return slot
        for name, value in fields.items():
            setattr(slot, name, value)
        slot.save(update_fields=[*fields, "updated_at"])
        _duty_recorded(actor, slot, "changed", before=before, after=after)
    return slot


def duty_slot_remove(*, actor, slot_id: int, now: dt.datetime | None = None) -> None:
    """Removes a slot that is not over yet (planned by mistake)."""
    now = now or timezone.now()
    with transaction.atomic():
        slot = _own_open_slot(actor, slot_id, now)
        _duty_recorded(actor, slot, "removed", before=_whole_slot(slot))
        slot.delete()


# ----------------------------------------------------------------------------- the contacts


def _keeper_unit(actor) -> MemberUnit:
    unit = own_unit(actor)
    if unit is None:
        raise NotYourGuaranteeError("通讯录由各成员单位、各县区确认本单位的信息。")
    return unit


def _confirmation(*, actor, unit: MemberUnit, changed: bool, summary: str, now: dt.datetime) -> ContactConfirmation:
    return ContactConfirmation.objects.create(
        unit=unit, confirmed_at=now, confirmed_by=actor, changed=changed, summary=summary[:MAX_NOTE]
    )


_CONTACT_STEPS = {
    "added": "新增联系人 {name}",
    "changed": "修改联系人 {name}",
    "removed": "删除联系人 {name}",
    "confirmed": "信息无变化，确认",
}


def _contact_recorded(
    actor, unit: MemberUnit, contact: UnitContact, step: str, *, now: dt.datetime, before=None, after=None
) -> None:
    """A step on a unit's contacts (added, changed, removed, or confirmed unchanged) confirms its
    entry, and is audited as guarantees.contact.<step>."""
    summary = _CONTACT_STEPS[step].format(name=contact.name)
    confirmation = _confirmation(actor=actor, unit=unit, changed=step != "confirmed", summary=summary, now=now)
    audit_record(
        actor=actor,
        action=f"guarantees.contact.{step}",
        target=contact,
        before=before,
        after=after,
        data={"unit": unit.slug, "confirmation": confirmation.pk},
    )


def contact_confirm(*, actor, now: dt.datetime | None = None) -> ContactConfirmation:
    """信息无变化，确认: the caller's unit says its contacts are right as they stand."""
    now = now or timezone.now()
    with transaction.atomic():
        unit = MemberUnit.objects.select_for_update().get(pk=_keeper_unit(actor).pk)
        people = list(UnitContact.objects.filter(unit=unit, active=True).order_by("duty_role", "name"))
        if not people:
            raise GuaranteeError("本单位尚未登记应急负责人或联络员，请先登记再确认。")
        confirmation = _confirmation(actor=actor, unit=unit, changed=False, summary="信息无变化，确认", now=now)
        audit_record(
            actor=actor,
            action="guarantees.contact.confirmed",
            target=unit,
            data={"confirmation": confirmation.pk, "contacts": [f"{p.name} {p.mobile}" for p in people]},
        )
    return confirmation


def _contact_fields(*, name, mobile, position="", duty_role=UnitContact.DutyRole.LIAISON) -> dict:
    phone = normalise_phone(mobile)
    if phone is None:
        raise GuaranteeError("请填写 11 位手机号码。", status=BAD_INPUT)
    if duty_role not in UnitContact.DutyRole.values:
        raise GuaranteeError("应急职责应为负责人或联络员。", status=BAD_INPUT)
    return {
        "name": _text(name, what="姓名", limit=50),
        "position": _text(position, what="职务", limit=100, required=False),
        "mobile": phone,
        "duty_role": duty_role,
    }


def _contact_values(contact: UnitContact) -> dict:
    return {
        "name": contact.name,
        "position": contact.position,
        "mobile": contact.mobile,
        "duty_role": contact.duty_role,
    }


def _mobile_taken(unit: MemberUnit, mobile: str, exclude: int | None = None) -> UnitContact | None:
    return UnitContact.objects.filter(unit=unit, mobile=mobile).exclude(pk=exclude).first()


def contact_person_add(
    *,
    actor,
    name: str,
    mobile: str,
    position: str = "",
    duty_role: str = UnitContact.DutyRole.LIAISON,
    now: dt.datetime | None = None,
) -> UnitContact:
    """A new responsible person or liaison of the caller's unit (warnings and orders go to them too);
    the entry counts as confirmed. A number once removed comes back with the new details."""
    now = now or timezone.now()
    fields = _contact_fields(name=name, mobile=mobile, position=position, duty_role=duty_role)
    with transaction.atomic():
        unit = MemberUnit.objects.select_for_update().get(pk=_keeper_unit(actor).pk)
        contact = _mobile_taken(unit, fields["mobile"])
        if contact is not None and contact.active:
            raise GuaranteeError(f"手机号码 {fields['mobile']} 已登记为 {contact.name}。", status=BAD_INPUT)
        if contact is None:
            contact = UnitContact.objects.create(unit=unit, **fields)
        else:
            for key, value in fields.items():
                setattr(contact, key, value)
            contact.active = True
            contact.save(update_fields=[*fields, "active", "updated_at"])
        _contact_recorded(actor, unit, contact, "added", now=now, after=_contact_values(contact))
    return contact


def _own_contact(actor, contact_id: int) -> tuple[MemberUnit, UnitContact]:
    unit = _keeper_unit(actor)
    contact = UnitContact.objects.select_for_update().filter(pk=contact_id, active=True).first()
    if contact is None:
        raise GuaranteeError("没有这位联系人。", status=NOT_FOUND)
    if contact.unit_id != unit.pk:
        raise NotYourGuaranteeError("只能修改本单位的联系人。")
    return unit, contact


def contact_person_change(
    *,
    actor,
    contact_id: int,
    name: str,
    mobile: str,
    position: str = "",
    duty_role: str = UnitContact.DutyRole.LIAISON,
    now: dt.datetime | None = None,
) -> UnitContact:
    now = now or timezone.now()
    fields = _contact_fields(name=name, mobile=mobile, position=position, duty_role=duty_role)
    with transaction.atomic():
        unit, contact = _own_contact(actor, contact_id)
        if _mobile_taken(unit, fields["mobile"], exclude=contact.pk) is not None:
            raise GuaranteeError(f"手机号码 {fields['mobile']} 已登记在本单位的另一联系人下。", status=BAD_INPUT)
        before, after = _diff(_contact_values(contact), fields)
        if after:
            for key, value in fields.items():
                setattr(contact, key, value)
            contact.save(update_fields=[*fields, "updated_at"])
        step = "changed" if after else "confirmed"
        _contact_recorded(actor, unit, contact, step, now=now, before=before or None, after=after or None)
    return contact


def contact_person_remove(*, actor, contact_id: int, now: dt.datetime | None = None) -> UnitContact:
    """The person no longer serves: kept, not active (no warning goes to them any more)."""
    now = now or timezone.now()
    with transaction.atomic():
        unit, contact = _own_contact(actor, contact_id)
        contact.active = False
        contact.save(update_fields=["active", "updated_at"])
        _contact_recorded(actor, unit, contact, "removed", now=now, before=_contact_values(contact))
    return contact


# ----------------------------------------------------------------------------- supplies and funds


def _office_only(actor) -> None:
    if getattr(actor, "role", None) != Role.OFFICE:
        raise NotYourGuaranteeError("应急物资与经费登记由应急指挥部办公室维护。")


def _supply_fields(
    *, kind, name, quantity, measure, keeper_id=None, location="", last_checked_on=None, note=""
) -> dict:
    if kind not in SupplyItem.Kind.values:
        raise GuaranteeError("请选择类别。", status=BAD_INPUT)
    try:
        amount = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        raise GuaranteeError("数量/金额应为数字。", status=BAD_INPUT) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise GuaranteeError("数量/金额应为不小于 0 的数字。", status=BAD_INPUT)
    keeper = MemberUnit.objects.filter(pk=keeper_id).first() if keeper_id else None
    if keeper_id and keeper is None:
        raise GuaranteeError("没有这个成员单位。", status=BAD_INPUT)
    if last_checked_on is not None and last_checked_on > timezone.localdate():
        raise GuaranteeError("最近检查日期不能晚于今天。", status=BAD_INPUT)
    return {
        "kind": kind,
        "name": _text(name, what="名称", limit=100),
        "quantity": amount.quantize(Decimal("0.01")),
        "measure": _text(measure, what="计量单位", limit=20),
        "keeper": keeper,
        "location": _text(location, what="存放地点", limit=200, required=False),
        "last_checked_on": last_checked_on,
        "note": _text(note, what="备注", limit=MAX_NOTE, required=False),
    }


def _supply_values(item: SupplyItem) -> dict:
    return {
        "kind": item.kind,
        "name": item.name,
        "quantity": item.quantity,
        "measure": item.measure,
        "keeper": item.keeper.slug if item.keeper_id else "",
        "location": item.location,
        "last_checked_on": item.last_checked_on,
        "note": item.note,
    }


def _for_audit(fields: dict) -> dict:
    return {**fields, "keeper": fields["keeper"].slug if fields["keeper"] else ""}


def supply_add(*, actor, **values) -> SupplyItem:
    _office_only(actor)
    fields = _supply_fields(**values)
    with transaction.atomic():
        item = SupplyItem.objects.create(updated_by=actor, **fields)
        audit_record(
            actor=actor,
            action="guarantees.supply.added",
            target=item,
            after={k: _iso(v) for k, v in _supply_values(item).items()},
        )
    return item


def _locked_item(item_id: int) -> SupplyItem:
    item = SupplyItem.objects.select_for_update(of=("self",)).select_related("keeper").filter(pk=item_id).first()
    if item is None:
        raise GuaranteeError("没有这项登记。", status=NOT_FOUND)
    if not item.active:
        raise GuaranteeError("这项登记已注销。")
    return item


def _item_saved(actor, item: SupplyItem, step: str, fields, *, before: dict, after: dict, data=None) -> None:
    """Saves the fields of an item the office changed, and audits it as guarantees.supply.<step>."""
    item.updated_by = actor
    item.save(update_fields=[*fields, "updated_by", "updated_at"])
    audit_record(actor=actor, action=f"guarantees.supply.{step}", target=item, before=before, after=after, data=data)


def supply_change(*, actor, item_id: int, **values) -> SupplyItem:
    """Changes an item (a new count after a check, a move, a new keeper); audited field by field."""
    _office_only(actor)
    fields = _supply_fields(**values)
    with transaction.atomic():
        item = _locked_item(item_id)
        before, after = _diff(_supply_values(item), _for_audit(fields))
        if not after:
            return item
        for name, value in fields.items():
            setattr(item, name, value)
        _item_saved(actor, item, "changed", fields, before=before, after=after)
    return item


def supply_checked(*, actor, item_id: int, on: dt.date | None = None) -> SupplyItem:
    """检查：the item was checked today and is as registered."""
    _office_only(actor)
    on = on or timezone.localdate()
    with transaction.atomic():
        item = _locked_item(item_id)
        before = {"last_checked_on": _iso(item.last_checked_on)}
        item.last_checked_on = on
        _item_saved(
            actor, item, "checked", ["last_checked_on"], before=before, after={"last_checked_on": on.isoformat()}
        )
    return item


def supply_retire(*, actor, item_id: int, note: str = "") -> SupplyItem:
    """Off the register (used up, scrapped, funds spent): kept, no longer counted."""
    _office_only(actor)
    note = _text(note, what="注销说明", limit=MAX_NOTE, required=False)
    with transaction.atomic():
        item = _locked_item(item_id)
        item.active = False
        _item_saved(
            actor, item, "retired", ["active"], before={"active": True}, after={"active": False}, data={"note": note}
        )
    return item
