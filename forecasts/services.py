"""Writes of the forecasts app: evaluations and consultations. (Imports: forecasts/imports.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts import selectors as alerts_selectors
from audit.services import audit_record
from core.errors import BAD_INPUT, CONFLICT, DomainError
from core.outbox import outbox_emit
from notifications.services import notify_roles

from . import selectors
from .domain import season
from .domain.rules import LEVEL_NAMES, evaluate
from .models import Consultation, Evaluation, ForecastImport, Level, Replay

RECOMMENDATION_NAMES = {
    "issue": "发布",
    "upgrade": "升级",
    "downgrade": "降级",
    "lift": "解除",
    "maintain": "维持",
    "none": "无需发布",
}


class ConsultationError(DomainError):
    """A consultation step that is not allowed now (message in Chinese); input it cannot use is 400."""

    code = "forecasts.consultation.refused"
    status = CONFLICT


def active_level() -> str:
    """The warning level in force (alerts), none until one is in force."""
    return alerts_selectors.active_level()


def _evaluation_now(source_import: ForecastImport | None, replay: Replay | None) -> pd.Timestamp:
    """ "Now" is the present, except for a historical file (all of it before the present), which is
    judged as of its own first hour, as `evaluate_forecast` does; a replay is judged at its cursor."""
    present = pd.Timestamp(timezone.now()).tz_convert("Asia/Shanghai")
    if replay is not None and replay.cursor is not None:
        return pd.Timestamp(replay.cursor).tz_convert("Asia/Shanghai")
    if source_import is not None and source_import.last_time is not None and source_import.last_time < present:
        return pd.Timestamp(source_import.first_time).tz_convert("Asia/Shanghai")
    return present


def evaluation_run(
    *,
    trigger: str,
    source_import: ForecastImport | None = None,
    replay: Replay | None = None,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> Evaluation:
    """Classify the stored series (warning-rules.md) as of ``now`` and keep the result. When it
    calls for issue, upgrade, downgrade or lift, open a consultation (会商) with the evaluation
    attached; the office is told and the approval form drafted through the outbox."""
    at = pd.Timestamp(now).tz_convert("Asia/Shanghai") if now is not None else _evaluation_now(source_import, replay)
    frame = selectors.stored_frame(replay=replay, start=(at - selectors.LOOKBACK).to_pydatetime())
    level_now = active_level() if replay is None else replay_active_level(replay)
    result = evaluate(frame, active_level=level_now, now=at)
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            trigger=trigger,
            source_import=source_import,
            replay=replay,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            now=at.to_pydatetime(),
            active_level=level_now,
            level=result["level"],
            response_level=result["response_level"] or "",
            recommendation=result["recommendation"],
            approver=result["approver"] or "",
            issue_by=pd.Timestamp(result["issue_by"]).to_pydatetime() if result["issue_by"] else None,
            urgent=bool(result["urgent"]),
            ozone_prompt=bool(result["ozone_prompt"]),
            result=result,
        )
        audit_record(
            actor=actor,
            action="forecasts.evaluation.created",
            target=evaluation,
            data={
                "trigger": trigger,
                "level": evaluation.level,
                "recommendation": evaluation.recommendation,
                "import": source_import.pk if source_import else None,
            },
        )
        if replay is None:
            # §9: the issue_by of the process it finds is a deadline (deadlines/handlers.py).
            outbox_emit("deadlines.issue_by.evaluation", {"evaluation_id": evaluation.pk})
        if evaluation.calls_for_action:
            consultation = Consultation.objects.create(
                kind=Consultation.Kind.EVALUATION, evaluation=evaluation, replay=replay
            )
            audit_record(
                actor=actor,
                action="forecasts.consultation.opened",
                target=consultation,
                data={"evaluation": evaluation.pk},
            )
            if replay is None:
                outbox_emit("forecasts.consultation.opened", {"consultation_id": consultation.pk})
                # The office reviews and submits rather than types: the form is drafted for it.
                outbox_emit("alerts.form.draft", {"evaluation_id": evaluation.pk})
        if replay is None and evaluation.ozone_prompt:
            # The ozone prompt's consultation, once per episode (advisories, warning-rules.md §10).
            outbox_emit("advisories.ozone.evaluate", {"evaluation_id": evaluation.pk})
        if replay is None and result.get("so2_alerts"):
            # Each SO2 alert is its area's task (advisories, warning-rules.md §10).
            outbox_emit("advisories.so2.evaluate", {"evaluation_id": evaluation.pk})
    return evaluation


def evaluation_for_import(*, import_id: int) -> Evaluation:
    """Every import is evaluated once: a second call, or one running beside it (the outbox hands an
    event out at least once), returns the first evaluation. The import's row is the lock."""
    with transaction.atomic():
        source = ForecastImport.objects.select_for_update(of=("self",)).select_related("replay").get(pk=import_id)
        existing = Evaluation.objects.filter(source_import=source).first()
        if existing is not None:
            return existing
        return evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=source, replay=source.replay)


def replay_active_level(replay: Replay) -> str:
    """In a replay no real warning is in force; the drill's own level follows its evaluations."""
    last = Evaluation.objects.filter(replay=replay).order_by("-now", "-id").first()
    if last is None:
        return Level.NONE
    proposed = last.result.get("proposed_level") or last.level
    if last.recommendation in {"issue", "upgrade", "downgrade"}:
        return proposed
    if last.recommendation == "lift":
        return Level.NONE
    return last.active_level


def consultation_notify(*, consultation_id: int) -> None:
    """Ask the office and the forecasters into a consultation just opened: the evaluation's
    advice, the heating season's daily consultation, or a real-time one. One notice per person
    and subject, however often it runs."""
    consultation = Consultation.objects.select_related("evaluation").get(pk=consultation_id)
    roles = [Role.OFFICE, Role.FORECASTER]
    link = reverse("forecasts:consultation", args=[consultation.pk])
    if consultation.kind == Consultation.Kind.EVALUATION:
        evaluation = consultation.evaluation
        rec = RECOMMENDATION_NAMES.get(evaluation.recommendation, evaluation.recommendation)
        level = LEVEL_NAMES.get(evaluation.result.get("proposed_level") or evaluation.level, evaluation.level)
        notify_roles(
            roles,
            kind="forecasts.evaluation.action",
            title=f"预警评估建议：{rec}{level if evaluation.recommendation != 'lift' else ''}",
            body="\n".join(evaluation.result.get("reasons", [])[:6]),
            link=link,
            target=evaluation,
        )
    elif consultation.kind == Consultation.Kind.OZONE:
        evaluation = consultation.evaluation
        notify_roles(
            roles,
            kind="forecasts.consultation.ozone",
            title="臭氧预警提示：请会商",
            body="\n".join(r for r in evaluation.result.get("reasons", []) if "臭氧" in r)[:2000]
            or "预测臭氧为首要污染物的污染天气达到臭氧预警提示条件（预案 3.2）。",
            link=link,
            target=consultation,
        )
    elif consultation.kind == Consultation.Kind.DAILY:
        notify_roles(
            roles,
            kind="forecasts.consultation.daily",
            title=f"{consultation.scheduled_for:%Y-%m-%d} 采暖期每日会商",
            body="请预报预警组提交空气质量和气象会商意见（附件4）。",
            link=link,
            target=consultation,
        )
    else:
        notify_roles(
            roles,
            kind="forecasts.consultation.realtime",
            title="实时会商",
            body="应急指挥部办公室发起实时会商，请预报预警组提交空气质量和气象会商意见（附件4）。",
            link=link,
            target=consultation,
        )


def consultation_open_daily(*, day: dt.date) -> tuple[Consultation, bool]:
    """The heating season's daily consultation (采暖期每日会商, §4.2.1); once per day."""
    with transaction.atomic():
        consultation, created = Consultation.objects.get_or_create(
            kind=Consultation.Kind.DAILY, scheduled_for=day, defaults={"evaluation": selectors.latest_evaluation()}
        )
        if created:
            audit_record(
                actor=None, action="forecasts.consultation.opened", target=consultation, data={"daily": str(day)}
            )
            outbox_emit("forecasts.consultation.opened", {"consultation_id": consultation.pk})
    return consultation, created


def consultation_open_realtime(*, actor: Any) -> Consultation:
    """A real-time consultation (实时会商), opened by the office (plan §4.2.1: "未发布预警信息，
    重污染天气已经出现时，要实时会商"), with the latest evaluation attached. While one is still
    open a second is refused, so that two clicks give one consultation."""
    with transaction.atomic():
        evaluation = selectors.latest_evaluation()
        if evaluation is not None:
            # Serialise concurrent openings on the evaluation they attach to.
            evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if Consultation.objects.filter(
            kind=Consultation.Kind.REALTIME, status=Consultation.Status.OPEN, replay__isnull=True
        ).exists():
            raise ConsultationError("已有进行中的实时会商，请在该会商中形成意见后再发起新的实时会商。")
        consultation = Consultation.objects.create(kind=Consultation.Kind.REALTIME, evaluation=evaluation)
        audit_record(
            actor=actor,
            action="forecasts.consultation.opened",
            target=consultation,
            data={"realtime": True, "evaluation": evaluation.pk if evaluation else None},
        )
        outbox_emit("forecasts.consultation.opened", {"consultation_id": consultation.pk})
    return consultation


def consultation_conclude(
    *,
    consultation_id: int,
    actor: Any,
    conclusion: str,
    concluded_level: str,
    reporter: str,
    reported_on: dt.date,
    reviewer: str = "",
    reviewed_on: dt.date | None = None,
    expert_opinion: str = "",
    expert_on: dt.date | None = None,
) -> Consultation:
    """Record the consultation's opinion (附件4); once concluded it is not rewritten. A conclusion
    that calls for a decision against the level in force (issue, upgrade, downgrade, lift) starts
    the office's 1-hour form clock (§9) through the outbox."""
    if not conclusion.strip():
        raise ConsultationError("会商结论不能为空。", status=BAD_INPUT)
    if not reporter.strip():
        raise ConsultationError("请填写报告人。", status=BAD_INPUT)
    if concluded_level not in Level.values:
        raise ConsultationError("会商认定的预警级别无效。", status=BAD_INPUT)
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation_id)
        if consultation.status != Consultation.Status.OPEN:
            raise ConsultationError("该会商已形成意见，不能再修改。")
        before = {"status": consultation.status}
        consultation.status = Consultation.Status.CONCLUDED
        consultation.conclusion = conclusion.strip()
        consultation.concluded_level = concluded_level
        consultation.reporter = reporter.strip()
        consultation.reported_on = reported_on
        consultation.reviewer = reviewer.strip()
        consultation.reviewed_on = reviewed_on
        consultation.expert_opinion = expert_opinion.strip()
        consultation.expert_on = expert_on
        consultation.concluded_at = timezone.now()
        consultation.concluded_by = actor
        consultation.save(
            update_fields=[
                "status",
                "conclusion",
                "concluded_level",
                "reporter",
                "reported_on",
                "reviewer",
                "reviewed_on",
                "expert_opinion",
                "expert_on",
                "concluded_at",
                "concluded_by",
            ]
        )
        level_in_force = active_level() if consultation.replay_id is None else replay_active_level(consultation.replay)
        audit_record(
            actor=actor,
            action="forecasts.consultation.concluded",
            target=consultation,
            before=before,
            after={"status": consultation.status, "concluded_level": concluded_level},
            data={"conclusion": consultation.conclusion[:500], "level_in_force": level_in_force},
        )
        if consultation.replay_id is None:
            outbox_emit(
                "deadlines.form_clock.consultation",
                {"consultation_id": consultation.pk, "level_in_force": level_in_force},
            )
    return consultation


def in_heating_season(day: dt.date) -> bool:
    """采暖期 (§4.2.1 daily consultation; §9): the setting HEATING_SEASON, "MM-DD:MM-DD", both days
    included; by default 1 November to 31 March."""
    return season.contains(season.parse(settings.HEATING_SEASON), day)
