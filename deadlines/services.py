"""Every write of the deadline engine (时限, warning-rules.md §9): a clock is started once (by its
key, deadlines/keys.py), met or cancelled once; and the beat's clock — every minute
`deadlines_tick` reminds before a deadline passes and escalates when it has passed, to the office
head (办公室主任), then to the approving leader. Each step goes out once: it is claimed by a
conditional UPDATE on its timestamp, so two ticks running at the same moment never send it twice.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.domain import lifecycle as lc
from audit.services import audit_record
from notifications.services import notify_users

from . import keys
from .models import Deadline

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


# ----------------------------------------------------------------------------- start, meet, cancel


def deadline_start(*, kind: str, key: str, start: dt.datetime, warning=None, form=None, notice=None,
                   unit=None) -> Deadline:
    """Create a deadline once (by key); a second call returns the existing one."""
    deadline, _ = Deadline.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "warning": warning, "form": form, "provincial_notice": notice, "unit": unit,
                  "started_at": start, "due_at": lc.due_at(kind, start)},
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
    return Deadline.objects.filter(
        key=key, met_at__isnull=True, cancelled_at__isnull=True, **{f"{field}__isnull": True}
    ).update(**{field: at}) == 1


def deadlines_meet_form_clock(*, consultation_id: int | None, notice_id: int | None, at: dt.datetime) -> None:
    """The form is filed: the 1-hour clocks of the consultation and the notice it answers are met."""
    if consultation_id:
        deadline_meet(key=keys.form_for_consultation(consultation_id), at=at)
    if notice_id:
        deadline_meet(key=keys.form_for_notice(notice_id), at=at)


def form_clock_for_consultation(*, consultation) -> Deadline | None:
    """§9: a consultation concluding that a level is reached starts the office's 1-hour clock."""
    if consultation.concluded_level in ("", "none") or consultation.concluded_at is None:
        return None
    return deadline_start(kind=lc.DeadlineKind.FORM, key=keys.form_for_consultation(consultation.pk),
                          start=consultation.concluded_at)


# ----------------------------------------------------------------------------- reminders and escalations


def _office_users():
    return get_user_model().objects.filter(role=Role.OFFICE, is_active=True)


def recipients(deadline: Deadline, step: str) -> list:
    """Who hears about a step: the office (and the unit, for a unit's deadline) for a reminder;
    the office head(s) — office users whose position names them 主任, else the whole office —
    for the first escalation; the form's approving role (else the vice-commander) for the second."""
    users = get_user_model().objects.filter(is_active=True)
    if step == "remind":
        found = list(_office_users())
        if deadline.unit_id:
            found += [u for u in users.filter(unit_id=deadline.unit_id) if u not in found]
        return found
    if step == "escalate_office":
        heads = list(_office_users().filter(position__contains=OFFICE_HEAD_MARK))
        return heads or list(_office_users())
    approver = deadline.form.approver_role if deadline.form_id else Role.VICE_COMMANDER
    return list(users.filter(role=approver))


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
    if step == "remind":
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
        link = reverse("alerts:warning", args=[deadline.warning_id]) if deadline.warning_id else reverse("deadlines:list")
        notify_users(people, kind=f"alerts.deadline.{step}", title=title, body=body, link=link, target=deadline)
        audit_record(
            actor=None, action=f"alerts.deadline.{STEP_AUDIT[step]}", target=deadline,
            after={field: now.isoformat()},
            data={"kind": deadline.kind, "due_at": deadline.due_at.isoformat(),
                  "recipients": [u.username for u in people]},
        )
    return True


def deadlines_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One beat: for every open deadline within reach, the steps its stage calls for and that
    were not sent yet. Idempotent: a second tick at the same moment sends nothing."""
    now = now or timezone.now()
    sent = dict.fromkeys(STEP_FIELDS, 0)
    candidates = (
        Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now + HORIZON,
                                escalated_approver_at__isnull=True)
        .select_related("warning", "form", "unit", "provincial_notice")
        .order_by("due_at", "pk")
    )
    for deadline in candidates:
        stage = lc.escalation_stage(now=now, due=deadline.due_at, met=False,
                                    remind_before=lc.REMIND_BEFORE[lc.DeadlineKind(deadline.kind)])
        for step in STEPS_AT_STAGE.get(stage, ()):
            if getattr(deadline, STEP_FIELDS[step]) is None and deadline_step_send(deadline=deadline, step=step, now=now):
                sent[step] += 1
    return sent
