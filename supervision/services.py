"""Every write of supervision: inspections (create, edit, follow-up, delete, photos) by the
supervision group, and the tip-off workflow (received → verifying → verified true/false →
reward). Guard → atomic + row lock → save → audit (STYLE.md)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from audit.services import audit_record
from command.models import Area
from core.errors import NOT_YOURS, DomainError
from core.outbox import outbox_emit
from measures.models import Enterprise
from response.services import response_covering
from response.uploads import IMAGE_TYPES, check_upload

from .models import Inspection, InspectionPhoto, TipOff

INSPECTORS: frozenset[str] = frozenset({Role.SUPERVISOR})
TIPOFF_HANDLERS: frozenset[str] = frozenset({Role.OFFICE, Role.SUPERVISOR})
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


class SupervisionError(DomainError):
    """A step the rules refuse; the message is in Chinese."""

    code = "supervision.refused"


class NotAllowedError(SupervisionError):
    """The person's role may not take this step (403)."""

    code = "supervision.not_allowed"
    status = NOT_YOURS


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


def tipoff_submit(
    *,
    category: str,
    place: str,
    description: str,
    reporter_name: str = "",
    reporter_phone: str = "",
    client_address: str | None = None,
) -> TipOff:
    """A tip-off from the public page: stored with a reference number the sender can quote."""
    if category not in TipOff.Category.values:
        raise SupervisionError("请选择举报类别。")
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
    for _attempt in range(5):
        try:
            with transaction.atomic():
                tipoff = TipOff.objects.create(
                    reference=_new_reference(),
                    category=category,
                    place=place,
                    description=description,
                    reporter_name=reporter_name,
                    reporter_phone=reporter_phone,
                    real_name=bool(reporter_name),
                    client_address=client_address,
                    response=response_covering(timezone.localdate()),
                )
                audit_record(
                    actor=None,
                    action="supervision.tipoff.received",
                    target=tipoff,
                    after={"status": tipoff.status, "category": category, "real_name": tipoff.real_name},
                    ip_address=client_address,
                )
            return tipoff
        except IntegrityError:
            continue  # a reference collision: draw again
    raise SupervisionError("系统繁忙，请稍后重试。")


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
