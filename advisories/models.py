"""臭氧预警提示 (ozone prompt, plan §3.2) and 二氧化硫浓度预警 (SO2 alerts, plan §3.3) as work
(warning-rules.md §10): the prompt's consultation, confirmation, publication and §5.3.4 orders
to member units; the SO2 tasks of the county governments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import acknowledgement_fields, by_user, in_place_fields

#: OzonePrompt.open_slot of the prompt that is open (consulting or in force): unique, so there is
#: never a second open prompt (one per episode); NULL once it has ended.
OPEN = "open"


class OzonePrompt(models.Model):
    """臭氧预警提示 (plan §3.2): opened with a consultation by an evaluation that finds it in the
    current or a next process, confirmed by the office (the plan names no signatory), published to
    the member units and the public, ended by the office."""

    class Status(models.TextChoices):
        CONSULTING = "consulting", _("会商中")
        IN_FORCE = "in_force", _("已发布")
        ENDED = "ended", _("已结束")

    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.CONSULTING, db_index=True
    )
    open_slot = models.CharField(
        _("进行中标记"),
        max_length=8,
        null=True,
        blank=True,
        unique=True,
        default=OPEN,
        help_text=_("同一时间只有一个进行中的臭氧预警提示"),
    )
    consultation = models.OneToOneField(
        "forecasts.Consultation", verbose_name=_("会商"), on_delete=models.PROTECT, related_name="ozone_prompt"
    )
    evaluation = models.ForeignKey(
        "forecasts.Evaluation", verbose_name=_("发起的评估"), on_delete=models.PROTECT, related_name="+"
    )
    latest_evaluation = models.ForeignKey(
        "forecasts.Evaluation", verbose_name=_("最近的评估"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateTimeField(_("预计开始"))
    period_end = models.DateTimeField(_("预计结束"))
    peak_aqi = models.FloatField(_("最高日 AQI"), null=True, blank=True)
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    text = models.TextField(_("发布内容"), blank=True)
    confirmed_at = models.DateTimeField(_("确认发布时间"), null=True, blank=True)
    confirmed_by = by_user(_("确认人"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ended_by = by_user(_("结束人"))
    end_note = models.TextField(_("结束说明"), blank=True)

    class Meta:
        verbose_name = _("臭氧预警提示")
        verbose_name_plural = _("臭氧预警提示")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"臭氧预警提示 {self.period_start:%Y-%m-%d}（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ENDED


class OzoneOrder(models.Model):
    """臭氧污染减排指令 (plan §5.3.4) to one member unit under a prompt in force: production control at
    the enterprises with large VOCs and NOx emissions, listed from the registry when ordered."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("已下达")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        IN_PLACE = "in_place", _("已落实到位")
        CLOSED = "closed", _("已结束")

    OPEN_STATUSES = (Status.ISSUED, Status.ACKNOWLEDGED, Status.IN_PLACE)

    prompt = models.ForeignKey(
        OzonePrompt, verbose_name=_("臭氧预警提示"), on_delete=models.PROTECT, related_name="orders"
    )
    unit = models.ForeignKey(
        "command.MemberUnit", verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="ozone_orders"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ISSUED, db_index=True)
    preamble = models.TextField(_("指令说明"))
    measures = models.JSONField(_("措施"), default=list, help_text=_("[{title, text}]，下达时的文本"))
    enterprises = models.JSONField(
        _("重点企业"), default=list, help_text=_("[{id, name, area, industry, vocs_t, nox_t}]，下达时的清单")
    )
    issued_at = models.DateTimeField(_("下达时间"))
    acknowledged_at, acknowledged_by = acknowledgement_fields()
    in_place_at, in_place_by, in_place_note = in_place_fields()
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("臭氧污染减排指令")
        verbose_name_plural = _("臭氧污染减排指令")
        ordering = ["-issued_at", "unit__order", "id"]
        constraints = [models.UniqueConstraint(fields=["prompt", "unit"], name="one_ozone_order_per_unit_per_prompt")]

    def __str__(self) -> str:
        return f"{self.unit} · 臭氧污染减排（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class So2Task(models.Model):
    """二氧化硫浓度预警 (plan §3.3): an area's forecast hourly SO2 above 150 µg/m³ from its first to its
    last hour; its government takes targeted control measures (采取针对性应急管控措施) and answers
    within 2 hours (as §5.6). Alerts of one area that overlap or touch are one task."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("已下达")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        ANSWERED = "answered", _("已反馈")

    area = models.ForeignKey("command.Area", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="so2_tasks")
    unit = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("县区政府"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="so2_tasks",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ISSUED, db_index=True)
    start = models.DateTimeField(_("超标开始时间"))
    end = models.DateTimeField(_("超标结束时间"), help_text=_("最后一个超标小时"))
    max_so2 = models.FloatField(_("最高小时浓度（微克/立方米）"))
    evaluation = models.ForeignKey(
        "forecasts.Evaluation", verbose_name=_("发起的评估"), on_delete=models.PROTECT, related_name="+"
    )
    latest_evaluation = models.ForeignKey(
        "forecasts.Evaluation", verbose_name=_("最近的评估"), on_delete=models.PROTECT, related_name="+"
    )
    enterprises = models.JSONField(
        _("涉二氧化硫排放企业"), default=list, help_text=_("[{id, name, industry, so2_t}]，下达时的清单")
    )
    issued_at = models.DateTimeField(_("下达时间"))
    acknowledged_at, acknowledged_by = acknowledgement_fields()
    answer = models.TextField(_("已采取的管控措施"), blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answered_by = by_user(_("反馈人"))

    class Meta:
        verbose_name = _("二氧化硫浓度预警任务")
        verbose_name_plural = _("二氧化硫浓度预警任务")
        ordering = ["-start", "area__order", "id"]
        indexes = [models.Index(fields=["area", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.area} 二氧化硫 {self.start:%Y-%m-%d %H:%M}（{self.get_status_display()}）"
