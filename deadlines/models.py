"""A clock the plan sets (时限, warning-rules.md §9), stored with its due time and its progress.

The model was alerts.Deadline; it keeps its table (``alerts_deadline``) and its rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alerts.domain.lifecycle import DEADLINE_NAMES, NOT_ESCALATED
from core.fields import by_user


class Deadline(models.Model):
    """A clock the plan sets (warning-rules.md §9), stored with its due time and its progress."""

    class Kind(models.TextChoices):
        FORM = "form", _(DEADLINE_NAMES["form"])
        PUBLISH = "publish", _(DEADLINE_NAMES["publish"])
        UNITS_NOTIFIED = "units_notified", _(DEADLINE_NAMES["units_notified"])
        MEASURES = "measures", _(DEADLINE_NAMES["measures"])
        DAILY_REPORT = "daily_report", _(DEADLINE_NAMES["daily_report"])
        WRITTEN_REPORT = "written_report", _(DEADLINE_NAMES["written_report"])
        ISSUE_BY = "issue_by", _(DEADLINE_NAMES["issue_by"])
        SUMMARY = "summary", _(DEADLINE_NAMES["summary"])

    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    warning = models.ForeignKey(
        "alerts.Warning",
        verbose_name=_("预警"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    form = models.ForeignKey(
        "alerts.ApprovalForm",
        verbose_name=_("审批表"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    provincial_notice = models.ForeignKey(
        "alerts.ProvincialNotice",
        verbose_name=_("省/区域预警通知"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    unit = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("成员单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    evaluation = models.ForeignKey(
        "forecasts.Evaluation",
        verbose_name=_("发现污染过程的评估"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        help_text=_("最迟发布时间（issue_by）由哪次评估发现"),
    )
    key = models.CharField(
        _("唯一键"), max_length=120, unique=True, help_text=_("同一事项只建一次（重复执行不会重复建立）")
    )
    started_at = models.DateTimeField(_("起算时间"))
    due_at = models.DateTimeField(_("截止时间"), db_index=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    escalated_office_at = models.DateTimeField(_("升级至办公室负责人"), null=True, blank=True)
    escalated_approver_at = models.DateTimeField(_("升级至审批领导"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    close_reason = models.TextField(
        _("办结理由"), blank=True, help_text=_("办公室不填报审批表而办结时记录的理由（本市已按不低于通知的级别响应）")
    )
    closed_by = by_user(_("办结人"))

    class Meta:
        db_table = "alerts_deadline"  # the table it had in alerts: moved with its rows (migration 0001)
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 截止 {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def escalates(self) -> bool:
        """False for a task the plan sets no limit for (the summary): reminded, never overdue."""
        return self.kind not in NOT_ESCALATED
