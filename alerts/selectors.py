from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .domain import lifecycle as lc
from .models import ApprovalForm, LevelChoices, ProvincialNotice, Warning


def level_name(level: str) -> str:
    """The warning level's name in the active language (无预警 for anything unknown)."""
    return str(LevelChoices(level).label) if level in LevelChoices.values else str(LevelChoices.NONE.label)


def response_name(response_level: str | None) -> str:
    """Ⅲ/Ⅱ/Ⅰ级响应 in the active language; empty without a response."""
    name = lc.RESPONSE_NAMES.get(response_level or "")
    return gettext(name) if name else ""


def active_level() -> str:
    """The level of the warning in force, or none."""
    return Warning.objects.filter(status=Warning.Status.ACTIVE).values_list("level", flat=True).first() or "none"


def notice_levels_in_force() -> list[str]:
    """The levels of the provincial and regional notices in force (warning-rules.md §8): every one
    counts until its lift is recorded, whether a form names it or not."""
    return list(ProvincialNotice.objects.filter(lifted_at__isnull=True).values_list("level", flat=True))


def active_warning() -> Warning | None:
    return Warning.objects.filter(status=Warning.Status.ACTIVE).first()


def warnings_list() -> QuerySet[Warning]:
    return Warning.objects.prefetch_related(
        Prefetch(
            "forms",
            queryset=ApprovalForm.objects.select_related("drafted_by", "submitted_by", "decided_by")
            .prefetch_related("affected_areas")
            .order_by("drafted_at", "id"),
        )
    )


def forms_awaiting(user) -> QuerySet[ApprovalForm]:
    """The approver's inbox: submitted forms routed to the user's role."""
    return (
        ApprovalForm.objects.filter(status=ApprovalForm.Status.SUBMITTED, approver_role=user.role)
        .select_related("warning", "evaluation", "consultation", "submitted_by")
        .order_by("submitted_at")
    )


def timeline(warning: Warning) -> list[dict]:
    """Each step of a warning, oldest first: drafted, submitted, approved/rejected, per form."""
    steps = []
    for form in warning.forms.all():
        steps.append(
            {
                "at": form.drafted_at,
                "what": f"起草{form.get_action_display()}审批表",
                "who": form.drafted_by,
                "form": form.pk,
            }
        )
        if form.submitted_at:
            steps.append({"at": form.submitted_at, "what": "提交审批", "who": form.submitted_by, "form": form.pk})
        if form.decided_at:
            steps.append(
                {
                    "at": form.decided_at,
                    "what": form.get_status_display(),
                    "who": form.decided_by,
                    "form": form.pk,
                    "comment": form.decision_comment or form.leader_opinion,
                }
            )
    return sorted(steps, key=lambda s: s["at"] or timezone.now())
