"""The command structure of the plan (§2, 附件2, 附件3, 附件9, 附件10) as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """The city (阳泉市) and its county-level areas and development zone (warning-rules.md §1)."""

    class Kind(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        COUNTY = "county", _("县")
        ZONE = "zone", _("开发区")

    code = models.CharField(_("代码"), max_length=16, unique=True, help_text=_("GB/T 2260 行政区划代码；开发区为 kfq"))
    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_city(self) -> bool:
        return self.kind == self.Kind.CITY


class MemberUnit(models.Model):
    """A member unit of the headquarters (应急指挥部成员单位, 附件9) with its duties (附件2)."""

    class Kind(models.TextChoices):
        PARTY = "party", _("党委部门")
        GOVERNMENT = "government", _("政府部门")
        COUNTY = "county", _("县区政府及开发区")
        MILITARY = "military", _("军队及武警")
        ENTERPRISE = "enterprise", _("企业")
        TELECOM = "telecom", _("通信运营商")

    slug = models.SlugField(_("简称代码"), max_length=40, unique=True, help_text=_("用于账户名 unit-<简称代码>"))
    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40)
    alias = models.CharField(_("别名"), max_length=100, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("对应县区"), null=True, blank=True, on_delete=models.PROTECT, related_name="governments"
    )
    phones = models.JSONField(_("联系电话"), default=list, blank=True)
    duties = models.TextField(_("主要职责"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def phones_display(self) -> str:
        return "；".join(self.phones)


class CommandBody(models.Model):
    """The headquarters (市应急指挥部) and its office (指挥部办公室), with their duties (附件2)."""

    slug = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    host_unit = models.ForeignKey(
        MemberUnit, verbose_name=_("设在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duties = models.TextField(_("主要职责"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("指挥机构")
        verbose_name_plural = _("指挥机构")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A post of the command structure: 总指挥, 副总指挥, 办公室主任, 办公室副主任."""

    slug = models.SlugField(_("代码"), max_length=40, unique=True)
    body = models.ForeignKey(CommandBody, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("职务"), max_length=50)
    holder = models.CharField(_("由谁担任（预案）"), max_length=100)
    person_name = models.CharField(_("现任姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("指挥职务")
        verbose_name_plural = _("指挥职务")
        ordering = ["body__order", "order"]

    def __str__(self) -> str:
        return f"{self.title}：{self.holder}"


class WorkingGroup(models.Model):
    """A working group of the headquarters (工作组, 附件3)."""

    slug = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("工作组"), max_length=50, unique=True)
    lead_text = models.CharField(_("组长单位"), max_length=200)
    members_text = models.TextField(_("成员单位（预案原文）"))
    duties = models.TextField(_("主要职责"))
    lead_units = models.ManyToManyField(
        MemberUnit, verbose_name=_("组长单位（成员单位）"), blank=True, related_name="led_groups"
    )
    member_units = models.ManyToManyField(MemberUnit, verbose_name=_("成员单位"), blank=True, related_name="groups")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    """A member of the expert group (专家组, 附件10)."""

    seq = models.PositiveSmallIntegerField(_("序号"), unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("单位"), max_length=100)
    title = models.CharField(_("职务职称"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家组")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"
