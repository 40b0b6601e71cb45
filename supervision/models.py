"""Supervision (监督管理, plan §7): inspections by the supervision group (督导检查, §7.2) with their
findings, photos and follow-up, and the public's tip-offs (公众监督、实名举报, §7.3) with their
verification and reward."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import by_user


def response_link(related_name: str) -> models.ForeignKey:
    """The response (应急响应) a record was made during, if it was linked to one."""
    return models.ForeignKey(
        "response.Response",
        verbose_name=_("应急响应"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Inspection(models.Model):
    """督导检查记录: one visit of the supervision group to a place (an enterprise, a site)."""

    class FollowUp(models.TextChoices):
        OPEN = "open", _("待处理")
        RECTIFYING = "rectifying", _("整改中")
        CLOSED = "closed", _("已办结")

    date = models.DateField(_("检查日期"))
    place = models.CharField(_("检查地点"), max_length=200)
    enterprise_name = models.CharField(_("企业（工地）名称"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "measures.Enterprise",
        verbose_name=_("应急减排清单企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
        help_text=_("清单内企业可选；名称始终以文字保存"),
    )
    county = models.ForeignKey(
        "command.Area",
        verbose_name=_("县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    findings = models.TextField(_("检查情况"))
    violation = models.BooleanField(_("发现违法违规"), default=False)
    violation_description = models.TextField(_("违法违规情况"), blank=True)
    follow_up_status = models.CharField(
        _("处理状态"), max_length=12, choices=FollowUp.choices, default=FollowUp.OPEN, db_index=True
    )
    follow_up_due = models.DateField(_("整改期限"), null=True, blank=True)
    follow_up_notes = models.TextField(_("处理情况"), blank=True)
    response = response_link("inspections")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督导检查")
        verbose_name_plural = _("督导检查")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.enterprise_name or self.place}"


def photo_upload_to(instance: InspectionPhoto, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"supervision/photos/{uuid.uuid4().hex}{suffix}"


class InspectionPhoto(models.Model):
    """A photo taken at an inspection (jpg or png, size-limited, content checked)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("督导检查"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to=photo_upload_to, max_length=200)
    name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TipOff(models.Model):
    """公众举报 (§7.3): sent from the public page without login; verified by the office or the
    supervision group; a real-name tip-off found true may be rewarded."""

    class Category(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业未停限产")
        VEHICLE = "vehicle", _("机动车违规")
        DUST = "dust", _("工地扬尘")
        BURNING = "burning", _("露天焚烧、烧烤")
        FIREWORKS = "fireworks", _("燃放烟花爆竹")
        OTHER = "other", _("其他")

    class Channel(models.TextChoices):
        """How the tip-off came in (§7.3 网络平台、热线电话)."""

        WEB = "web", _("网上举报")
        ECOLOGY_HOTLINE = "12369", _("12369 环保举报热线")
        CITIZEN_HOTLINE = "12345", _("12345 政务服务热线")
        OTHER = "other", _("其他渠道")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        VERIFYING = "verifying", _("核查中")
        TRUE = "verified_true", _("核查属实")
        FALSE = "verified_false", _("核查不属实")

    reference = models.CharField(_("受理编号"), max_length=32, unique=True)
    check_code_hash = models.CharField(_("查询码（摘要）"), max_length=64, blank=True)
    channel = models.CharField(_("举报渠道"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    category = models.CharField(_("举报类别"), max_length=12, choices=Category.choices)
    area = models.ForeignKey(
        "command.Area", verbose_name=_("所在县区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("地点"), max_length=200)
    description = models.TextField(_("举报内容"))
    reporter_name = models.CharField(_("举报人姓名"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    real_name = models.BooleanField(_("实名举报"), default=False)
    client_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    response = response_link("tipoffs")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    verification_note = models.TextField(_("核查情况"), blank=True)
    handled_by = by_user(_("核查人"))
    verified_at = models.DateTimeField(_("核查完成时间"), null=True, blank=True)
    reward = models.BooleanField(_("给予奖励"), default=False)
    reward_note = models.TextField(_("奖励说明"), blank=True)
    reward_decided_at = models.DateTimeField(_("奖励决定时间"), null=True, blank=True)
    assigned_unit = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tipoffs",
    )
    routed_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    answer = models.TextField(_("办理答复"), blank=True, help_text=_("向举报人公开"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = by_user(_("答复人"))
    entered_by = by_user(_("登记人"), help_text=_("热线举报由工作人员登记；网上举报为空"))
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("公众举报")
        verbose_name_plural = _("公众举报")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_category_display()}"

    @property
    def verified(self) -> bool | None:
        if self.status == self.Status.TRUE:
            return True
        if self.status == self.Status.FALSE:
            return False
        return None


class EnforcementAction(models.Model):
    """执法措施 (§7.2 "依法责令其停止生产，除予以经济处罚外，还要依法追究法律责任"): ordered on an
    inspection that found a violation — a stop of production (责令停产), a fine (罚款: amount and
    decision number) or a referral (移送) — then followed up and closed."""

    class Kind(models.TextChoices):
        STOP = "stop", _("责令停产")
        FINE = "fine", _("罚款")
        REFERRAL = "referral", _("移送")

    class Status(models.TextChoices):
        ORDERED = "ordered", _("已下达")
        FOLLOWED_UP = "followed_up", _("已跟进")
        CLOSED = "closed", _("已办结")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("督导检查"), on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField(_("措施类别"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ORDERED, db_index=True)
    fine_amount = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=100, blank=True)
    referred_to = models.CharField(_("移送机关"), max_length=200, blank=True)
    note = models.TextField(_("措施内容"), blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    follow_up_note = models.TextField(_("跟进情况"), blank=True)
    followed_up_at = models.DateTimeField(_("跟进时间"), null=True, blank=True)
    followed_up_by = by_user(_("跟进人"))
    closing_note = models.TextField(_("办结情况"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = by_user(_("办结人"))

    class Meta:
        verbose_name = _("执法措施")
        verbose_name_plural = _("执法措施")
        ordering = ["-ordered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.inspection}"
