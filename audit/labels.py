"""What each audit action means, in words (Chinese first; English through the catalogue).

The dotted codes stay in the log and in the filter; pages show the words beside them. Every action
the code records has an entry here (audit/tests/test_labels.py scans the sources), so a new action
without words fails the tests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # sign-in and access
    "auth.login": _("登录"),
    "auth.login.failed": _("登录失败"),
    "auth.logout": _("退出登录"),
    "auth.access.denied": _("越权访问被拒绝"),
    "auth.session.timeout": _("会话超时结束"),
    "auth.token.issued": _("签发接口令牌"),
    "auth.token.revoked": _("撤销接口令牌"),
    "auth.reauth.failed": _("签发前身份验证未通过"),
    "auth.otp.enrolled": _("绑定动态口令"),
    "auth.otp.enrol_failed": _("绑定动态口令失败"),
    "auth.otp.verified": _("动态口令验证通过"),
    "auth.otp.failed": _("动态口令错误"),
    "auth.otp.throttled": _("动态口令尝试过于频繁"),
    "auth.otp.locked": _("动态口令错误次数过多，会话结束"),
    "accounts.demo.seeded": _("创建演示账户"),
    # plan data
    "command.plan.loaded": _("载入预案组织体系"),
    "measures.plan.loaded": _("载入预案减排措施"),
    "measures.enterprises.imported": _("导入企业清单"),
    # forecasts
    "forecasts.import.stored": _("导入预报/监测数据"),
    "forecasts.evaluation.created": _("研判预警等级"),
    "forecasts.consultation.opened": _("发起会商"),
    "forecasts.consultation.concluded": _("会商结论"),
    "forecasts.replay.started": _("开始回放"),
    "forecasts.replay.stopped": _("停止回放"),
    "forecasts.replay.stepped": _("回放前进一步"),
    "forecasts.replay.finished": _("回放结束"),
    # warnings
    "alerts.form.drafted": _("起草审批表"),
    "alerts.form.edited": _("修改审批表"),
    "alerts.form.submitted": _("提交审批"),
    "alerts.form.withdrawn": _("撤回审批表"),
    "alerts.warning.cancelled": _("撤回发布审批表，预警撤销"),
    "alerts.form.redrafted": _("退回后重新起草"),
    "alerts.form.approved": _("签发审批表"),
    "alerts.form.rejected": _("退回审批表"),
    "alerts.warning.issue": _("预警生效（发布）"),
    "alerts.warning.upgrade": _("预警升级"),
    "alerts.warning.downgrade": _("预警降级"),
    "alerts.warning.lift": _("预警解除"),
    "alerts.warning.published": _("预警信息已发布"),
    "alerts.warning.announced": _("预警签发，待生效时间起生效"),
    "alerts.notice.recorded": _("登记上级预警通知"),
    "alerts.notice.lifted": _("登记上级预警通知解除"),
    "alerts.report.submitted": _("书面报告已报送"),
    "alerts.duty.confirmed": _("到岗到位确认"),
    "alerts.deadline.reminded": _("时限提醒"),
    "alerts.deadline.escalated_office": _("时限逾期，报办公室负责人"),
    "alerts.deadline.escalated_approver": _("时限逾期，报审批领导"),
    # deadlines (warning-rules.md §9)
    "deadlines.notice_clock.closed": _("办结上级预警通知时限（本市已按不低于通知的级别响应）"),
    "deadlines.issue_by.cancelled": _("取消最迟发布时限（后续评估未再发现该污染过程）"),
    "deadlines.issue_by.reopened": _("恢复最迟发布时限（评估再次发现该污染过程）"),
    # response
    "response.orders.issue": _("下达应急指令"),
    "response.orders.upgrade": _("升级，下达新指令"),
    "response.orders.downgrade": _("降级，下达新指令"),
    "response.orders.lift": _("解除，结束应急指令"),
    "response.orders.public_sms": _("向通信运营商下达免费发布预警短信指令"),
    "publication.channel.confirmed": _("确认发布渠道已发布"),
    "response.change.skipped": _("响应变更跳过（已有更晚的决定）"),
    "response.order.acknowledged": _("签收应急指令"),
    "response.order.in_place": _("措施落实到位"),
    "response.report.submitted": _("报送每日落实情况"),
    "response.report.reminded": _("每日报送提醒"),
    "response.response.ended": _("响应终止"),
    # notifications
    "notifications.delivery.retried": _("重发失败短信"),
    "notifications.subscriber.subscribed": _("公众订阅预警短信"),
    "notifications.subscriber.unsubscribed": _("公众退订预警短信"),
    "notifications.subscriber.code_sent": _("发送订阅/退订验证码"),
    # supervision
    "supervision.inspection.created": _("登记督查检查"),
    "supervision.inspection.edited": _("修改督查检查"),
    "supervision.inspection.deleted": _("删除督查检查"),
    "supervision.inspection.follow_up": _("督查问题整改跟进"),
    "supervision.tipoff.received": _("收到公众举报"),
    "supervision.tipoff.verifying": _("举报核查中"),
    "supervision.tipoff.verified": _("举报核查完毕"),
    "supervision.tipoff.reward": _("举报奖励"),
    "supervision.tipoff.routed": _("举报转办承办单位"),
    "supervision.tipoff.answered": _("承办单位答复举报"),
    "supervision.enforcement.ordered": _("下达执法措施"),
    "supervision.enforcement.followed_up": _("跟进执法措施"),
    "supervision.enforcement.closed": _("办结执法措施"),
    # reviews
    "reviews.summary.created": _("编写总结评估"),
    "reviews.summary.edited": _("修改总结评估"),
    "reviews.summary.finalized": _("总结评估定稿"),
    "reviews.summary.reopened": _("总结评估重新打开"),
    "reviews.evaluation.created": _("编写效果评估"),
    "reviews.evaluation.edited": _("修改效果评估"),
    "reviews.drill.created": _("登记演练"),
    "reviews.drill.edited": _("修改演练记录"),
    # advisories (warning-rules.md §10)
    "advisories.ozone.opened": _("发起臭氧预警提示会商"),
    "advisories.ozone.extended": _("臭氧预警提示时段延长"),
    "advisories.ozone.confirmed": _("确认发布臭氧预警提示，下达臭氧污染减排指令"),
    "advisories.ozone.ended": _("结束臭氧预警提示"),
    "advisories.ozone_order.acknowledged": _("签收臭氧污染减排指令"),
    "advisories.ozone_order.in_place": _("臭氧污染减排措施落实到位"),
    "advisories.so2.issued": _("下达二氧化硫预警任务"),
    "advisories.so2.extended": _("二氧化硫预警任务时段延长"),
    "advisories.so2.acknowledged": _("签收二氧化硫预警任务"),
    "advisories.so2.answered": _("反馈二氧化硫管控措施"),
    # counties (§2, §5.2, §8.1)
    "counties.body.saved": _("修改县区应急指挥机构信息"),
    "counties.contact.added": _("添加县区应急指挥机构人员"),
    "counties.contact.changed": _("修改县区应急指挥机构人员"),
    "counties.contact.removed": _("删除县区应急指挥机构人员"),
    "counties.measure.filed": _("填报县区加强应急减排措施"),
    "counties.measure.changed": _("修改县区加强应急减排措施"),
    "counties.measure.withdrawn": _("撤回县区加强应急减排措施"),
    # upkeep (plan §9.1, §6)
    "upkeep.training.recorded": _("登记预案培训"),
    "upkeep.training.edited": _("修改预案培训记录"),
    "upkeep.edition.recorded": _("登记预案版本"),
    "upkeep.trigger.recorded": _("登记预案修订情形"),
    "upkeep.revision.decided": _("登记预案修订决定"),
    "upkeep.suggestion.recorded": _("登记改进建议"),
    "upkeep.suggestion.accepted": _("采纳改进建议"),
    "upkeep.suggestion.rejected": _("不予采纳改进建议"),
    "upkeep.suggestion.done": _("改进建议已落实"),
    # guarantees (plan §8)
    "guarantees.duty.added": _("登记值班安排"),
    "guarantees.duty.changed": _("值班安排变更"),
    "guarantees.duty.removed": _("删除值班安排"),
    "guarantees.contact.confirmed": _("确认通讯录信息无变化"),
    "guarantees.contact.added": _("登记通讯录联系人"),
    "guarantees.contact.changed": _("修改通讯录联系人"),
    "guarantees.contact.removed": _("删除通讯录联系人"),
    "guarantees.supply.added": _("登记应急物资或经费"),
    "guarantees.supply.changed": _("修改应急物资或经费登记"),
    "guarantees.supply.checked": _("检查应急物资或经费"),
    "guarantees.supply.retired": _("注销应急物资或经费登记"),
}


def action_label(action: str) -> str:
    """The words for an action code; the code itself for one recorded before it had words."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
