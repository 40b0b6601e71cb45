"""Every write of the after-action record, each with its audit entry (house style: services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from alerts.models import Warning
from audit.services import audit_record
from core.errors import BAD_INPUT, CONFLICT, NOT_FOUND, DomainError
from deadlines import keys as deadline_keys
from deadlines.services import deadline_meet

from . import selectors
from .models import DrillRecord, EffectEvaluation, ResponseSummary


class ReviewError(DomainError):
    """A refused write, with a readable Chinese message: by default the state of the review does
    not allow it (409); input it cannot use is 400, a review of nothing 404."""

    code = "reviews.refused"
    status = CONFLICT


SUMMARY_TEXTS = ("measures_summary", "achievements", "problems", "suggestions", "filled_by_name")
EVALUATION_FIELDS = ("organiser", "leader", "other_members", "level", "evaluated_on", "content")
# The drill's review (演练评估): how the plan, the people and the means held up (附件 form).
REVIEW_FIELDS = (
    "suitability",
    "adequacy",
    "presence",
    "proficiency",
    "materials",
    "protection",
    "coordination",
    "effect",
    "support",
)
DRILL_FIELDS = (
    "plan_name",
    "location",
    "organiser",
    "commander",
    "held_at",
    "participants",
    "mode",
    *REVIEW_FIELDS,
    "problems",
    "improvements",
    "recorder",
    "reviewer",
    "recorded_on",
    "replay",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _values(obj, fields) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}


def _reviewable(warning_id: int, *, lock: bool = False) -> Warning:
    qs = Warning.objects.select_for_update() if lock else Warning.objects
    try:
        warning = qs.get(pk=warning_id)
    except Warning.DoesNotExist as exc:
        raise ReviewError("预警不存在。", status=NOT_FOUND) from exc
    if warning.status not in (Warning.Status.ACTIVE, Warning.Status.LIFTED):
        raise ReviewError("该预警未发布，没有应急响应可总结。")
    return warning


# --------------------------------------------------------------------------- 附件6


def summary_save(*, actor, warning_id: int, **texts: str) -> ResponseSummary:
    """Create or update the office's texts of the statistics table (附件6). A final summary is
    not edited; reopen it first."""
    unknown = set(texts) - set(SUMMARY_TEXTS)
    if unknown:
        raise ReviewError(f"不能修改这些字段：{', '.join(sorted(unknown))}", status=BAD_INPUT)
    with transaction.atomic():
        warning = _reviewable(warning_id, lock=True)
        summary, created = ResponseSummary.objects.select_for_update().get_or_create(
            warning=warning, defaults={"created_by": actor}
        )
        if summary.is_final:
            raise ReviewError("统计表已定稿，不能修改；如需修改请先撤销定稿。")
        before = None if created else _values(summary, texts)
        for key, value in texts.items():
            setattr(summary, key, (value or "").strip())
        summary.save(update_fields=[*texts, "updated_at"])
        audit_record(
            actor=actor,
            action="reviews.summary.created" if created else "reviews.summary.edited",
            target=summary,
            before=before,
            after=_values(summary, texts),
            data={"warning": warning.number},
        )
    return summary


def summary_finalize(*, actor, warning_id: int) -> ResponseSummary:
    """Mark the statistics table final: the figures computed now are frozen into its snapshot, and
    the office's open task of the summary (§9) is met."""
    with transaction.atomic():
        warning = _reviewable(warning_id, lock=True)
        if warning.status != Warning.Status.LIFTED:
            raise ReviewError("应急响应尚未结束（预警未解除），不能定稿。")
        summary = ResponseSummary.objects.select_for_update().filter(warning=warning).first()
        if summary is None:
            raise ReviewError("请先填写并保存统计表。")
        if summary.is_final:
            raise ReviewError("统计表已定稿。")
        missing = [
            label
            for field, label in (("measures_summary", "应急响应措施总结"), ("filled_by_name", "填表人"))
            if not getattr(summary, field).strip()
        ]
        if missing:
            raise ReviewError(f"定稿前请填写：{'、'.join(missing)}。")
        summary.snapshot = selectors.summary_figures(selectors.warning_for_review(warning.pk))
        summary.status = ResponseSummary.Status.FINAL
        summary.finalized_at = timezone.now()
        summary.finalized_by = actor
        summary.save(update_fields=["snapshot", "status", "finalized_at", "finalized_by", "updated_at"])
        # §9: the summary is filed — the open task started when the response ended is met (a reopened
        # and refinalised summary finds it met already).
        deadline_meet(key=deadline_keys.summary(warning.pk), at=summary.finalized_at)
        audit_record(
            actor=actor,
            action="reviews.summary.finalized",
            target=summary,
            before={"status": ResponseSummary.Status.DRAFT},
            after={"status": summary.status},
            data={"warning": warning.number, "snapshot": summary.snapshot},
        )
    return summary


def summary_reopen(*, actor, warning_id: int, reason: str) -> ResponseSummary:
    """Withdraw the final mark (the figures go live again until the next finalisation)."""
    if not (reason or "").strip():
        raise ReviewError("撤销定稿时请填写理由。", status=BAD_INPUT)
    with transaction.atomic():
        summary = ResponseSummary.objects.select_for_update().filter(warning_id=warning_id).first()
        if summary is None or not summary.is_final:
            raise ReviewError("统计表未定稿。")
        snapshot = summary.snapshot
        summary.status = ResponseSummary.Status.DRAFT
        summary.snapshot = None
        summary.finalized_at = None
        summary.finalized_by = None
        summary.save(update_fields=["snapshot", "status", "finalized_at", "finalized_by", "updated_at"])
        audit_record(
            actor=actor,
            action="reviews.summary.reopened",
            target=summary,
            before={"status": ResponseSummary.Status.FINAL, "snapshot": snapshot},
            after={"status": summary.status},
            data={"reason": reason.strip()},
        )
    return summary


# --------------------------------------------------------------------------- 附件8


def evaluation_save(*, actor, warning_id: int, experts=(), **fields: Any) -> EffectEvaluation:
    """Create or update the effect evaluation (附件8) of a warning. On creation the figures the
    prefill was computed from are stored beside the text."""
    unknown = set(fields) - set(EVALUATION_FIELDS)
    if unknown:
        raise ReviewError(f"不能修改这些字段：{', '.join(sorted(unknown))}", status=BAD_INPUT)
    with transaction.atomic():
        warning = _reviewable(warning_id, lock=True)
        evaluation = EffectEvaluation.objects.select_for_update().filter(warning=warning).first()
        created = evaluation is None
        if created:
            missing = [f for f in ("leader", "level", "evaluated_on", "content") if not fields.get(f)]
            if missing:
                raise ReviewError("请填写负责人、预警级别、评估时间和评估内容。", status=BAD_INPUT)
            evaluation = EffectEvaluation(
                warning=warning, created_by=actor, figures=selectors.evaluation_prefill(warning)["figures"]
            )
            before = None
        else:
            before = {**_values(evaluation, fields), "experts": sorted(evaluation.experts.values_list("pk", flat=True))}
        for key, value in fields.items():
            setattr(evaluation, key, value.strip() if isinstance(value, str) else value)
        if created:
            evaluation.save(force_insert=True)
        else:
            evaluation.save(update_fields=[*fields, "updated_at"])
        evaluation.experts.set(list(experts))
        after = {**_values(evaluation, fields), "experts": sorted(e.pk for e in experts)}
        audit_record(
            actor=actor,
            action="reviews.evaluation.created" if created else "reviews.evaluation.edited",
            target=evaluation,
            before=before,
            after=after,
            data={"warning": warning.number},
        )
    return evaluation


# --------------------------------------------------------------------------- 附件7


def _check_support(support: list[str]) -> list[str]:
    if set(support or []) - set(DrillRecord.Support.values):
        raise ReviewError("支援部门和协作有效性的选项无效。", status=BAD_INPUT)
    support = [s for s in DrillRecord.Support.values if s in set(support or [])]  # annex order, no duplicates
    if DrillRecord.Support.AS_REQUIRED in support and len(support) > 1:
        raise ReviewError("“按要求协作”不能与“联系不上”“不配合”“行动迟缓”同时勾选。", status=BAD_INPUT)
    return support


def drill_create(*, actor, **fields: Any) -> DrillRecord:
    unknown = set(fields) - set(DRILL_FIELDS)
    if unknown:
        raise ReviewError(f"未知字段：{', '.join(sorted(unknown))}", status=BAD_INPUT)
    fields["support"] = _check_support(fields.get("support") or [])
    with transaction.atomic():
        record = DrillRecord(created_by=actor, **fields)
        record.save(force_insert=True)
        audit_record(actor=actor, action="reviews.drill.created", target=record, after=_values(record, DRILL_FIELDS))
    return record


def drill_update(*, actor, drill_id: int, **fields: Any) -> DrillRecord:
    unknown = set(fields) - set(DRILL_FIELDS)
    if unknown:
        raise ReviewError(f"未知字段：{', '.join(sorted(unknown))}", status=BAD_INPUT)
    if "support" in fields:
        fields["support"] = _check_support(fields["support"] or [])
    with transaction.atomic():
        try:
            record = DrillRecord.objects.select_for_update().get(pk=drill_id)
        except DrillRecord.DoesNotExist as exc:
            raise ReviewError("演练记录不存在。", status=NOT_FOUND) from exc
        before = _values(record, fields)
        for key, value in fields.items():
            setattr(record, key, value.strip() if isinstance(value, str) else value)
        record.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor, action="reviews.drill.edited", target=record, before=before, after=_values(record, fields)
        )
    return record
