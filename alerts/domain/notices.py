"""Provincial and regional warning notices (省/区域预警通知) in the city's decisions
(warning-rules.md edition 2 §8; plan §4.2.2, §5.2).

- A decision is routed on the **higher** of the city's levels (before and after) and the levels of
  the notices in force: a red notice is signed by the commander (总指挥) even when the city, with
  the provincial office's consent, responds at orange.
- A notice is **in force** until its lift notice is recorded. While it is, any decision that leaves
  the city below its level — a lower response, a downgrade, a lift — needs the provincial office's
  consent, recorded with the decision, whether or not the form names the notice.
- The office answers a notice within an hour with a form, or, when the city already responds at
  or above the notice's level, closes the notice's clock with a recorded reason (§9).

Pure: no ORM, no request.
"""

from __future__ import annotations

from collections.abc import Iterable

from .lifecycle import LEVEL_NAMES, RANK, Approver, Level


def highest(levels: Iterable[str]) -> Level:
    """The highest of some levels (none when there are none)."""
    return max((Level(level) for level in levels), key=RANK.__getitem__, default=Level.NONE)


def approver_for(*, from_level: str, to_level: str, notice_levels: Iterable[str] = ()) -> Approver:
    """§8: the commander when red is involved — the level in force, the level decided, or a notice
    in force — otherwise the vice-commander."""
    if highest([from_level, to_level, *notice_levels]) == Level.RED:
        return Approver.COMMANDER
    return Approver.VICE_COMMANDER


def consent_problem(*, to_level: str, notice_levels: Iterable[str], consent: str) -> str | None:
    """None when the decision may stand; else why not (in Chinese): it leaves the city below a
    notice in force and the provincial office's consent is not recorded."""
    above = highest(notice_levels)
    if RANK[Level(to_level)] >= RANK[above] or consent.strip():
        return None
    after = "解除预警" if Level(to_level) == Level.NONE else f"按{LEVEL_NAMES[Level(to_level)]}响应"
    return (
        f"省（区域）{LEVEL_NAMES[above]}通知仍在生效，本次决定（{after}）使本市低于该通知的级别，"
        "须经省重污染天气应急指挥部办公室同意并记录同意情况（预案 5.2）。"
    )


def close_problem(*, notice_level: str, city_level: str, reason: str) -> str | None:
    """§9: a notice's form clock may be closed without a form only when the city already responds
    at or above the notice's level, and only with a reason."""
    if RANK[Level(city_level)] < RANK[Level(notice_level)]:
        return (
            f"本市当前为{LEVEL_NAMES[Level(city_level)]}，低于通知的{LEVEL_NAMES[Level(notice_level)]}："
            "须在 1 小时内填报审批表（升级或发布），不能直接办结。"
        )
    if not reason.strip():
        return "请填写办结理由（本市已按不低于通知的级别响应）。"
    return None
