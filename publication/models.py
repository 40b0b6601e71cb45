"""The on-duty confirmations of a publication (在岗指挥确认, plan §5.2). The model was
alerts.DutyConfirmation; it keeps its table (``alerts_dutyconfirmation``) and its rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import by_user


class DutyConfirmation(models.Model):
    """在岗指挥确认 (plan §5.2): in an orange response each county government's head (县级政府主要
    负责人), in a red one also the county party secretary (党委主要负责人), must be on duty; the
    county confirms it here, once per published form, and the office sees who has not."""

    class DutyRole(models.TextChoices):
        GOVERNMENT = "government", _("政府主要负责人")
        PARTY = "party", _("党委主要负责人")

    warning = models.ForeignKey(
        "alerts.Warning", verbose_name=_("预警"), on_delete=models.CASCADE, related_name="duty_confirmations"
    )
    form = models.ForeignKey(
        "alerts.ApprovalForm", verbose_name=_("审批表"), on_delete=models.CASCADE, related_name="duty_confirmations"
    )
    unit = models.ForeignKey(
        "command.MemberUnit", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="duty_confirmations"
    )
    role = models.CharField(_("在岗人员"), max_length=12, choices=DutyRole.choices)
    contact_name = models.CharField(_("姓名（联系人登记）"), max_length=50, blank=True)
    requested_at = models.DateTimeField(_("要求时间"), auto_now_add=True)
    confirmed_by = by_user(_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        db_table = "alerts_dutyconfirmation"  # the table it had in alerts: moved with its rows (migration 0001)
        verbose_name = _("在岗指挥确认")
        verbose_name_plural = _("在岗指挥确认")
        ordering = ["form_id", "unit__order", "role"]
        constraints = [
            models.UniqueConstraint(fields=["form", "unit", "role"], name="duty_confirmation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} {self.get_role_display()}（{'已确认' if self.confirmed_at else '未确认'}）"


class ChannelDelivery(models.Model):
    """一个发布渠道 (预警信息发布途径, plan §4.2.4) of one published form: the system's own (the
    public page, the CAP feed, SMS to the units' contacts and subscribers, in-app notices), marked
    done by the publication when it has done them; the external ones the office confirms (政务办公
    信息网, 市政府网站, …); the free public SMS of each operator, confirmed by the operator's unit.
    The publication clock of §4.2.2 is met when every channel of the form is done."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发布")
        DONE = "done", _("已发布")

    form = models.ForeignKey(
        "alerts.ApprovalForm", verbose_name=_("审批表"), on_delete=models.CASCADE, related_name="channels"
    )
    channel = models.CharField(_("渠道"), max_length=24)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    order = models.ForeignKey(
        "response.Order",
        verbose_name=_("应急指令"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("通信运营商免费发布短信的指令"),
    )
    confirmed_by = by_user(_("确认人"), help_text=_("系统自有渠道为空：由系统完成"))
    confirmed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发布渠道")
        verbose_name_plural = _("发布渠道")
        ordering = ["form_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "channel"], name="channel_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} {self.channel}（{self.get_status_display()}）"

    @property
    def done(self) -> bool:
        return self.status == self.Status.DONE
