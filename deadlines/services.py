"""Every write of the deadline engine (时限, warning-rules.md §9): a clock is started once (by its
key, deadlines/keys.py), met or cancelled once; and the beat's clock — every minute
`deadlines_tick` reminds before a deadline passes and escalates when it has passed, to the office
head (办公室主任), then to the approving leader. Each step goes out once: it is claimed by a
conditional UPDATE on its timestamp, so two ticks running at the same moment never send it twice.

What starts and meets each clock (§9): the 1-hour form clock of a consultation that concluded a
decision is due (:func:`form_clock_for_consultation`, from the outbox after the conclusion) or of
a notice (recorded by alerts), met by the form's submission, or for a notice closed by the office
with a reason (:func:`deadline_close_notice`); the ``issue_by`` of the process an evaluation found
(:func:`issue_by_clocks_for_evaluation`), met by the publication of an issue; the summary after
the response (started by response, met by reviews), reminded and never escalated.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.domain import lifecycle as lc
from alerts.domain import notices as notice_rules
from alerts.models import ApprovalForm, ProvincialNotice
from alerts.selectors import active_level
from audit.services import audit_record
from core.errors import BAD_INPUT, CONFLICT, NOT_FOUND, DomainError
from forecasts.models import Consultation, Evaluation
from notifications.services import notify_users

from . import keys
from .models import Deadline
from .selectors import ISSUE_LEAD

#: Step → the deadline's timestamp that records it was sent.
STEP_FIELDS = {
    "remind": "reminded_at",
    "escalate_office": "escalated_office_at",
    "escalate_approver": "escalated_approver_at",
}
#: The steps due at each stage of lifecycle.escalation_stage. A reminder that was missed (the
#: beat was down) is not sent late once the deadline has passed: the escalation replaces it; an
#: escalation to the approver implies the office head has been told too.
STEPS_AT_STAGE: dict[str, tuple[str, ...]] = {
    "remind": ("remind",),
    "escalate_office": ("escalate_office",),
    "escalate_approver": ("escalate_office", "escalate_approver"),
}
STEP_AUDIT = {"remind": "reminded", "escalate_office": "escalated_office", "escalate_approver": "escalated_approver"}
#: Deadlines further away than the longest reminder lead are not even loaded.
HORIZON = max(lc.REMIND_BEFORE.values())
OFFICE_HEAD_MARK = "主任"


class DeadlineError(DomainError):
    """A clock step the rules refuse (message in Chinese): by default the clock's state does not
    allow it (409); input it cannot use is 400."""

    code = "deadlines.refused"
    status = CONFLICT


# ----------------------------------------------------------------------------- start, meet, cancel


def deadline_start(
    *,
    kind: str,
    key: str,
    start: dt.datetime,
    warning=None,
    form=None,
    notice=None,
    unit=None,
    evaluation=None,
    due: dt.datetime | None = None,
) -> Deadline:
    """Create a deadline once (by key); a second call returns the existing one. ``due`` for the
    kinds whose due time is not a fixed span from the start (lifecycle.DUE_GIVEN)."""
    deadline, _ = Deadline.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "warning": warning,
            "form": form,
            "provincial_notice": notice,
            "unit": unit,
            "evaluation": evaluation,
            "started_at": start,
            "due_at": due or lc.due_at(kind, start),
        },
    )
    return deadline


def deadline_meet(*, key: str, at: dt.datetime | None = None) -> int:
    """Meet the open deadline of ``key`` (1), or nothing when it is met, cancelled or unknown (0)."""
    return Deadline.objects.filter(key=key, met_at__isnull=True, cancelled_at__isnull=True).update(
        met_at=at or timezone.now()
    )


def deadlines_cancel(*, at: dt.datetime, keys: list[str] | None = None, warning=None, kind: str | None = None) -> int:
    """Stop the open deadlines of ``keys`` (or of a warning, of one kind): the thing they timed is over."""
    rows = Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
    if keys is not None:
        rows = rows.filter(key__in=keys)
    if warning is not None:
        rows = rows.filter(warning=warning)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows.update(cancelled_at=at)


def deadline_claim(*, key: str, step: str, at: dt.datetime) -> bool:
    """Claim one step of the open deadline of ``key`` (a conditional UPDATE of its timestamp: exactly
    one row or none), for a caller that sends the step itself; False when it was claimed already."""
    field = STEP_FIELDS[step]
    return (
        Deadline.objects.filter(
            key=key, met_at__isnull=True, cancelled_at__isnull=True, **{f"{field}__isnull": True}
        ).update(**{field: at})
        == 1
    )


def deadlines_meet_form_clock(*, consultation_id: int | None, notice_id: int | None, at: dt.datetime) -> None:
    """The form is filed: the 1-hour clocks of the consultation and the notice it answers are met."""
    if consultation_id:
        deadline_meet(key=keys.form_for_consultation(consultation_id), at=at)
    if notice_id:
        deadline_meet(key=keys.form_for_notice(notice_id), at=at)


#: The consultations that conclude a warning level (附件4); the ozone prompt's is not a level (§10).
LEVEL_CONSULTATIONS = frozenset({Consultation.Kind.EVALUATION, Consultation.Kind.DAILY, Consultation.Kind.REALTIME})


def form_clock_for_consultation(*, consultation, level_in_force: str) -> Deadline | None:
    """§9: a consultation that concluded a decision is due — issue, upgrade, downgrade or lift: its
    concluded level differs from ``level_in_force`` (the level in force when it concluded) — starts
    the office's 1-hour clock to file the form (附件5). Idempotent (keyed by the consultation).

    A form answering the consultation may be submitted before the consultation concludes (the
    evaluation drafts it at once): the clock then starts met, at the conclusion."""
    if consultation.concluded_at is None or consultation.replay_id or consultation.kind not in LEVEL_CONSULTATIONS:
        return None
    if lc.decision_action(level_in_force=level_in_force, concluded_level=consultation.concluded_level) is None:
        return None
    deadline = deadline_start(
        kind=lc.DeadlineKind.FORM, key=keys.form_for_consultation(consultation.pk), start=consultation.concluded_at
    )
    if ApprovalForm.objects.filter(consultation_id=consultation.pk, submitted_at__isnull=False).exists():
        deadline_meet(key=deadline.key, at=consultation.concluded_at)
    return deadline


# ----------------------------------------------------------------------------- issue_by (§7, §9)


def _process_start(process: dict) -> dt.datetime | None:
    start = process.get("start")
    if not start:
        return None
    return start if isinstance(start, dt.datetime) else dt.datetime.fromisoformat(str(start))


def _needs_warning(process: dict) -> bool:
    return (process.get("level") or "none") != "none"


def issue_by_clocks_for_evaluation(*, evaluation, now: dt.datetime | None = None) -> dict[str, int]:
    """§9: ``issue_by`` of §7 is a deadline. The evaluation that finds the process a warning is to
    be issued for (its top-level ``issue_by``: the process to issue, or after a lift the next one)
    starts the clock, due at that process's start − 24 h, keyed by the process's start so that
    later evaluations of the same process add none; a clock whose time has already passed when
    it is found is not started (the form is due at once: the 1-hour form clock). A later
    evaluation that no longer finds a process with a level starting then cancels its clock.
    Drills (replays) start and cancel nothing, nor does an evaluation a later one has replaced
    (its event handed out late). Idempotent."""
    counts = {"started": 0, "cancelled": 0, "reopened": 0}
    if evaluation.replay_id or Evaluation.objects.filter(replay__isnull=True, pk__gt=evaluation.pk).exists():
        return counts
    now = now or timezone.now()
    processes = (evaluation.result or {}).get("processes") or []
    found = {keys.issue_by(start): p for p in processes if _needs_warning(p) and (start := _process_start(p))}
    with transaction.atomic():
        open_clocks = Deadline.objects.select_for_update().filter(
            kind=lc.DeadlineKind.ISSUE_BY, met_at__isnull=True, cancelled_at__isnull=True
        )
        for deadline in open_clocks:
            if deadline.key in found:
                continue
            Deadline.objects.filter(pk=deadline.pk).update(cancelled_at=now)
            audit_record(
                actor=None,
                action="deadlines.issue_by.cancelled",
                target=deadline,
                before={"open": True},
                after={"cancelled_at": now.isoformat()},
                data={
                    "evaluation": evaluation.pk,
                    "due_at": deadline.due_at.isoformat(),
                    "reason": "后续评估未再发现该污染过程",
                },
            )
            counts["cancelled"] += 1
        issue_by = evaluation.issue_by
        if issue_by is None or issue_by <= now:
            return counts
        key = keys.issue_by(issue_by + ISSUE_LEAD)  # issue_by is the process's start − 24 h (§7)
        existing = Deadline.objects.select_for_update().filter(key=key).first()
        if existing is None:
            deadline_start(kind=lc.DeadlineKind.ISSUE_BY, key=key, start=now, due=issue_by, evaluation=evaluation)
            counts["started"] += 1
        elif existing.cancelled_at is not None:
            # Found again after a later evaluation lost it: the same process's clock runs again.
            existing.cancelled_at = None
            existing.reminded_at = existing.escalated_office_at = existing.escalated_approver_at = None
            existing.due_at = issue_by
            existing.evaluation = evaluation
            existing.save(
                update_fields=[
                    "cancelled_at",
                    "reminded_at",
                    "escalated_office_at",
                    "escalated_approver_at",
                    "due_at",
                    "evaluation",
                ]
            )
            audit_record(
                actor=None,
                action="deadlines.issue_by.reopened",
                target=existing,
                before={"open": False},
                after={"open": True, "due_at": issue_by.isoformat()},
                data={"evaluation": evaluation.pk},
            )
            counts["reopened"] += 1
    return counts


def deadlines_meet_issue_by(*, warning, at: dt.datetime) -> int:
    """An issue is published: the ``issue_by`` clocks of the processes its warning covers are met —
    every open one whose process starts before the warning's episode ends (all of them when the
    end is not known). A later process, after a lift, keeps its own clock."""
    rows = Deadline.objects.filter(kind=lc.DeadlineKind.ISSUE_BY, met_at__isnull=True, cancelled_at__isnull=True)
    if warning.episode_end is not None:
        # The clock is due at the process's start − 24 h.
        rows = rows.filter(due_at__lte=warning.episode_end - ISSUE_LEAD)
    return rows.update(met_at=at, warning=warning)


# ----------------------------------------------------------------------------- the notice's close-out (§9)


def _closed_state(deadline: Deadline | None) -> str:
    if deadline is None:
        return "未计时"
    if deadline.close_reason:
        return "已办结"
    return "已填报审批表" if deadline.met_at else "已取消"


def deadline_close_notice(*, actor, notice_id: int, reason: str) -> Deadline:
    """§9: the office closes a notice's 1-hour form clock without a form, with a recorded reason,
    when the city already responds at or above the notice's level (alerts.domain.notices
    .close_problem). The clock is met at the close; its reason and who closed it are kept."""
    reason = (reason or "").strip()
    with transaction.atomic():
        notice = ProvincialNotice.objects.filter(pk=notice_id).first()
        if notice is None:
            raise DeadlineError("通知不存在。", status=NOT_FOUND)
        deadline = Deadline.objects.select_for_update().filter(key=keys.form_for_notice(notice.pk)).first()
        if deadline is None or not deadline.open:
            raise DeadlineError(f"{notice}没有待办的 1 小时时限（{_closed_state(deadline)}），无需办结。")
        city_level = active_level()
        problem = notice_rules.close_problem(notice_level=notice.level, city_level=city_level, reason=reason)
        if problem:
            # The city below the notice is the state of things (409); a missing reason is the office's input (400).
            below = notice_rules.close_problem(notice_level=notice.level, city_level=city_level, reason="-") is not None
            raise DeadlineError(problem, status=CONFLICT if below else BAD_INPUT)
        now = timezone.now()
        deadline.met_at = now
        deadline.close_reason = reason
        deadline.closed_by = actor
        deadline.save(update_fields=["met_at", "close_reason", "closed_by"])
        audit_record(
            actor=actor,
            action="deadlines.notice_clock.closed",
            target=notice,
            before={"clock": "open"},
            after={"clock": "closed", "met_at": now.isoformat()},
            data={
                "deadline": deadline.pk,
                "notice_level": notice.level,
                "city_level": city_level,
                "reason": reason[:500],
                "late": now > deadline.due_at,
            },
        )
    return deadline


# ----------------------------------------------------------------------------- reminders and escalations


def _office_users():
    return get_user_model().objects.filter(role=Role.OFFICE, is_active=True)


def recipients(deadline: Deadline, step: str) -> list:
    """Who hears about a step: the office (and the unit, for a unit's deadline) for a reminder;
    the office head(s) — office users whose position names them 主任, else the whole office —
    for the first escalation; the form's approving role for the second (for ``issue_by``, the
    signer of the process's level; else the vice-commander)."""
    users = get_user_model().objects.filter(is_active=True)
    if step == "remind":
        found = list(_office_users())
        if deadline.unit_id:
            found += [u for u in users.filter(unit_id=deadline.unit_id) if u not in found]
        return found
    if step == "escalate_office":
        heads = list(_office_users().filter(position__contains=OFFICE_HEAD_MARK))
        return heads or list(_office_users())
    if deadline.form_id:
        approver = deadline.form.approver_role
    elif deadline.kind == lc.DeadlineKind.ISSUE_BY and deadline.evaluation_id:
        approver = notice_rules.approver_for(from_level=lc.Level.NONE, to_level=_issue_by_level(deadline))
    else:
        approver = Role.VICE_COMMANDER
    return list(users.filter(role=approver))


def _issue_by_level(deadline: Deadline) -> str:
    """The level of the process an ``issue_by`` clock is for, as the evaluation that found it says."""
    start = deadline.due_at + ISSUE_LEAD
    for process in (deadline.evaluation.result or {}).get("processes") or []:
        if _process_start(process) == start:
            return process.get("level") or lc.Level.NONE
    return deadline.evaluation.level or lc.Level.NONE


def _link(deadline: Deadline) -> str:
    if deadline.kind == lc.DeadlineKind.SUMMARY and deadline.warning_id:
        return reverse("reviews:summary", args=[deadline.warning_id])
    if deadline.warning_id:
        return reverse("alerts:warning", args=[deadline.warning_id])
    if deadline.evaluation_id:
        return reverse("forecasts:evaluation", args=[deadline.evaluation_id])
    return reverse("deadlines:list")


def _subject(deadline: Deadline) -> str:
    parts = []
    if deadline.warning_id:
        parts.append(deadline.warning.number)
    if deadline.unit_id:
        parts.append(deadline.unit.name)
    if deadline.provincial_notice_id:
        parts.append(str(deadline.provincial_notice))
    return "，".join(parts)


def _message(deadline: Deadline, step: str) -> tuple[str, str]:
    name = lc.DEADLINE_NAMES[lc.DeadlineKind(deadline.kind)]
    due = timezone.localtime(deadline.due_at).strftime("%m月%d日%H:%M")
    subject = _subject(deadline)
    about = f"（{subject}）" if subject else ""
    if deadline.kind in lc.NOT_ESCALATED:
        title = f"待办提醒：{name}{about}尚未完成"
    elif step == "remind":
        title = f"时限提醒：{name}{about}将于{due}到期"
    elif step == "escalate_office":
        title = f"时限已过：{name}{about}截止{due}，尚未完成"
    else:
        title = f"超时升级：{name}{about}截止{due}，仍未完成"
    body = f"依据：{lc.DEADLINE_BASIS[lc.DeadlineKind(deadline.kind)]}。"
    return title, body


def deadline_step_send(*, deadline: Deadline, step: str, now: dt.datetime) -> bool:
    """Send one step of one deadline, once: claim it with a conditional UPDATE (exactly one
    row or nothing), notify, audit — all in one transaction. False when already sent or closed."""
    field = STEP_FIELDS[step]
    with transaction.atomic():
        if not deadline_claim(key=deadline.key, step=step, at=now):
            return False
        people = recipients(deadline, step)
        title, body = _message(deadline, step)
        notify_users(
            people, kind=f"alerts.deadline.{step}", title=title, body=body, link=_link(deadline), target=deadline
        )
        audit_record(
            actor=None,
            action=f"alerts.deadline.{STEP_AUDIT[step]}",
            target=deadline,
            after={field: now.isoformat()},
            data={
                "kind": deadline.kind,
                "due_at": deadline.due_at.isoformat(),
                "recipients": [u.username for u in people],
            },
        )
    return True


def deadlines_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One beat: for every open deadline within reach, the steps its stage calls for and that
    were not sent yet. Idempotent: a second tick at the same moment sends nothing."""
    now = now or timezone.now()
    sent = dict.fromkeys(STEP_FIELDS, 0)
    candidates = (
        Deadline.objects.filter(
            met_at__isnull=True,
            cancelled_at__isnull=True,
            due_at__lte=now + HORIZON,
            escalated_approver_at__isnull=True,
        )
        .exclude(kind__in=lc.NOT_ESCALATED, reminded_at__isnull=False)
        .select_related("warning", "form", "unit", "provincial_notice", "evaluation")
        .order_by("due_at", "pk")
    )
    for deadline in candidates:
        stage = lc.escalation_stage(
            now=now, due=deadline.due_at, met=False, remind_before=lc.REMIND_BEFORE[lc.DeadlineKind(deadline.kind)]
        )
        steps = STEPS_AT_STAGE.get(stage, ())
        if deadline.kind in lc.NOT_ESCALATED:
            # No limit in the plan (the summary): one reminder at its due time, never an escalation.
            steps = ("remind",) if stage in ("escalate_office", "escalate_approver") else ()
        for step in steps:
            if getattr(deadline, STEP_FIELDS[step]) is None and deadline_step_send(
                deadline=deadline, step=step, now=now
            ):
                sent[step] += 1
    return sent
