"""Supervision (监督管理, plan §7): inspections by the supervision group (督导检查, §7.2) with their
findings, photos and follow-up, and the public's tip-offs (公众监督、实名举报, §7.3) with their
verification and reward."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def response_link(related_name: str) -> models.ForeignKey:
    """The response (应急响应) a record was made during, if it was linked to one."""
    return models.ForeignKey("response.Response", verbose_name=_("应急响应"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name=related_name)


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
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        VERIFYING = "verifying", _("核查中")
        TRUE = "verified_true", _("核查属实")
        FALSE = "verified_false", _("核查不属实")

    reference = models.CharField(_("受理编号"), max_length=32, unique=True)
    category = models.CharField(_("举报类别"), max_length=12, choices=Category.choices)
    place = models.CharField(_("地点"), max_length=200)
    description = models.TextField(_("举报内容"))
    reporter_name = models.CharField(_("举报人姓名"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    real_name = models.BooleanField(_("实名举报"), default=False)
    client_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    response = response_link("tipoffs")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    verification_note = models.TextField(_("核查情况"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核查完成时间"), null=True, blank=True)
    reward = models.BooleanField(_("给予奖励"), default=False)
    reward_note = models.TextField(_("奖励说明"), blank=True)
    reward_decided_at = models.DateTimeField(_("奖励决定时间"), null=True, blank=True)
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
