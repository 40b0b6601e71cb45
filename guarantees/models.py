"""应急保障 (plan §8) as records the office keeps:

- 值班值守 (§8.5 "制定重污染天气应急值守制度", §8.1 "及时响应到位"): who is on duty for the office
  and for each member unit during a response, with which phone, from when to when;
- 通讯录确认 (§8.5 "明确重污染天气应急负责人和联络员，建立应急组织机构通讯录"): the contacts are
  the member units' contacts the warnings are sent to (notifications.UnitContact) and the phones
  the plan lists (command.MemberUnit.phones); here is each confirmation that they are still right;
- 应急物资与经费 (§8.2 经费保障, §8.3 物资保障, §8.4 监测与预警能力保障, §8.5, §8.6): the register.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DutySlot(models.Model):
    """值班值守: one person on duty for the office (unit empty) or a member unit during a response."""

    response = models.ForeignKey(
        "response.Response", verbose_name=_("应急响应"), on_delete=models.PROTECT, related_name="duty_slots"
    )
    unit = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_slots",
        help_text=_("留空为应急指挥部办公室"),
    )
    person = models.CharField(_("值班人员"), max_length=50)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("值班电话"), max_length=50)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["starts_at", "unit__order", "id"]
        indexes = [models.Index(fields=["response", "unit", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="duty_slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        who = self.unit.short_name if self.unit_id else "指挥部办公室"
        return f"{who} · {self.person} {self.starts_at:%Y-%m-%d %H:%M}"


class ContactConfirmation(models.Model):
    """通讯录确认: a member unit (or for a county, its government) says its contacts are right —
    unchanged (信息无变化，确认) or after editing them. The newest one is the entry's "last confirmed"."""

    unit = models.ForeignKey(
        "command.MemberUnit", verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="contact_confirmations"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT, related_name="+"
    )
    changed = models.BooleanField(_("有修改"), default=False)
    summary = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("通讯录确认")
        verbose_name_plural = _("通讯录确认")
        ordering = ["-confirmed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.confirmed_at:%Y-%m-%d}"


class SupplyItem(models.Model):
    """应急物资与经费登记 (§8.2–8.6): what there is, how much, who keeps it, where, when last checked."""

    class Kind(models.TextChoices):
        FUNDS = "funds", _("应急经费（8.2）")
        INSTRUMENT = "instrument", _("应急仪器（8.3）")
        VEHICLE = "vehicle", _("应急车辆（8.3）")
        PROTECTIVE = "protective", _("人员防护装备（8.3）")
        MONITORING = "monitoring", _("监测预警设备（8.4）")
        COMMUNICATION = "communication", _("通信设备（8.5）")
        MEDICAL = "medical", _("医疗物资（8.6）")
        OTHER = "other", _("其他")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    quantity = models.DecimalField(_("数量/金额"), max_digits=14, decimal_places=2)
    measure = models.CharField(_("计量单位"), max_length=20, help_text=_("如：台、辆、套、万元"))
    keeper = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("储备维护单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplies",
        help_text=_("留空为应急指挥部办公室"),
    )
    location = models.CharField(_("存放地点"), max_length=200, blank=True)
    last_checked_on = models.DateField(_("最近检查日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    active = models.BooleanField(_("在册"), default=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("应急物资与经费")
        verbose_name_plural = _("应急物资与经费")
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"
