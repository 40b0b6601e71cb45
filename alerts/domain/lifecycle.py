"""The warning lifecycle as a table: which action, from which level, to which, who approves,
and the deadlines the plan sets (warning-rules.md §7–§9; plan §4.2.2, §4.4, §4.5, §5.4, §5.6).

Pure: no ORM, no request. Services consult it; tests check it without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from core.errors import CONFLICT, DomainError
from forecasts.domain.rules import LEVEL_NAMES  # the one map of level names


class Level(StrEnum):
    NONE = "none"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


class Action(StrEnum):
    ISSUE = "issue"  # 发布
    UPGRADE = "upgrade"  # 升级
    DOWNGRADE = "downgrade"  # 降级
    LIFT = "lift"  # 解除


class Approver(StrEnum):
    VICE_COMMANDER = "vice_commander"  # 副总指挥（分管副市长）
    COMMANDER = "commander"  # 总指挥（市长）


RANK = {Level.NONE: 0, Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}
RESPONSE = {Level.YELLOW: "III", Level.ORANGE: "II", Level.RED: "I"}
RESPONSE_NAMES = {"III": "Ⅲ级响应", "II": "Ⅱ级响应", "I": "Ⅰ级响应"}
ACTION_NAMES = {Action.ISSUE: "发布", Action.UPGRADE: "升级", Action.DOWNGRADE: "降级", Action.LIFT: "解除"}
APPROVER_NAMES = {Approver.VICE_COMMANDER: "副总指挥", Approver.COMMANDER: "总指挥"}


class LifecycleError(DomainError, ValueError):
    """An action that the plan does not allow (now); the message is in Chinese, for people."""

    code = "alerts.lifecycle.not_allowed"
    status = CONFLICT


@dataclass(frozen=True)
class Decision:
    action: Action
    from_level: Level
    to_level: Level
    approver: Approver

    @property
    def response_level(self) -> str | None:
        return RESPONSE.get(self.to_level)


def response_level(level: str) -> str | None:
    return RESPONSE.get(Level(level))


def approver_for(from_level: str, to_level: str) -> Approver:
    """§8: anything that involves red (issue, upgrade to, downgrade from, lift red) goes to the
    commander; yellow and orange to the vice-commander."""
    if Level.RED in (Level(from_level), Level(to_level)):
        return Approver.COMMANDER
    return Approver.VICE_COMMANDER


def decide(action: str, *, active: str, target: str | None) -> Decision:
    """Check an action against the level in force and return what it means.

    ``active``: the level in force (none when no warning). ``target``: the level asked for
    (ignored for lift)."""
    action = Action(action)
    active = Level(active)
    if action == Action.LIFT:
        if active == Level.NONE:
            raise LifecycleError("当前没有生效的预警，无法解除。")
        return Decision(action, active, Level.NONE, approver_for(active, Level.NONE))
    if target in (None, "", Level.NONE):
        raise LifecycleError("请选择预警级别。")
    target = Level(target)
    if action == Action.ISSUE:
        if active != Level.NONE:
            raise LifecycleError(f"已有生效的{LEVEL_NAMES[active]}，请使用升级或降级。")
    elif action == Action.UPGRADE:
        if active == Level.NONE:
            raise LifecycleError("当前没有生效的预警，请使用发布。")
        if RANK[target] <= RANK[active]:
            raise LifecycleError(f"升级后的级别必须高于当前的{LEVEL_NAMES[active]}。")
    elif action == Action.DOWNGRADE:
        if active == Level.NONE:
            raise LifecycleError("当前没有生效的预警，无法降级。")
        if RANK[target] >= RANK[active]:
            raise LifecycleError(f"降级后的级别必须低于当前的{LEVEL_NAMES[active]}。")
    return Decision(action, active, target, approver_for(active, target))


def decision_action(*, level_in_force: str, concluded_level: str) -> Action | None:
    """The decision a consultation's conclusion calls for (§9: the 1-hour form clock starts when a
    consultation concludes that a level is reached — issue, upgrade, downgrade or lift): none when
    it concludes the level already in force (or concludes nothing)."""
    if not concluded_level:
        return None
    held, concluded = Level(level_in_force or Level.NONE), Level(concluded_level)
    if concluded == held:
        return None
    if held == Level.NONE:
        return Action.ISSUE
    if concluded == Level.NONE:
        return Action.LIFT
    return Action.UPGRADE if RANK[concluded] > RANK[held] else Action.DOWNGRADE


def may_sign(
    *, approver: str, signer_role: str, signer_id: int, drafted_by_id: int | None, submitted_by_id: int | None
) -> str | None:
    """None when the signer may sign, else the Chinese reason why not (§4.2.2, §8)."""
    if signer_id in {drafted_by_id, submitted_by_id}:
        return "不能审批自己起草或提交的审批表。"
    if signer_role != approver:
        if approver == Approver.COMMANDER and signer_role == Approver.VICE_COMMANDER:
            return "涉及红色预警的审批表须由总指挥审批，副总指挥无权签发。"
        return f"该审批表应由{APPROVER_NAMES[Approver(approver)]}审批。"
    return None


class DeadlineKind(StrEnum):
    FORM = "form"  # 办公室 1 小时内填报审批表
    PUBLISH = "publish"  # 签发后 2 小时内发布
    UNITS_NOTIFIED = "units_notified"  # 响应批准后 2 小时内通知各成员单位
    MEASURES = "measures"  # 指令发出后 2 小时内措施落实到位
    DAILY_REPORT = "daily_report"  # 每日 10:00 前报送前一日落实情况
    WRITTEN_REPORT = "written_report"  # 黄色及以上：当日书面报告市政府和省指挥部办公室
    ISSUE_BY = "issue_by"  # 污染过程开始前 24 小时发布预警（warning-rules §7 issue_by）
    SUMMARY = "summary"  # 响应终止后总结评估（附件6、附件8）：无时限，只提醒


DEADLINE_NAMES = {
    DeadlineKind.FORM: "填报预警审批表",
    DeadlineKind.PUBLISH: "发布预警信息",
    DeadlineKind.UNITS_NOTIFIED: "通知各成员单位",
    DeadlineKind.MEASURES: "应急措施落实到位",
    DeadlineKind.DAILY_REPORT: "报送前一日应急措施落实情况",
    DeadlineKind.WRITTEN_REPORT: "书面报告市政府和省应急指挥部办公室",
    DeadlineKind.ISSUE_BY: "最迟发布预警",
    DeadlineKind.SUMMARY: "总结评估（附件6、附件8）",
}
DEADLINE_BASIS = {
    DeadlineKind.FORM: "预案 4.2.2、4.4：1 小时内填报完成审批表",
    DeadlineKind.PUBLISH: "预案 4.2.2：接到签发审批表后 2 小时内发布",
    DeadlineKind.UNITS_NOTIFIED: "预案 5.6：应急响应批准后 2 小时内通知各成员单位",
    DeadlineKind.MEASURES: "预案 5.6：应急指令发出后 2 小时内落实到位",
    DeadlineKind.DAILY_REPORT: "预案 5.4、7.1：每日 10:00 前报送前一日落实情况",
    DeadlineKind.WRITTEN_REPORT: "预案 5.4：发布黄色及以上预警时书面报告",
    DeadlineKind.ISSUE_BY: "预案 4.2：污染过程开始前 24 小时发布预警",
    DeadlineKind.SUMMARY: "预案 6：应急响应终止后总结评估（未规定时限，到期提醒，不升级）",
}
#: How long before the due time a reminder goes out.
REMIND_BEFORE = {
    DeadlineKind.FORM: dt.timedelta(minutes=20),
    DeadlineKind.PUBLISH: dt.timedelta(minutes=30),
    DeadlineKind.UNITS_NOTIFIED: dt.timedelta(minutes=30),
    DeadlineKind.MEASURES: dt.timedelta(minutes=30),
    DeadlineKind.DAILY_REPORT: dt.timedelta(hours=1),
    DeadlineKind.WRITTEN_REPORT: dt.timedelta(hours=2),
    DeadlineKind.ISSUE_BY: dt.timedelta(hours=2),
    DeadlineKind.SUMMARY: dt.timedelta(0),  # its due time is the reminder (SUMMARY_REMIND_DAYS after the end)
}
#: Clocks the plan sets no limit for: reminded once at their due time, never escalated (§9).
NOT_ESCALATED: frozenset[DeadlineKind] = frozenset({DeadlineKind.SUMMARY})
#: Clocks whose due time the caller gives (it is not a fixed span from the start): ``issue_by`` is
#: the process's start − 24 h, the summary's reminder a setting's number of days after the end.
DUE_GIVEN: frozenset[DeadlineKind] = frozenset({DeadlineKind.ISSUE_BY, DeadlineKind.SUMMARY})
#: After the due time: first escalation to the office head, then (this much later) to the approver.
ESCALATE_AGAIN_AFTER = dt.timedelta(minutes=30)


def due_at(kind: str, start: dt.datetime) -> dt.datetime:
    """The due time of a deadline that starts at ``start`` (aware, any zone)."""
    kind = DeadlineKind(kind)
    if kind in DUE_GIVEN:
        raise ValueError(f"the due time of a {kind} deadline is given by the caller")
    if kind == DeadlineKind.FORM:
        return start + dt.timedelta(hours=1)
    if kind in (DeadlineKind.PUBLISH, DeadlineKind.UNITS_NOTIFIED, DeadlineKind.MEASURES):
        return start + dt.timedelta(hours=2)
    local = start.astimezone(SHANGHAI)
    if kind == DeadlineKind.DAILY_REPORT:
        # The report on day D is due at 10:00 of day D (it covers D-1).
        return local.replace(hour=10, minute=0, second=0, microsecond=0)
    # Written report: the same day (by 24:00 local).
    return (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def escalation_stage(*, now: dt.datetime, due: dt.datetime, met: bool, remind_before: dt.timedelta) -> str:
    """Which step a deadline has reached: done, waiting, remind, escalate_office, escalate_approver."""
    if met:
        return "done"
    if now < due - remind_before:
        return "waiting"
    if now < due:
        return "remind"
    if now < due + ESCALATE_AGAIN_AFTER:
        return "escalate_office"
    return "escalate_approver"


def lead_time_hours(*, episode_start: dt.datetime, now: dt.datetime) -> float:
    """Hours between now and the episode's start; the plan asks for at least 24 (§4.2)."""
    return (episode_start - now).total_seconds() / 3600
