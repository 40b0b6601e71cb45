"""The counties' side of the plan: each county-level area's own headquarters and response office
(县区重污染天气应急指挥部、应急响应办公室, §2 "市、县两级", §8.1 "各县区人民政府、开发区管委会应成立独立的
重污染天气应急响应办公室") with the people on them, and the extra measures a county takes during a
response on top of the city's orders (§5.2 "在执行上级预警要求的基础上加强应急减排措施").

Not command.CommandBody/Post: those are the city's fixed posts, loaded by slug from the plan's data
file (command.services.plan_load, which overwrites them with ``--update``); a county's list is its
own, of any length, kept by the county and the office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("县区重污染天气应急指挥部")
    OFFICE = "office", _("应急办公室")


class MeasureCategory(models.TextChoices):
    INDUSTRY = "industry", _("工业企业")
    TRAFFIC = "traffic", _("移动源（交通）")
    DUST = "dust", _("扬尘")
    OTHER = "other", _("其他")


class CountyBody(models.Model):
    """A county's headquarters (县区重污染天气应急指挥部) or its response office (应急办公室). Made on
    the first edit of it or of its people; until then the page shows the default name."""

    Kind = BodyKind

    area = models.ForeignKey(
        "command.Area", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="county_bodies"
    )
    kind = models.CharField(_("机构"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    host = models.CharField(_("设在单位"), max_length=100, blank=True)
    duty_phone = models.CharField(_("值班电话"), max_length=50, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("县区指挥机构")
        verbose_name_plural = _("县区指挥机构")
        ordering = ["area__order", "kind"]
        constraints = [models.UniqueConstraint(fields=["area", "kind"], name="one_county_body_per_kind")]

    def __str__(self) -> str:
        return self.name


class CountyContact(models.Model):
    """One person on a county's headquarters or office: post, name, unit and position, phones."""

    body = models.ForeignKey(CountyBody, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="contacts")
    post = models.CharField(
        _("职务（指挥部）"), max_length=50, help_text=_("如 总指挥、副总指挥、成员、办公室主任、联络员")
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("单位及职务"), max_length=100, blank=True)
    phone = models.CharField(_("办公电话"), max_length=50, blank=True)
    mobile = models.CharField(_("手机"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("县区指挥机构人员")
        verbose_name_plural = _("县区指挥机构人员")
        ordering = ["body__kind", "order", "id"]

    def __str__(self) -> str:
        return f"{self.post}：{self.name}"


class ExtraMeasure(models.Model):
    """县区加强应急减排措施 (§5.2): what a county does during a response beyond the city's orders."""

    Category = MeasureCategory

    response = models.ForeignKey(
        "response.Response", verbose_name=_("应急响应"), on_delete=models.PROTECT, related_name="county_measures"
    )
    area = models.ForeignKey(
        "command.Area", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="extra_measures"
    )
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    measure = models.TextField(_("措施内容"))
    started_at = models.DateTimeField(_("执行开始时间"))
    scope = models.CharField(_("范围"), max_length=200, blank=True)
    sites = models.PositiveIntegerField(_("涉及企业（工地）数"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("填报时间"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("县区加强应急减排措施")
        verbose_name_plural = _("县区加强应急减排措施")
        ordering = ["area__order", "started_at", "id"]
        indexes = [models.Index(fields=["response", "area"])]

    def __str__(self) -> str:
        return f"{self.area} · {self.get_category_display()}：{self.measure[:30]}"
