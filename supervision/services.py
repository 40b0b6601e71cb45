"""Every write of supervision: inspections (create, edit, follow-up, delete, photos) by the
supervision group; the enforcement actions ordered on a finding (stop, fine, referral: ordered →
followed up → closed, §7.2); and the tip-off workflow (received → routed to the responsible
member unit → answered by it, or verified by the office → verified true/false → reward, §7.3).
Guard → atomic + row lock → save → audit → effects through the outbox (STYLE.md)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.roles import Role
from audit.services import audit_record
from command.models import Area, MemberUnit
from core.errors import CONFLICT, NOT_FOUND, NOT_YOURS, DomainError
from core.outbox import outbox_emit
from measures.models import Enterprise
from notifications.services import notify_users
from response.services import response_covering
from response.uploads import IMAGE_TYPES, check_upload

from . import domain
from .models import EnforcementAction, Inspection, InspectionPhoto, TipOff

INSPECTORS: frozenset[str] = frozenset({Role.SUPERVISOR})
TIPOFF_HANDLERS: frozenset[str] = frozenset({Role.OFFICE, Role.SUPERVISOR})
#: Who answers a tip-off routed to their unit: its users; for an area's government also that
#: area's county users (the county's response office, §8.1).
TIPOFF_ANSWERERS: frozenset[str] = frozenset({Role.UNIT, Role.COUNTY})
#: Channels staff enter by hand (the web form is the public's own).
STAFF_CHANNELS = (TipOff.Channel.ECOLOGY_HOTLINE, TipOff.Channel.CITIZEN_HOTLINE, TipOff.Channel.OTHER)
MAX_FINE = Decimal("100000000")
MAX_PHOTOS = 10
MAX_TEXT = 5_000
TIPOFF_MAX_DESCRIPTION = 2_000
EDITABLE = (
    "date",
    "place",
    "enterprise",
    "enterprise_name",
    "county",
    "findings",
    "violation",
    "violation_description",
)


def editable_values(values) -> dict:
    """The fields of an inspection one may write (EDITABLE), out of a form's or a serializer's data."""
    return {key: values[key] for key in EDITABLE}


class SupervisionError(DomainError):
    """A step the rules refuse; the message is in Chinese."""

    code = "supervision.refused"


class NotAllowedError(SupervisionError):
    """The person's role may not take this step (403)."""

    code = "supervision.not_allowed"
    status = NOT_YOURS


class StateError(SupervisionError):
    """The record's state does not allow the step now (409)."""

    code = "supervision.state"
    status = CONFLICT


class NotYoursError(SupervisionError):
    """A tip-off routed to another unit or area: not found for this person (404)."""

    code = "supervision.not_yours"
    status = NOT_FOUND


def photo_max_bytes() -> int:
    return int(getattr(settings, "SUPERVISION_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


def _require(actor, roles: frozenset[str], message: str) -> None:
    if getattr(actor, "role", None) not in roles:
        raise NotAllowedError(message)


def _snapshot(inspection: Inspection) -> dict:
    return {
        "date": inspection.date.isoformat() if inspection.date else None,
        "place": inspection.place,
        "enterprise_name": inspection.enterprise_name,
        "enterprise": inspection.enterprise_id,
        "county": inspection.county_id,
        "findings": inspection.findings,
        "violation": inspection.violation,
        "violation_description": inspection.violation_description,
        "follow_up_status": inspection.follow_up_status,
        "follow_up_due": inspection.follow_up_due.isoformat() if inspection.follow_up_due else None,
        "follow_up_notes": inspection.follow_up_notes,
    }


def _check_fields(fields: dict) -> dict:
    clean = dict(fields)
    for key in ("place", "enterprise_name", "findings", "violation_description"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "place" in clean and not clean["place"]:
        raise SupervisionError("请填写检查地点。")
    if "findings" in clean and not clean["findings"]:
        raise SupervisionError("请填写检查情况。")
    for key in ("findings", "violation_description"):
        if len(clean.get(key, "")) > MAX_TEXT:
            raise SupervisionError(f"文字不能超过 {MAX_TEXT} 字。")
    if "enterprise" in clean:
        clean["enterprise"] = _enterprise(clean["enterprise"])
        if clean["enterprise"] is not None:
            # The registry's name and county, unless the inspector wrote their own.
            clean["enterprise_name"] = clean.get("enterprise_name") or clean["enterprise"].name
            if clean.get("county") in (None, ""):
                clean["county"] = clean["enterprise"].area
    county = clean.get("county")
    if county in ("",):
        clean["county"] = county = None
    if county is not None and not isinstance(county, Area):
        clean["county"] = Area.objects.filter(code=str(county)).first()  # an area code (API)
        if clean["county"] is None:
            raise SupervisionError("县区无效。")
    if clean.get("county") is not None and clean["county"].kind == Area.Kind.CITY:
        raise SupervisionError("请选择具体的县区。")
    if clean.get("date") and clean["date"] > timezone.localdate() + dt.timedelta(days=1):
        raise SupervisionError("检查日期不能晚于今天。")
    return clean


def _enterprise(value: Any):
    """An enterprise of the 应急减排清单 (measures app), by instance or id; None when not given."""
    if value in (None, ""):
        return None

    if isinstance(value, Enterprise):
        return value
    found = Enterprise.objects.filter(pk=value).first() if str(value).isdigit() else None
    if found is None:
        raise SupervisionError("清单中没有该企业。")
    return found


def _add_photos(inspection: Inspection, photos: Iterable, actor) -> list[str]:
    photos = list(photos)
    if inspection.photos.count() + len(photos) > MAX_PHOTOS:
        raise SupervisionError(f"每条检查记录最多 {MAX_PHOTOS} 张照片。")
    names = []
    for upload in photos:
        try:
            info = check_upload(upload, allowed=IMAGE_TYPES, max_bytes=photo_max_bytes())
        except ValidationError as exc:
            raise SupervisionError(exc.messages[0]) from exc
        InspectionPhoto.objects.create(
            inspection=inspection,
            file=upload,
            name=info.name,
            size=info.size,
            content_type=info.content_type,
            uploaded_by=actor,
        )
        names.append(info.name)
    return names


def inspection_create(
    *,
    actor,
    date: dt.date,
    place: str,
    findings: str,
    enterprise_name: str = "",
    county: Any = None,
    violation: bool = False,
    violation_description: str = "",
    follow_up_due: dt.date | None = None,
    photos: Iterable = (),
    enterprise: Any = None,
) -> Inspection:
    _require(actor, INSPECTORS, "只有督导检查组可以记录督导检查。")
    fields = _check_fields(
        {
            "date": date,
            "place": place,
            "findings": findings,
            "enterprise": enterprise,
            "enterprise_name": enterprise_name,
            "county": county,
            "violation": bool(violation),
            "violation_description": violation_description,
        }
    )
    if fields["violation"] and not fields["violation_description"]:
        raise SupervisionError("发现违法违规时请写明违法违规情况。")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            inspector=actor,
            follow_up_due=follow_up_due,
            response=response_covering(fields["date"]),
            **fields,
        )
        names = _add_photos(inspection, photos, actor)
        audit_record(
            actor=actor,
            action="supervision.inspection.created",
            target=inspection,
            after=_snapshot(inspection),
            data={"photos": names},
        )
    return inspection


def inspection_update(*, actor, inspection_id: int, photos: Iterable = (), **fields) -> Inspection:
    _require(actor, INSPECTORS, "只有督导检查组可以修改督导检查记录。")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise SupervisionError(f"不能修改这些字段：{', '.join(sorted(unknown))}")
    fields = _check_fields(fields)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
        before = _snapshot(inspection)
        for key, value in fields.items():
            setattr(inspection, key, value)
        if inspection.violation and not inspection.violation_description:
            raise SupervisionError("发现违法违规时请写明违法违规情况。")
        if not inspection.violation and inspection.actions.exists():
            raise StateError("该检查已下达执法措施，不能改为未发现违法违规。")
        if "date" in fields:
            inspection.response = response_covering(inspection.date)
        inspection.save(
            update_fields=[*fields, "response", "updated_at"] if "date" in fields else [*fields, "updated_at"]
        )
        names = _add_photos(inspection, photos, actor)
        audit_record(
            actor=actor,
            action="supervision.inspection.edited",
            target=inspection,
            before=before,
            after=_snapshot(inspection),
            data={"photos_added": names},
        )
    return inspection


def inspection_follow_up(
    *, actor, inspection_id: int, status: str, due: dt.date | None = None, notes: str = ""
) -> Inspection:
    """The follow-up of a finding: open → rectifying (整改中, with a due date) → closed (办结, with notes)."""
    _require(actor, INSPECTORS, "只有督导检查组可以更新处理情况。")
    if status not in Inspection.FollowUp.values:
        raise SupervisionError("处理状态无效。")
    notes = (notes or "").strip()
    if len(notes) > MAX_TEXT:
        raise SupervisionError(f"文字不能超过 {MAX_TEXT} 字。")
    if status == Inspection.FollowUp.RECTIFYING and due is None:
        raise SupervisionError("整改中的问题请填写整改期限。")
    if status == Inspection.FollowUp.CLOSED and not notes:
        raise SupervisionError("办结时请写明处理情况。")
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
        before = _snapshot(inspection)
        inspection.follow_up_status = status
        inspection.follow_up_due = due
        if notes:
            inspection.follow_up_notes = notes
        inspection.save(update_fields=["follow_up_status", "follow_up_due", "follow_up_notes", "updated_at"])
        audit_record(
            actor=actor,
            action="supervision.inspection.follow_up",
            target=inspection,
            before=before,
            after=_snapshot(inspection),
        )
    return inspection


def inspection_delete(*, actor, inspection_id: int) -> None:
    """A record entered by mistake; the audit entry keeps what it said."""
    _require(actor, INSPECTORS, "只有督导检查组可以删除督导检查记录。")
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
        if inspection.actions.exists():
            raise StateError("该检查已下达执法措施，不能删除；执法措施的记录须保留。")
        before = _snapshot(inspection)
        photos = list(inspection.photos.all())
        audit_record(
            actor=actor,
            action="supervision.inspection.deleted",
            target=inspection,
            before=before,
            data={"photos": [p.name for p in photos]},
        )
        names = [p.file.name for p in photos if p.file]
        inspection.delete()
        if names:  # the files go once the deletion has committed (a rollback keeps record and files)
            outbox_emit("supervision.photos.delete", {"names": names})


# ----------------------------------------------------------------------------- tip-offs


def tipoff_rate_limit() -> tuple[int, int]:
    """(how many, per how many seconds) a client address may send."""
    return (int(getattr(settings, "TIPOFF_RATE_LIMIT", 5)), int(getattr(settings, "TIPOFF_RATE_WINDOW_SECONDS", 3600)))


def tipoff_rate_allow(client_address: str | None) -> bool:
    """Count one submission for the address in the cache; False once the window's quota is spent."""
    limit, window = tipoff_rate_limit()
    key = f"supervision:tipoff-rate:{client_address or 'unknown'}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def _new_reference() -> str:
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"JB{stamp}-{secrets.token_hex(3).upper()}"


def new_check_code() -> str:
    """The short code a sender gets with the reference: both are needed to look a tip-off up, so
    references (dated, short) cannot be enumerated."""
    return f"{secrets.randbelow(10**6):06d}"


def check_code_digest(reference: str, code: str) -> str:
    return salted_hmac("supervision.tipoff.check-code", f"{reference}:{code}").hexdigest()


def _area(value: Any) -> Area | None:
    if value in (None, ""):
        return None
    if isinstance(value, Area):
        area = value
    else:
        area = Area.objects.filter(code=str(value)).first()
        if area is None:
            raise SupervisionError("县区无效。")
    if area.kind == Area.Kind.CITY:
        return None  # "the whole city": no area
    return area


def _area_governments() -> dict[str, str]:
    """Area code → slug of its government (各县区人民政府及开发区管委会)."""
    return dict(
        MemberUnit.objects.filter(kind=MemberUnit.Kind.COUNTY, active=True, area__isnull=False).values_list(
            "area__code", "slug"
        )
    )


def tipoff_route_unit(category: str, area: Area | None) -> MemberUnit | None:
    """The member unit the routing table (supervision/domain.py) gives, if it exists and is active."""
    slug = domain.tipoff_route(category, area.code if area else None, _area_governments())
    return MemberUnit.objects.filter(slug=slug, active=True).first() if slug else None


def tipoff_submit(
    *,
    category: str,
    place: str,
    description: str,
    reporter_name: str = "",
    reporter_phone: str = "",
    client_address: str | None = None,
    area: Any = None,
    channel: str = TipOff.Channel.WEB,
    entered_by=None,
) -> TipOff:
    """A tip-off from the public page (or entered by staff, see tipoff_enter): stored with a
    reference number and a check code the sender can quote (``tipoff.check_code``, shown once,
    only its digest is stored), and routed to the responsible member unit."""
    if category not in TipOff.Category.values:
        raise SupervisionError("请选择举报类别。")
    if channel not in TipOff.Channel.values:
        raise SupervisionError("举报渠道无效。")
    place, description = (place or "").strip(), (description or "").strip()
    reporter_name, reporter_phone = (reporter_name or "").strip(), (reporter_phone or "").strip()
    if not place or not description:
        raise SupervisionError("请填写地点和举报内容。")
    if (
        len(place) > 200
        or len(description) > TIPOFF_MAX_DESCRIPTION
        or len(reporter_name) > 50
        or len(reporter_phone) > 20
    ):
        raise SupervisionError("内容过长。")
    if bool(reporter_name) != bool(reporter_phone):
        raise SupervisionError("实名举报请同时填写姓名和联系电话；匿名举报两项都不填。")
    area = _area(area)
    unit = tipoff_route_unit(category, area)
    for _attempt in range(5):
        reference, code = _new_reference(), new_check_code()
        try:
            with transaction.atomic():
                now = timezone.now()
                tipoff = TipOff.objects.create(
                    reference=reference,
                    check_code_hash=check_code_digest(reference, code),
                    channel=channel,
                    category=category,
                    area=area,
                    place=place,
                    description=description,
                    reporter_name=reporter_name,
                    reporter_phone=reporter_phone,
                    real_name=bool(reporter_name),
                    client_address=client_address,
                    response=response_covering(timezone.localdate()),
                    assigned_unit=unit,
                    routed_at=now if unit else None,
                    entered_by=entered_by,
                )
                audit_record(
                    actor=entered_by,
                    action="supervision.tipoff.received",
                    target=tipoff,
                    after={
                        "status": tipoff.status,
                        "category": category,
                        "real_name": tipoff.real_name,
                        "channel": channel,
                        "area": area.code if area else None,
                        "assigned_unit": unit.slug if unit else None,
                    },
                    ip_address=client_address,
                )
                if unit is not None:
                    outbox_emit("supervision.tipoff.routed", {"tipoff_id": tipoff.pk})
            tipoff.check_code = code
            return tipoff
        except IntegrityError:
            continue  # a reference collision: draw again
    raise SupervisionError("系统繁忙，请稍后重试。")


def tipoff_enter(*, actor, channel: str, **fields) -> TipOff:
    """A hotline tip-off (12369, 12345 or another channel) entered by the office or the
    supervision group beside the public web form; routed the same way."""
    _require(actor, TIPOFF_HANDLERS, "只有应急指挥部办公室或督导检查组可以登记热线举报。")
    if channel not in STAFF_CHANNELS:
        raise SupervisionError("请选择举报渠道（12369、12345 或其他）；网上举报由公众在举报页面提交。")
    return tipoff_submit(channel=channel, entered_by=actor, **fields)


def tipoff_lookup(*, reference: str, code: str) -> TipOff | None:
    """The public look-up: the tip-off when reference and check code match, otherwise None (the
    same answer for an unknown reference and a wrong code)."""
    reference, code = (reference or "").strip().upper(), (code or "").strip()
    if not reference or not code or len(reference) > 32 or len(code) > 12:
        return None
    tipoff = TipOff.objects.select_related("assigned_unit").filter(reference=reference).first()
    digest = check_code_digest(reference, code)
    if tipoff is None or not tipoff.check_code_hash or not constant_time_compare(tipoff.check_code_hash, digest):
        return None
    return tipoff


def tipoff_lookup_rate_allow(client_address: str | None) -> bool:
    """At most TIPOFF_LOOKUP_RATE_LIMIT look-ups an hour per address (default 20)."""
    limit = int(getattr(settings, "TIPOFF_LOOKUP_RATE_LIMIT", 20))
    key = f"supervision:tipoff-lookup-rate:{client_address or 'unknown'}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
        count = 1
    return count <= limit


def tipoff_may_answer(actor, tipoff: TipOff) -> bool:
    """A unit's users answer what is routed to their unit; a county's users what is routed to
    their area's government."""
    unit = tipoff.assigned_unit
    role = getattr(actor, "role", None)
    if unit is None:
        return False
    if role == Role.UNIT:
        return actor.unit_id == unit.pk
    if role == Role.COUNTY:
        return unit.area_id is not None and actor.area_id == unit.area_id
    return False


def tipoff_route_to(*, actor, tipoff_id: int, unit: Any) -> TipOff:
    """The office or the supervision group routes (or re-routes) an unanswered tip-off by hand."""
    _require(actor, TIPOFF_HANDLERS, "只有应急指挥部办公室或督导检查组可以转办举报。")
    target = (
        unit if isinstance(unit, MemberUnit) else MemberUnit.objects.filter(slug=str(unit or ""), active=True).first()
    )
    if target is None:
        raise SupervisionError("请选择承办单位。")
    with transaction.atomic():
        tipoff = _tipoff_locked(tipoff_id)
        if tipoff.status in (TipOff.Status.TRUE, TipOff.Status.FALSE) or tipoff.answered_at is not None:
            raise StateError("该举报已办结，不能再转办。")
        if tipoff.assigned_unit_id == target.pk:
            raise StateError(f"该举报已由{target.short_name}承办。")
        before = {"assigned_unit": tipoff.assigned_unit.slug if tipoff.assigned_unit_id else None}
        tipoff.assigned_unit = target
        tipoff.routed_at = timezone.now()
        tipoff.save(update_fields=["assigned_unit", "routed_at"])
        audit_record(
            actor=actor,
            action="supervision.tipoff.routed",
            target=tipoff,
            before=before,
            after={"assigned_unit": target.slug},
        )
        outbox_emit("supervision.tipoff.routed", {"tipoff_id": tipoff.pk})
    return tipoff


def tipoff_notify_routed(*, tipoff_id: int) -> int:
    """In-app notices to the users of the unit the tip-off went to (and, for an area's
    government, that area's county users)."""
    tipoff = TipOff.objects.select_related("assigned_unit").get(pk=tipoff_id)
    unit = tipoff.assigned_unit
    if unit is None:
        return 0
    people = get_user_model().objects.filter(role=Role.UNIT, unit=unit, is_active=True)
    if unit.area_id:
        people = people | get_user_model().objects.filter(role=Role.COUNTY, area_id=unit.area_id, is_active=True)
    return notify_users(
        people,
        kind="supervision.tipoff.routed",
        title=f"公众举报转办：{tipoff.reference}（{tipoff.get_category_display()}）",
        body=f"{tipoff.place}：{tipoff.description[:200]}",
        link=reverse("supervision:tipoff-detail", args=[tipoff.pk]),
        target=tipoff,
    )


def tipoff_answer(*, actor, tipoff_id: int, verified: bool, answer: str) -> TipOff:
    """办理答复: the unit the tip-off was routed to says what it found (属实 or 不属实) and what it
    did; the answer is the verification's conclusion and is shown to the sender on the look-up
    page. Only that unit (or its area's county users) may answer, once."""
    if getattr(actor, "role", None) not in TIPOFF_ANSWERERS:
        raise NotAllowedError("举报由承办的成员单位答复。")
    answer = (answer or "").strip()
    if not answer:
        raise SupervisionError("请填写办理答复。")
    if len(answer) > MAX_TEXT:
        raise SupervisionError(f"文字不能超过 {MAX_TEXT} 字。")
    with transaction.atomic():
        tipoff = TipOff.objects.select_for_update().get(pk=tipoff_id)
        if not tipoff_may_answer(actor, tipoff):
            raise NotYoursError("没有找到转办给本单位的该举报。")
        if tipoff.answered_at is not None or tipoff.status in (TipOff.Status.TRUE, TipOff.Status.FALSE):
            raise StateError("该举报已有核查结论，不能再答复。")
        now = timezone.now()
        before = {"status": tipoff.status}
        tipoff.status = TipOff.Status.TRUE if verified else TipOff.Status.FALSE
        tipoff.answer, tipoff.answered_at, tipoff.answered_by = answer, now, actor
        tipoff.verification_note = answer
        tipoff.handled_by, tipoff.verified_at = actor, now
        tipoff.save(
            update_fields=[
                "status",
                "answer",
                "answered_at",
                "answered_by",
                "verification_note",
                "handled_by",
                "verified_at",
            ]
        )
        audit_record(
            actor=actor,
            action="supervision.tipoff.answered",
            target=tipoff,
            before=before,
            after={"status": tipoff.status},
            data={"unit": tipoff.assigned_unit.slug, "answer": answer[:500]},
        )
    return tipoff


def _tipoff_locked(tipoff_id: int) -> TipOff:
    return TipOff.objects.select_for_update().get(pk=tipoff_id)


def tipoff_start_verification(*, actor, tipoff_id: int) -> TipOff:
    _require(actor, TIPOFF_HANDLERS, "只有应急指挥部办公室或督导检查组可以核查举报。")
    with transaction.atomic():
        tipoff = _tipoff_locked(tipoff_id)
        if tipoff.status != TipOff.Status.RECEIVED:
            raise SupervisionError(f"该举报{tipoff.get_status_display()}，不能再开始核查。")
        tipoff.status = TipOff.Status.VERIFYING
        tipoff.handled_by = actor
        tipoff.save(update_fields=["status", "handled_by"])
        audit_record(
            actor=actor,
            action="supervision.tipoff.verifying",
            target=tipoff,
            before={"status": TipOff.Status.RECEIVED},
            after={"status": tipoff.status},
        )
    return tipoff


def tipoff_conclude(*, actor, tipoff_id: int, verified: bool, note: str) -> TipOff:
    """核查结论: true (属实) or false (不属实), with what was found."""
    _require(actor, TIPOFF_HANDLERS, "只有应急指挥部办公室或督导检查组可以核查举报。")
    note = (note or "").strip()
    if not note:
        raise SupervisionError("请填写核查情况。")
    if len(note) > MAX_TEXT:
        raise SupervisionError(f"文字不能超过 {MAX_TEXT} 字。")
    with transaction.atomic():
        tipoff = _tipoff_locked(tipoff_id)
        if tipoff.status != TipOff.Status.VERIFYING:
            raise SupervisionError("请先开始核查；已有结论的举报不能再改结论。")
        before = {"status": tipoff.status}
        tipoff.status = TipOff.Status.TRUE if verified else TipOff.Status.FALSE
        tipoff.verification_note = note
        tipoff.handled_by = actor
        tipoff.verified_at = timezone.now()
        tipoff.save(update_fields=["status", "verification_note", "handled_by", "verified_at"])
        audit_record(
            actor=actor,
            action="supervision.tipoff.verified",
            target=tipoff,
            before=before,
            after={"status": tipoff.status},
            data={"note": note},
        )
    return tipoff


def tipoff_reward(*, actor, tipoff_id: int, reward: bool, note: str = "") -> TipOff:
    """§7.3: a real-name tip-off found true may be rewarded (经核查属实的给予奖励)."""
    _require(actor, TIPOFF_HANDLERS, "只有应急指挥部办公室或督导检查组可以决定奖励。")
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise SupervisionError(f"文字不能超过 {MAX_TEXT} 字。")
    with transaction.atomic():
        tipoff = _tipoff_locked(tipoff_id)
        if tipoff.status != TipOff.Status.TRUE:
            raise SupervisionError("只有核查属实的举报才能给予奖励。")
        if reward and not tipoff.real_name:
            raise SupervisionError("匿名举报无法兑现奖励（奖励针对实名举报）。")
        before = {"reward": tipoff.reward, "reward_note": tipoff.reward_note}
        tipoff.reward = bool(reward)
        tipoff.reward_note = note
        tipoff.reward_decided_at = timezone.now()
        tipoff.save(update_fields=["reward", "reward_note", "reward_decided_at"])
        audit_record(
            actor=actor,
            action="supervision.tipoff.reward",
            target=tipoff,
            before=before,
            after={"reward": tipoff.reward, "reward_note": note},
        )
    return tipoff


# ----------------------------------------------------------------------------- enforcement (§7.2)


def _action_snapshot(action: EnforcementAction) -> dict:
    return {
        "kind": action.kind,
        "status": action.status,
        "fine_amount": str(action.fine_amount) if action.fine_amount is not None else None,
        "decision_number": action.decision_number,
        "referred_to": action.referred_to,
    }


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise SupervisionError("罚款金额无效。") from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_FINE:
        raise SupervisionError("罚款金额须大于 0 元。")
    return amount


def enforcement_order(
    *,
    actor,
    inspection_id: int,
    kind: str,
    fine_amount: Any = None,
    decision_number: str = "",
    referred_to: str = "",
    note: str = "",
) -> EnforcementAction:
    """An enforcement action on a finding (§7.2): 责令停产, 罚款 (amount and 决定书文号) or 移送 (to
    whom). Only on an inspection that found a violation; by the supervision group."""
    _require(actor, INSPECTORS, "只有督导检查组可以下达执法措施。")
    if kind not in EnforcementAction.Kind.values:
        raise SupervisionError("请选择执法措施类别。")
    decision_number, referred_to = (decision_number or "").strip(), (referred_to or "").strip()
    note = (note or "").strip()
    if len(note) > MAX_TEXT or len(decision_number) > 100 or len(referred_to) > 200:
        raise SupervisionError("内容过长。")
    fields: dict[str, Any] = {"kind": kind, "note": note}
    if kind == EnforcementAction.Kind.FINE:
        if fine_amount in (None, ""):
            raise SupervisionError("罚款请填写罚款金额。")
        if not decision_number:
            raise SupervisionError("罚款请填写处罚决定书文号。")
        fields.update(fine_amount=_amount(fine_amount), decision_number=decision_number)
    elif kind == EnforcementAction.Kind.REFERRAL:
        if not referred_to:
            raise SupervisionError("移送请填写移送机关。")
        fields.update(referred_to=referred_to, decision_number=decision_number)
    else:
        fields.update(decision_number=decision_number)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
        if not inspection.violation:
            raise StateError("只有发现违法违规的检查才能下达执法措施。")
        action = EnforcementAction.objects.create(inspection=inspection, ordered_by=actor, **fields)
        audit_record(
            actor=actor,
            action="supervision.enforcement.ordered",
            target=action,
            after=_action_snapshot(action),
            data={"inspection": inspection.pk, "note": note[:500]},
        )
    return action


def enforcement_follow_up(*, actor, action_id: int, note: str) -> EnforcementAction:
    """跟进: what was found when the order was checked (the stop kept, the fine paid, the case
    taken up); ordered → followed up."""
    _require(actor, INSPECTORS, "只有督导检查组可以跟进执法措施。")
    note = _step_note(note, what="跟进情况")
    with transaction.atomic():
        action = EnforcementAction.objects.select_for_update().get(pk=action_id)
        if action.status != EnforcementAction.Status.ORDERED:
            raise StateError(f"该执法措施{action.get_status_display()}，不能再跟进。")
        before = _action_snapshot(action)
        action.status = EnforcementAction.Status.FOLLOWED_UP
        action.follow_up_note, action.followed_up_at, action.followed_up_by = note, timezone.now(), actor
        action.save(update_fields=["status", "follow_up_note", "followed_up_at", "followed_up_by"])
        audit_record(
            actor=actor,
            action="supervision.enforcement.followed_up",
            target=action,
            before=before,
            after=_action_snapshot(action),
            data={"note": note[:500]},
        )
    return action


def enforcement_close(*, actor, action_id: int, note: str) -> EnforcementAction:
    """办结: after the follow-up, the action is closed with how it ended; followed up → closed."""
    _require(actor, INSPECTORS, "只有督导检查组可以办结执法措施。")
    note = _step_note(note, what="办结情况")
    with transaction.atomic():
        action = EnforcementAction.objects.select_for_update().get(pk=action_id)
        if action.status == EnforcementAction.Status.ORDERED:
            raise StateError("请先跟进，再办结。")
        if action.status == EnforcementAction.Status.CLOSED:
            raise StateError("该执法措施已办结。")
        before = _action_snapshot(action)
        action.status = EnforcementAction.Status.CLOSED
        action.closing_note, action.closed_at, action.closed_by = note, timezone.now(), actor
        action.save(update_fields=["status", "closing_note", "closed_at", "closed_by"])
        audit_record(
            actor=actor,
            action="supervision.enforcement.closed",
            target=action,
            before=before,
            after=_action_snapshot(action),
            data={"note": note[:500]},
        )
    return action


ENFORCEMENT_STEPS = {"follow_up": enforcement_follow_up, "close": enforcement_close}


def _step_note(note: str, *, what: str) -> str:
    note = (note or "").strip()
    if not note:
        raise SupervisionError(f"请填写{what}。")
    if len(note) > MAX_TEXT:
        raise SupervisionError(f"文字不能超过 {MAX_TEXT} 字。")
    return note
