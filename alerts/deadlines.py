"""The deadline clock (warning-rules.md §9): every minute the beat calls `deadlines_tick`, which
reminds before a deadline passes and escalates when it has passed — to the office head
(办公室主任), then to the approving leader. Each step goes out once: it is claimed by a conditional
UPDATE on its timestamp, so two ticks running at the same moment never send it twice.

Also the countdown shown beside every deadline (`remaining`), the same text the page's JS updates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from audit.services import audit_record
from notifications.services import notify_users

from .domain import lifecycle as lc
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


@dataclass(frozen=True)
class Remaining:
    """The countdown of a deadline at one moment, as words (剩余 1小时05分 / 已超时 12分)."""

    seconds: int
    overdue: bool
    text: str


def duration_text(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(days)d天%(hours)d小时%(minutes)02d分") % {"days": days, "hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d小时%(minutes)02d分") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d分%(seconds)02d秒") % {"minutes": minutes, "seconds": secs}


def remaining(due: dt.datetime, now: dt.datetime | None = None) -> Remaining:
    now = now or timezone.now()
    seconds = int((due - now).total_seconds())
    if seconds >= 0:
        return Remaining(seconds, False, _("剩余 %(duration)s") % {"duration": duration_text(seconds)})
    return Remaining(seconds, True, _("已超时 %(duration)s") % {"duration": duration_text(-seconds)})


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
        claimed = Deadline.objects.filter(
            pk=deadline.pk, met_at__isnull=True, cancelled_at__isnull=True, **{f"{field}__isnull": True}
        ).update(**{field: now})
        if claimed != 1:
            return False
        people = recipients(deadline, step)
        title, body = _message(deadline, step)
        link = reverse("alerts:warning", args=[deadline.warning_id]) if deadline.warning_id else reverse("alerts:deadlines")
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
