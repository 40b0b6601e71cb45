"""Every write of the counties' lists and extra measures, in the house shape: guard → atomic + row
lock → save(update_fields) → audit. No effects after commit: nobody is notified of a changed phone
or a filed measure (the office reads them on its pages and in 附件6).

Who: the office keeps every county's headquarters and office; a county user its own area's. A
county user files the extra measures of its own area (§5.2), while the response is in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from audit.services import audit_record
from command.models import Area
from core.errors import BAD_INPUT, CONFLICT, NOT_FOUND, NOT_YOURS, DomainError
from response.models import Response

from . import selectors
from .models import CountyBody, CountyContact, ExtraMeasure

MAX_TEXT = 2_000
#: An extra measure may have started before the city's response (a county acts on its own air,
#: §5.2 "主动采取"), but not days before: that is a typing error.
EARLIEST_BEFORE_RESPONSE = dt.timedelta(days=3)

CONTACT_FIELDS = ("post", "name", "position", "phone", "mobile", "order")
BODY_FIELDS = ("name", "host", "duty_phone")
MEASURE_FIELDS = ("category", "measure", "started_at", "scope", "sites", "note")


class CountyError(DomainError):
    """A change to a county's lists or measures that is not allowed now."""

    code = "counties.refused"
    status = CONFLICT


class NotYourCountyError(CountyError):
    """The person acts for another area, or their role does not keep these lists: refused (403)."""

    code = "counties.not_yours"
    status = NOT_YOURS


def _text(value: Any, *, what: str, limit: int, required: bool = False) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise CountyError(f"请填写{what}。", status=BAD_INPUT, code="counties.missing")
    if len(value) > limit:
        raise CountyError(f"{what}不能超过 {limit} 字。", status=BAD_INPUT, code="counties.too_long")
    return value


def _may_keep(actor, area: Area) -> None:
    """The office keeps every county's lists; a county user only its own area's."""
    role = getattr(actor, "role", None)
    if role == Role.OFFICE:
        return
    if role == Role.COUNTY and actor.area_id == area.pk:
        return
    raise NotYourCountyError("只有应急指挥部办公室或本县区的用户可以修改本县区的应急指挥机构名单。")


def _area(area_id: int) -> Area:
    area = selectors.county_areas().filter(pk=area_id).first()
    if area is None:
        raise CountyError("没有这个县区。", status=NOT_FOUND, code="counties.no_area")
    return area


def _kind(kind: str) -> str:
    if kind not in CountyBody.Kind.values:
        raise CountyError("机构只能是县区应急指挥部或应急办公室。", status=BAD_INPUT, code="counties.bad_kind")
    return kind


def _body_locked(area: Area, kind: str) -> tuple[CountyBody, bool]:
    """The area's body of that kind, locked; made with the default name on its first edit."""
    body, created = CountyBody.objects.select_for_update().get_or_create(
        area=area, kind=kind, defaults={"name": selectors.default_name(area, kind)}
    )
    return body, created


def _values(obj, fields) -> dict:
    values = {}
    for field in fields:
        value = getattr(obj, field)
        values[field] = value.isoformat() if isinstance(value, dt.datetime) else value
    return values


def _contact_values(data: dict) -> dict:
    order = data.get("order") or 0
    try:
        order = int(order)
    except (TypeError, ValueError) as exc:
        raise CountyError("排序必须是整数。", status=BAD_INPUT, code="counties.bad_order") from exc
    if not 0 <= order <= 32767:
        raise CountyError("排序必须在 0 到 32767 之间。", status=BAD_INPUT, code="counties.bad_order")
    values = {
        "post": _text(data.get("post"), what="职务", limit=50, required=True),
        "name": _text(data.get("name"), what="姓名", limit=50, required=True),
        "position": _text(data.get("position"), what="单位及职务", limit=100),
        "phone": _text(data.get("phone"), what="办公电话", limit=50),
        "mobile": _text(data.get("mobile"), what="手机", limit=50),
        "order": order,
    }
    if not values["phone"] and not values["mobile"]:
        raise CountyError("请至少填写办公电话或手机中的一个。", status=BAD_INPUT, code="counties.no_phone")
    return values


# ----------------------------------------------------------------------------- bodies and people


def county_body_save(*, actor, area_id: int, kind: str, name: str, host: str = "", duty_phone: str = "") -> CountyBody:
    """Name, host unit and duty phone of a county's headquarters or office."""
    area = _area(area_id)
    kind = _kind(kind)
    _may_keep(actor, area)
    values = {
        "name": _text(name, what="名称", limit=100, required=True),
        "host": _text(host, what="设在单位", limit=100),
        "duty_phone": _text(duty_phone, what="值班电话", limit=50),
    }
    with transaction.atomic():
        body, created = _body_locked(area, kind)
        before = None if created else _values(body, BODY_FIELDS)
        for field, value in values.items():
            setattr(body, field, value)
        body.save(update_fields=[*BODY_FIELDS, "updated_at"])
        audit_record(
            actor=actor,
            action="counties.body.saved",
            target=body,
            before=before,
            after=_values(body, BODY_FIELDS),
            data={"area": area.code, "kind": kind},
        )
    return body


def county_contact_add(*, actor, area_id: int, kind: str, **data) -> CountyContact:
    """A person on the county's headquarters or office (post, name, unit and position, phones)."""
    area = _area(area_id)
    kind = _kind(kind)
    _may_keep(actor, area)
    values = _contact_values(data)
    with transaction.atomic():
        body, _created = _body_locked(area, kind)
        contact = CountyContact.objects.create(body=body, **values)
        audit_record(
            actor=actor,
            action="counties.contact.added",
            target=contact,
            after=values,
            data={"area": area.code, "kind": kind},
        )
    return contact


def county_contact_update(*, actor, contact_id: int, **data) -> CountyContact:
    with transaction.atomic():
        contact = CountyContact.objects.select_for_update().select_related("body__area").filter(pk=contact_id).first()
        if contact is None:
            raise CountyError("没有这个人员。", status=NOT_FOUND, code="counties.no_contact")
        _may_keep(actor, contact.body.area)
        merged = {**_values(contact, CONTACT_FIELDS), **{k: v for k, v in data.items() if k in CONTACT_FIELDS}}
        values = _contact_values(merged)
        before = _values(contact, CONTACT_FIELDS)
        changed = [field for field, value in values.items() if before[field] != value]
        if not changed:
            return contact
        for field in changed:
            setattr(contact, field, values[field])
        contact.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="counties.contact.changed",
            target=contact,
            before={f: before[f] for f in changed},
            after={f: values[f] for f in changed},
            data={"area": contact.body.area.code, "kind": contact.body.kind},
        )
    return contact


def county_contact_remove(*, actor, contact_id: int) -> None:
    with transaction.atomic():
        contact = CountyContact.objects.select_for_update().select_related("body__area").filter(pk=contact_id).first()
        if contact is None:
            raise CountyError("没有这个人员。", status=NOT_FOUND, code="counties.no_contact")
        _may_keep(actor, contact.body.area)
        audit_record(
            actor=actor,
            action="counties.contact.removed",
            target=contact,
            before=_values(contact, CONTACT_FIELDS),
            data={"area": contact.body.area.code, "kind": contact.body.kind},
        )
        contact.delete()


# ----------------------------------------------------------------------------- extra measures (§5.2)


def _filer_area(actor) -> Area:
    if getattr(actor, "role", None) != Role.COUNTY or actor.area_id is None:
        raise NotYourCountyError("加强应急减排措施由县区用户填报本县区的措施。")
    return _area(actor.area_id)


def _measure_values(data: dict, response: Response) -> dict:
    category = data.get("category")
    if category not in ExtraMeasure.Category.values:
        raise CountyError(
            "请选择措施类别（工业企业、移动源、扬尘或其他）。", status=BAD_INPUT, code="counties.bad_category"
        )
    started_at = data.get("started_at")
    if not isinstance(started_at, dt.datetime):
        raise CountyError("请填写执行开始时间。", status=BAD_INPUT, code="counties.missing")
    if timezone.is_naive(started_at):
        started_at = timezone.make_aware(started_at)
    if started_at < response.started_at - EARLIEST_BEFORE_RESPONSE:
        raise CountyError(
            "执行开始时间不能早于本次应急响应启动前 3 天，请核对。", status=BAD_INPUT, code="counties.too_early"
        )
    sites = data.get("sites")
    if sites in ("", None):
        sites = None
    else:
        try:
            sites = int(sites)
        except (TypeError, ValueError) as exc:
            raise CountyError("涉及企业（工地）数必须是整数。", status=BAD_INPUT, code="counties.bad_sites") from exc
        if not 0 <= sites <= 1_000_000:
            raise CountyError(
                "涉及企业（工地）数必须在 0 到 1000000 之间。", status=BAD_INPUT, code="counties.bad_sites"
            )
    return {
        "category": category,
        "measure": _text(data.get("measure"), what="措施内容", limit=MAX_TEXT, required=True),
        "started_at": started_at,
        "scope": _text(data.get("scope"), what="范围", limit=200),
        "sites": sites,
        "note": _text(data.get("note"), what="备注", limit=MAX_TEXT),
    }


def _active(response: Response) -> None:
    if response.status != Response.Status.ACTIVE:
        raise CountyError("该应急响应已终止，不能再填报或修改加强措施。", code="counties.response_ended")


def extra_measure_file(*, actor, response_id: int, now: dt.datetime | None = None, **data) -> ExtraMeasure:
    """A county files an extra measure of its own area for a response in force (§5.2)."""
    area = _filer_area(actor)
    now = now or timezone.now()
    with transaction.atomic():
        response = Response.objects.select_for_update().filter(pk=response_id).first()
        if response is None:
            raise CountyError("没有这个应急响应。", status=NOT_FOUND, code="counties.no_response")
        _active(response)
        values = _measure_values(data, response)
        measure = ExtraMeasure.objects.create(response=response, area=area, filed_by=actor, filed_at=now, **values)
        audit_record(
            actor=actor,
            action="counties.measure.filed",
            target=measure,
            after=_values(measure, MEASURE_FIELDS),
            data={"area": area.code, "response": response.pk},
        )
    return measure


def _measure_locked(actor, measure_id: int) -> ExtraMeasure:
    area = _filer_area(actor)
    measure = ExtraMeasure.objects.select_for_update().select_related("response", "area").filter(pk=measure_id).first()
    if measure is None:
        raise CountyError("没有这条加强措施。", status=NOT_FOUND, code="counties.no_measure")
    if measure.area_id != area.pk:
        raise NotYourCountyError("只能修改本县区填报的加强措施。")
    _active(measure.response)
    return measure


def extra_measure_update(*, actor, measure_id: int, **data) -> ExtraMeasure:
    with transaction.atomic():
        measure = _measure_locked(actor, measure_id)
        before = _values(measure, MEASURE_FIELDS)
        merged = {f: getattr(measure, f) for f in MEASURE_FIELDS}
        merged.update({k: v for k, v in data.items() if k in MEASURE_FIELDS})
        values = _measure_values(merged, measure.response)
        changed = [f for f, v in values.items() if getattr(measure, f) != v]
        if not changed:
            return measure
        for field in changed:
            setattr(measure, field, values[field])
        measure.save(update_fields=[*changed, "updated_at"])
        after = _values(measure, MEASURE_FIELDS)
        audit_record(
            actor=actor,
            action="counties.measure.changed",
            target=measure,
            before={f: before[f] for f in changed},
            after={f: after[f] for f in changed},
            data={"area": measure.area.code, "response": measure.response_id},
        )
    return measure


def extra_measure_withdraw(*, actor, measure_id: int) -> None:
    """The county takes back a measure filed by mistake (the audit keeps what it said)."""
    with transaction.atomic():
        measure = _measure_locked(actor, measure_id)
        audit_record(
            actor=actor,
            action="counties.measure.withdrawn",
            target=measure,
            before=_values(measure, MEASURE_FIELDS),
            data={"area": measure.area.code, "response": measure.response_id},
        )
        measure.delete()
