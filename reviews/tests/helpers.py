"""Warnings as the alerts app leaves them after approval: the Warning row and its approved forms
(附件5). Built directly from the models so the after-action figures are tested on exact times."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from alerts.models import ApprovalForm, Warning

SHANGHAI = ZoneInfo("Asia/Shanghai")
APPROVER = {"yellow": "vice_commander", "orange": "vice_commander", "red": "commander", "none": "vice_commander"}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def make_warning(
    number: str,
    issued: str,
    *,
    level: str = "yellow",
    changes: tuple = (),
    lifted: str | None = None,
    published: bool = True,
) -> Warning:
    """A warning issued at ``issued`` (level), changed by ``changes`` [(time, action, to_level)], and
    lifted at ``lifted`` (None: still active)."""
    final_level = changes[-1][2] if changes else level
    warning = Warning.objects.create(
        number=number,
        status=Warning.Status.LIFTED if lifted else Warning.Status.ACTIVE,
        level="none" if lifted else final_level,
        response_level="" if lifted else {"yellow": "III", "orange": "II", "red": "I"}[final_level],
        published_at=at(issued) if published else None,
        lifted_at=at(lifted) if lifted else None,
    )
    previous = "none"
    steps = [(issued, "issue", level), *changes]
    if lifted:
        steps.append((lifted, "lift", "none"))
    for when, action, to_level in steps:
        ApprovalForm.objects.create(
            warning=warning,
            action=action,
            status=ApprovalForm.Status.APPROVED,
            from_level=previous,
            level=to_level,
            approver_role=APPROVER[to_level if to_level != "none" else previous],
            effective_at=at(when),
            decided_at=at(when) - dt.timedelta(minutes=10),
            basis="会商结论",
            content="预警信息",
        )
        previous = to_level
    return warning


def december_warning() -> Warning:
    """The brief's example: yellow at 2026-12-01 08:20, orange 12-02 09:00, lifted 12-04 17:40."""
    return make_warning(
        "YQ-2026-002",
        "2026-12-01 08:20",
        level="yellow",
        changes=(("2026-12-02 09:00", "upgrade", "orange"),),
        lifted="2026-12-04 17:40",
    )


def january_warning() -> Warning:
    """An earlier response of the same year: 2026-01-10 10:30 to 2026-01-12 10:05 (48 hours)."""
    return make_warning("YQ-2026-001", "2026-01-10 10:30", level="yellow", lifted="2026-01-12 10:05")
