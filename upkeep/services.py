"""Every write of the plan's upkeep, in the house shape: guard → atomic + row lock →
save(update_fields) → audit. Nothing is sent after commit: these are records the office keeps.

- trainings (预案培训 §9.1.2): entered by the office, or by a member unit for its own;
- the plan's editions, the revision situations (§9.1.4) and the revision decisions;
- each summary's improvement suggestions (§6 改进建议): recorded → accepted → done, or rejected.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from audit.services import audit_record
from command.models import MemberUnit
from core.errors import BAD_INPUT, CONFLICT, NOT_YOURS, DomainError
from reviews.models import DrillRecord, ResponseSummary

from . import domain
from .models import PlanEdition, RevisionDecision, RevisionTrigger, Suggestion, Training

MAX_TEXT = 4_000


class UpkeepError(DomainError):
    """A step on a training, the plan's revision or a suggestion that is not allowed now."""

    code = "upkeep.refused"
    status = CONFLICT


class NotYoursError(UpkeepError):
    """The person acts for another unit, or their role may not take the step (403)."""

    code = "upkeep.not_yours"
    status = NOT_YOURS


def _text(value: str | None, *, what: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise UpkeepError(f"请填写{what}。", status=BAD_INPUT)
    if len(value) > limit:
        raise UpkeepError(f"{what}不能超过 {limit} 字。", status=BAD_INPUT)
    return value


def _office(actor, what: str) -> None:
    if getattr(actor, "role", None) != Role.OFFICE:
        raise NotYoursError(f"{what}由应急指挥部办公室登记。")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, MemberUnit):
        return value.slug
    return value


# ----------------------------------------------------------------------------- trainings

TRAINING_FIELDS = (
    "topic",
    "contents",
    "trainer",
    "held_on",
    "place",
    "hours",
    "attendees",
    "attendee_count",
    "assessment",
    "assessed_count",
    "passed_count",
    "result",
    "note",
)


def _training_values(training: Training) -> dict:
    values = {f: _plain(getattr(training, f)) for f in TRAINING_FIELDS}
    values["unit"] = training.unit.slug if training.unit_id else None
    values["attendee_units"] = sorted(training.attendee_units.values_list("slug", flat=True))
    return values


def _training_unit(actor, unit: MemberUnit | None) -> MemberUnit | None:
    """Who organised it: the office names any unit (or none: the office itself); a member unit
    enters only its own training, whatever the form says."""
    role = getattr(actor, "role", None)
    if role == Role.OFFICE:
        return unit
    if role == Role.UNIT and actor.unit_id:
        if unit is not None and unit.pk != actor.unit_id:
            raise NotYoursError("成员单位只能登记本单位组织的培训。")
        return actor.unit
    raise NotYoursError("培训记录由应急指挥部办公室或组织培训的成员单位登记。")


def _training_clean(data: dict) -> dict:
    clean = dict(data)
    clean["topic"] = _text(data.get("topic"), what="培训主题", limit=200)
    clean["trainer"] = _text(data.get("trainer"), what="授课人", limit=100)
    clean["place"] = _text(data.get("place"), what="培训地点", required=False, limit=200)
    for key, what in (("attendees", "参训人员"), ("result", "考核结果"), ("note", "备注")):
        clean[key] = _text(data.get(key), what=what, required=False)
    if data.get("hours") is not None and data["hours"] < 0:
        raise UpkeepError("学时不能为负数。", status=BAD_INPUT)
    if not data.get("held_on"):
        raise UpkeepError("请填写培训日期。", status=BAD_INPUT)
    contents = list(data.get("contents") or [])
    unknown = set(contents) - set(Training.Content.values)
    if unknown:
        raise UpkeepError(f"培训内容不在预案所列范围内：{'、'.join(sorted(unknown))}", status=BAD_INPUT)
    clean["contents"] = [c for c in Training.Content.values if c in contents]
    assessment = data.get("assessment") or Training.Assessment.NONE
    if assessment not in Training.Assessment.values:
        raise UpkeepError("考核方式无效。", status=BAD_INPUT)
    clean["assessment"] = assessment
    problems = domain.training_problems(
        attendee_count=int(data.get("attendee_count") or 0),
        assessment=assessment,
        assessed_count=data.get("assessed_count"),
        passed_count=data.get("passed_count"),
    )
    if problems:
        raise UpkeepError("".join(problems), status=BAD_INPUT)
    if assessment == Training.Assessment.NONE:
        clean["assessed_count"] = clean["passed_count"] = None
    return clean


def training_create(*, actor, unit: MemberUnit | None = None, attendee_units=(), **data) -> Training:
    """Enter a training (§9.1.2). A member unit's training is always its own."""
    organiser = _training_unit(actor, unit)
    clean = _training_clean(data)
    with transaction.atomic():
        training = Training.objects.create(
            unit=organiser, created_by=actor, **{f: clean.get(f) for f in TRAINING_FIELDS if f in clean}
        )
        training.attendee_units.set(list(attendee_units))
        audit_record(actor=actor, action="upkeep.training.recorded", target=training, after=_training_values(training))
    return training


def training_update(*, actor, training_id: int, unit: MemberUnit | None = None, attendee_units=(), **data) -> Training:
    """Correct a training: the office any, a member unit only one it organised."""
    clean = _training_clean(data)
    with transaction.atomic():
        training = Training.objects.select_for_update(of=("self",)).select_related("unit").get(pk=training_id)
        if getattr(actor, "role", None) == Role.UNIT and training.unit_id != actor.unit_id:
            raise NotYoursError("成员单位只能修改本单位组织的培训。")
        organiser = _training_unit(actor, unit if actor.role == Role.OFFICE else training.unit)
        before = _training_values(training)
        training.unit = organiser
        for field in TRAINING_FIELDS:
            if field in clean:
                setattr(training, field, clean[field])
        training.save(update_fields=["unit", *TRAINING_FIELDS, "updated_at"])
        training.attendee_units.set(list(attendee_units))
        audit_record(
            actor=actor,
            action="upkeep.training.edited",
            target=training,
            before=before,
            after=_training_values(training),
        )
    return training


# ----------------------------------------------------------------------------- the plan's revision


def edition_record(*, actor, number: str, issued_on: dt.date, title: str = "", note: str = "") -> PlanEdition:
    """Record an issued edition of the plan (e.g. the 2023 one, or one issued outside a decision)."""
    _office(actor, "预案版本")
    number = _text(number, what="文号", limit=100)
    if issued_on is None:
        raise UpkeepError("请填写印发日期。", status=BAD_INPUT)
    if issued_on > timezone.localdate():
        raise UpkeepError("印发日期不能晚于今天。", status=BAD_INPUT)
    with transaction.atomic():
        if PlanEdition.objects.filter(number=number).exists():
            raise UpkeepError(f"已登记文号为 {number} 的预案版本。")
        edition = PlanEdition.objects.create(
            number=number,
            issued_on=issued_on,
            recorded_by=actor,
            title=_text(title, what="预案名称", required=False, limit=200) or "阳泉市重污染天气应急预案",
            note=_text(note, what="说明", required=False),
        )
        audit_record(
            actor=actor,
            action="upkeep.edition.recorded",
            target=edition,
            after={"number": edition.number, "issued_on": issued_on.isoformat()},
        )
    return edition


def trigger_record(
    *,
    actor,
    kind: str,
    occurred_on: dt.date,
    note: str,
    summary: ResponseSummary | None = None,
    drill: DrillRecord | None = None,
) -> RevisionTrigger:
    """Record one of the situations that call for a prompt revision (§9.1.4, §6, §9.1.3): the
    revision clock is brought forward while it is open."""
    _office(actor, "预案修订情形")
    if kind not in RevisionTrigger.Kind.values:
        raise UpkeepError("请选择预案所列的修订情形。", status=BAD_INPUT)
    if occurred_on is None:
        raise UpkeepError("请填写发生日期。", status=BAD_INPUT)
    if occurred_on > timezone.localdate():
        raise UpkeepError("发生日期不能晚于今天。", status=BAD_INPUT)
    note = _text(note, what="情况说明")
    with transaction.atomic():
        trigger = RevisionTrigger.objects.create(
            kind=kind, occurred_on=occurred_on, note=note, summary=summary, drill=drill, recorded_by=actor
        )
        audit_record(
            actor=actor,
            action="upkeep.trigger.recorded",
            target=trigger,
            after={"kind": kind, "occurred_on": occurred_on.isoformat(), "open": True},
            data={"note": note[:500], "summary": summary.pk if summary else None, "drill": drill.pk if drill else None},
        )
    return trigger


def revision_decide(
    *,
    actor,
    outcome: str,
    decided_on: dt.date,
    reason: str,
    trigger_ids=(),
    edition_number: str = "",
    edition_issued_on: dt.date | None = None,
) -> RevisionDecision:
    """The office's revision decision. ``revised``: a new edition (文号, 印发日期) is recorded and every
    open situation is addressed by it; the three years run again from its issue. ``not_needed``: the
    chosen open situations are closed with the reason."""
    _office(actor, "预案修订决定")
    if outcome not in RevisionDecision.Outcome.values:
        raise UpkeepError("请选择修订决定。", status=BAD_INPUT)
    if decided_on is None or decided_on > timezone.localdate():
        raise UpkeepError("决定日期不能为空，也不能晚于今天。", status=BAD_INPUT)
    reason = _text(reason, what="说明或理由")
    revised = outcome == RevisionDecision.Outcome.REVISED
    with transaction.atomic():
        open_rows = RevisionTrigger.objects.select_for_update().filter(decision__isnull=True)
        if revised:
            chosen = list(open_rows)
        else:
            ids = {int(i) for i in trigger_ids}
            chosen = list(open_rows.filter(pk__in=ids))
            if not ids:
                raise UpkeepError("请选择本决定处理的修订情形。", status=BAD_INPUT)
            if len(chosen) != len(ids):
                raise UpkeepError("所选修订情形不存在或已有决定。")
        edition = None
        if revised:
            edition = edition_record(
                actor=actor, number=edition_number, issued_on=edition_issued_on, note=f"修订决定：{reason[:200]}"
            )
        decision = RevisionDecision.objects.create(
            outcome=outcome, decided_on=decided_on, reason=reason, edition=edition, decided_by=actor
        )
        for trigger in chosen:
            trigger.decision = decision
            trigger.save(update_fields=["decision"])
        audit_record(
            actor=actor,
            action="upkeep.revision.decided",
            target=decision,
            before={"open_triggers": [t.pk for t in chosen]},
            after={"outcome": outcome, "edition": edition.number if edition else None},
            data={"reason": reason[:500], "decided_on": decided_on.isoformat()},
        )
    return decision


# ----------------------------------------------------------------------------- suggestions (§6 改进建议)


def _suggestion_values(s: Suggestion) -> dict:
    return {"status": s.status, "unit": s.unit.slug if s.unit_id else None}


def suggestion_record(*, actor, summary_id: int, text: str, unit: MemberUnit | None = None) -> Suggestion:
    """Record one improvement suggestion of a response summary, open for a decision."""
    _office(actor, "改进建议")
    text = _text(text, what="改进建议")
    with transaction.atomic():
        summary = (
            ResponseSummary.objects.select_for_update(of=("self",))
            .select_related("warning")
            .filter(pk=summary_id)
            .first()
        )
        if summary is None:
            raise UpkeepError("请先填写应急响应统计表（附件6），再登记其改进建议。", status=BAD_INPUT)
        if Suggestion.objects.filter(summary=summary, text=text).exists():
            raise UpkeepError("这条改进建议已经登记。")
        suggestion = Suggestion.objects.create(summary=summary, text=text, unit=unit, recorded_by=actor)
        audit_record(
            actor=actor,
            action="upkeep.suggestion.recorded",
            target=suggestion,
            after=_suggestion_values(suggestion),
            data={"warning": summary.warning.number, "text": text[:500]},
        )
    return suggestion


def _locked(suggestion_id: int) -> Suggestion:
    return Suggestion.objects.select_for_update(of=("self",)).select_related("unit").get(pk=suggestion_id)


def suggestion_accept(*, actor, suggestion_id: int, note: str = "", now: dt.datetime | None = None) -> Suggestion:
    """The suggestion is taken up: its responsible unit carries it out (open → accepted)."""
    _office(actor, "改进建议的决定")
    note = _text(note, what="采纳说明", required=False)
    with transaction.atomic():
        s = _locked(suggestion_id)
        if s.status != Suggestion.Status.OPEN:
            raise UpkeepError(f"该建议{s.get_status_display()}，不能再采纳。")
        before = _suggestion_values(s)
        s.status, s.accepted_at, s.accepted_by, s.accept_note = (
            Suggestion.Status.ACCEPTED,
            now or timezone.now(),
            actor,
            note,
        )
        s.save(update_fields=["status", "accepted_at", "accepted_by", "accept_note"])
        audit_record(
            actor=actor,
            action="upkeep.suggestion.accepted",
            target=s,
            before=before,
            after=_suggestion_values(s),
            data={"note": note[:500]},
        )
    return s


def suggestion_reject(*, actor, suggestion_id: int, reason: str, now: dt.datetime | None = None) -> Suggestion:
    """The suggestion is not taken up, with the reason (open → rejected)."""
    _office(actor, "改进建议的决定")
    reason = _text(reason, what="不予采纳的理由")
    with transaction.atomic():
        s = _locked(suggestion_id)
        if s.status != Suggestion.Status.OPEN:
            raise UpkeepError(f"该建议{s.get_status_display()}，不能再作不予采纳的决定。")
        before = _suggestion_values(s)
        s.status, s.rejected_at, s.rejected_by, s.reject_reason = (
            Suggestion.Status.REJECTED,
            now or timezone.now(),
            actor,
            reason,
        )
        s.save(update_fields=["status", "rejected_at", "rejected_by", "reject_reason"])
        audit_record(
            actor=actor,
            action="upkeep.suggestion.rejected",
            target=s,
            before=before,
            after=_suggestion_values(s),
            data={"reason": reason[:500]},
        )
    return s


def suggestion_done(*, actor, suggestion_id: int, done_on: dt.date, note: str) -> Suggestion:
    """An accepted suggestion has been carried out, on a date (accepted → done)."""
    _office(actor, "改进建议的落实情况")
    note = _text(note, what="落实情况")
    if done_on is None:
        raise UpkeepError("请填写落实日期。", status=BAD_INPUT)
    if done_on > timezone.localdate():
        raise UpkeepError("落实日期不能晚于今天。", status=BAD_INPUT)
    with transaction.atomic():
        s = _locked(suggestion_id)
        if s.status != Suggestion.Status.ACCEPTED:
            raise UpkeepError("只有已采纳的建议才能登记落实。")
        if s.accepted_at and done_on < timezone.localdate(s.accepted_at):
            raise UpkeepError("落实日期不能早于采纳日期。", status=BAD_INPUT)
        before = _suggestion_values(s)
        s.status, s.done_on, s.done_note, s.done_by = Suggestion.Status.DONE, done_on, note, actor
        s.save(update_fields=["status", "done_on", "done_note", "done_by"])
        audit_record(
            actor=actor,
            action="upkeep.suggestion.done",
            target=s,
            before=before,
            after={**_suggestion_values(s), "done_on": done_on.isoformat()},
            data={"note": note[:500]},
        )
    return s
