"""The emergency response (应急响应, plan §5): one per warning episode, the orders (应急指令) each
member unit receives for the level in force (§5.2, §5.6, §5.7) and the daily implementation
reports (每日 10:00 前报送前一日落实情况, §5.4, §7.1)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import acknowledgement_fields, in_place_fields
from deadlines import keys as deadline_keys


class ResponseLevel(models.TextChoices):
    III = "III", _("Ⅲ级响应")
    II = "II", _("Ⅱ级响应")
    I = "I", _("Ⅰ级响应")  # noqa: E741 - the plan's numeral


#: The warning level (预警级别) that starts each response level (§5.1).
RESPONSE_FOR_WARNING = {"yellow": ResponseLevel.III, "orange": ResponseLevel.II, "red": ResponseLevel.I}


class Response(models.Model):
    """应急响应: started by the approval of a warning (§5.2), changed by its upgrades and
    downgrades, ended when the warning is lifted (§5.7)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("响应中")
        ENDED = "ended", _("已终止")

    warning = models.OneToOneField(
        "alerts.Warning", verbose_name=_("预警"), on_delete=models.PROTECT, related_name="emergency_response"
    )
    level = models.CharField(_("响应级别"), max_length=4, choices=ResponseLevel.choices)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    started_at = models.DateTimeField(_("启动时间"))
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    closing_notice = models.TextField(_("终止通知"), blank=True)

    class Meta:
        verbose_name = _("应急响应")
        verbose_name_plural = _("应急响应")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.warning.number} {self.get_level_display()}（{self.get_status_display()}）"

    @property
    def start_date(self) -> dt.date:
        return timezone.localdate(self.started_at)


class ResponseChange(models.Model):
    """One approved form applied to the response (启动、升级、降级、终止). Unique per form: the
    outbox handler that applies it runs any number of times and acts once."""

    response = models.ForeignKey(Response, verbose_name=_("应急响应"), on_delete=models.CASCADE, related_name="changes")
    form = models.OneToOneField(
        "alerts.ApprovalForm", verbose_name=_("审批表"), on_delete=models.PROTECT, related_name="response_change"
    )
    action = models.CharField(_("事项"), max_length=12)
    from_level = models.CharField(_("原响应级别"), max_length=4, blank=True)
    to_level = models.CharField(_("新响应级别"), max_length=4, blank=True)
    applied_at = models.DateTimeField(_("执行时间"))
    skipped = models.BooleanField(
        _("未执行（已有更新的决定）"),
        default=False,
        help_text=_("比已执行的审批表更早签发的审批表迟到时只记录，不再改变指令"),
    )

    class Meta:
        verbose_name = _("响应变更")
        verbose_name_plural = _("响应变更")
        ordering = ["applied_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_level}→{self.to_level}"


class Order(models.Model):
    """应急指令 to one member unit for one response level: the measures it is responsible for
    (附件2 duties) and the general ones; acknowledged (签收) and confirmed in place (落实到位)
    within 2 hours of issue (§5.6)."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("已下达")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        IN_PLACE = "in_place", _("已落实到位")
        SUPERSEDED = "superseded", _("已被新指令替代")
        CLOSED = "closed", _("响应终止")

    class Kind(models.TextChoices):
        MEASURES = "measures", _("应急措施")
        PUBLIC_SMS = "public_sms", _("免费发布预警短信")

    OPEN_STATUSES = (Status.ISSUED, Status.ACKNOWLEDGED, Status.IN_PLACE)

    response = models.ForeignKey(Response, verbose_name=_("应急响应"), on_delete=models.PROTECT, related_name="orders")
    form = models.ForeignKey(
        "alerts.ApprovalForm", verbose_name=_("依据的审批表"), on_delete=models.PROTECT, related_name="orders"
    )
    unit = models.ForeignKey(
        "command.MemberUnit", verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="orders"
    )
    level = models.CharField(_("响应级别"), max_length=4, choices=ResponseLevel.choices)
    #: §4.2.4: the three operators are also ordered to send the warning to the public, free, on their
    #: networks (移动、联通、电信三大通信运营商…免费发布预警信息短信) — for every published form, a lift too.
    kind = models.CharField(_("指令类别"), max_length=12, choices=Kind.choices, default=Kind.MEASURES, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ISSUED, db_index=True)
    preamble = models.TextField(_("指令说明"))
    measures = models.JSONField(
        _("应急措施"), default=list, help_text=_("[{category, title, text, general}]，下达时的文本")
    )
    issued_at = models.DateTimeField(_("下达时间"))
    acknowledged_at, acknowledged_by = acknowledgement_fields()
    in_place_at, in_place_by, in_place_note = in_place_fields()
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("替代它的指令"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, help_text=_("被替代或响应终止的时间"))

    class Meta:
        verbose_name = _("应急指令")
        verbose_name_plural = _("应急指令")
        ordering = ["-issued_at", "unit__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "unit", "kind"], name="one_order_per_unit_kind_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_level_display()}（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def deadline_key(self) -> str:
        return deadline_keys.measures(self.pk)

    @property
    def own_measures(self) -> list[dict]:
        return [m for m in self.measures if not m.get("general")]

    @property
    def general_measures(self) -> list[dict]:
        return [m for m in self.measures if m.get("general")]


def report_upload_to(instance: ReportAttachment, filename: str) -> str:
    # The stored name is ours (the original is kept in `name`): no path tricks from the client.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"response/reports/{instance.report.report_date:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DailyReport(models.Model):
    """每日应急措施落实情况 (§5.4, §7.1): a member unit's report on one day of a response, due by
    10:00 (Asia/Shanghai) of the following day."""

    response = models.ForeignKey(Response, verbose_name=_("应急响应"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        "command.MemberUnit", verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="daily_reports"
    )
    report_date = models.DateField(_("报送所述日期"), help_text=_("报告的是这一天的落实情况，次日 10:00 前报送"))
    measures_done = models.TextField(_("措施落实情况"))
    inspections = models.PositiveIntegerField(_("检查次数"), default=0)
    enterprises_checked = models.PositiveIntegerField(_("检查企业数"), default=0)
    violations_found = models.PositiveIntegerField(_("发现问题数"), default=0)
    figures = models.JSONField(_("其他数据"), default=dict, blank=True, help_text=_("自定义指标：名称 → 数值"))
    content = models.TextField(_("其他说明"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    late = models.BooleanField(_("逾期"), default=False)

    class Meta:
        verbose_name = _("每日落实情况报送")
        verbose_name_plural = _("每日落实情况报送")
        ordering = ["-report_date", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "report_date"], name="one_daily_report_per_unit_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.report_date:%Y-%m-%d}"


class ReportAttachment(models.Model):
    """A file attached to a daily report (pdf, jpg, png, docx, xlsx; size-limited)."""

    report = models.ForeignKey(
        DailyReport, verbose_name=_("报送"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=report_upload_to, max_length=200)
    name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报送附件")
        verbose_name_plural = _("报送附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
