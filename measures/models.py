"""Response measures of the plan as data (§5.3 应急响应措施, 附件11 涉气工业源强制性减排措施) and
the enterprise registry (工业源应急减排清单) they apply to.

The plan's text is loaded from fixtures/plan/*.json by :func:`measures.services.measures_load`;
enterprises come from the 应急减排清单 spreadsheet (:func:`measures.services.enterprise_import`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .domain.constants import GRADES, LEVELS


class Level(models.TextChoices):
    """Response level (响应级别), §5.1: Ⅲ for a yellow warning, Ⅱ orange, Ⅰ red."""

    III = "III", _("Ⅲ级")
    II = "II", _("Ⅱ级")
    I = "I", _("Ⅰ级")  # noqa: E741 - the plan's numeral


class Grade(models.TextChoices):
    """Performance grade (绩效等级) of 附件11's columns."""

    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    LEADING = "引领性", _("引领性")
    NON_LEADING = "非引领性", _("非引领性")


assert tuple(Level.values) == LEVELS and tuple(Grade.values) == GRADES  # noqa: S101 - one source of truth


class Industry(models.Model):
    """An industry row of 附件11 (行业), numbered as in the plan (序号 1–22)."""

    seq = models.PositiveSmallIntegerField(_("序号"), unique=True)
    name = models.CharField(_("行业"), max_length=60, unique=True)
    names_by_level = models.JSONField(
        _("各级别的写法"), default=dict, blank=True, help_text=_("{级别: 名称}，仅在预案各级别写法不同时填写")
    )
    single_measure = models.BooleanField(
        _("不分绩效等级"), default=False, help_text=_("预案中该行为合并单元格：各绩效等级执行同一措施（第 20–22 行）")
    )

    class Meta:
        verbose_name = _("行业（附件11）")
        verbose_name_plural = _("行业（附件11）")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq}. {self.name}"

    def name_at(self, level: str) -> str:
        return self.names_by_level.get(level) or self.name


class IndustryMeasure(models.Model):
    """One entry of a 附件11 cell: industry × level × grade, optionally for a sub-type
    (子类, e.g. 铸造用生铁企业). A cell the plan marks "—" has no entry."""

    industry = models.ForeignKey(Industry, verbose_name=_("行业"), on_delete=models.CASCADE, related_name="measures")
    level = models.CharField(_("响应级别"), max_length=4, choices=Level.choices)
    grade = models.CharField(_("绩效等级"), max_length=8, choices=Grade.choices)
    subtype = models.CharField(_("子类"), max_length=120, blank=True, help_text=_("空：适用于该行业该等级的全部企业"))
    text = models.TextField(_("减排措施"))
    order = models.PositiveSmallIntegerField(_("格内顺序"), default=0)

    class Meta:
        verbose_name = _("行业减排措施（附件11）")
        verbose_name_plural = _("行业减排措施（附件11）")
        ordering = ["industry__seq", "level", "grade", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["industry", "level", "grade", "order"], name="one_annex11_entry_per_position"
            ),
        ]
        indexes = [models.Index(fields=["level", "grade"])]

    def __str__(self) -> str:
        sub = f"（{self.subtype}）" if self.subtype else ""
        return f"{self.industry.name} {self.get_level_display()} {self.grade}{sub}"


class Annex11Note(models.Model):
    """备注 of 附件11 at one level: (1) enterprises outside the list, (2) small-micro exemption."""

    level = models.CharField(_("响应级别"), max_length=4, choices=Level.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("备注"))

    class Meta:
        verbose_name = _("附件11备注")
        verbose_name_plural = _("附件11备注")
        ordering = ["level", "number"]
        constraints = [models.UniqueConstraint(fields=["level", "number"], name="one_annex11_note_per_number")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} 备注（{self.number}）"


class ResponseMeasure(models.Model):
    """A measure of §5.3 (应急响应措施) for one level, with the member units responsible for it.
    The ozone measure (§5.3.4 臭氧污染减排措施) has no level: it applies under an ozone prompt."""

    class Category(models.TextChoices):
        HEALTH = "health", _("健康防护引导措施")
        ADVISORY = "advisory", _("倡议性污染减排措施")
        MANDATORY_INDUSTRY = "mandatory_industry", _("强制性减排：工业企业")
        MANDATORY_DUST = "mandatory_dust", _("强制性减排：扬尘控制")
        MANDATORY_MOBILE = "mandatory_mobile", _("强制性减排：移动源控制")
        FIREWORKS = "fireworks", _("禁放烟花爆竹、严禁燃煤旺火")
        OZONE = "ozone", _("臭氧污染减排措施")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("公众")
        UNITS = "units", _("各单位")
        ENTERPRISES = "enterprises", _("企业")

    level = models.CharField(
        _("响应级别"),
        max_length=4,
        choices=Level.choices,
        blank=True,
        help_text=_("空：臭氧污染减排措施，启动臭氧预警提示时适用"),
    )
    category = models.CharField(_("类别"), max_length=24, choices=Category.choices)
    title = models.CharField(_("标题（预案原文）"), max_length=100)
    text = models.TextField(_("措施"))
    audience = models.CharField(_("对象"), max_length=16, choices=Audience.choices, blank=True)
    units = models.ManyToManyField(
        "command.MemberUnit", verbose_name=_("责任单位"), blank=True, related_name="response_measures"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("应急响应措施")
        verbose_name_plural = _("应急响应措施")
        ordering = ["level", "order"]
        constraints = [models.UniqueConstraint(fields=["level", "order"], name="one_response_measure_per_position")]

    def __str__(self) -> str:
        return f"{self.get_level_display() or '臭氧'} · {self.title} · {self.text[:20]}"


class ReductionTarget(models.Model):
    """减排比例 of the mandatory measures at a level (§5.3: 20 %, 30 %, 40 % of society's total of
    SO2, NOx, PM and VOCs)."""

    level = models.CharField(_("响应级别"), max_length=4, choices=Level.choices, unique=True)
    percent = models.PositiveSmallIntegerField(_("减排比例（%）"))
    intro = models.TextField(_("强制性减排措施导语（预案原文）"), blank=True)

    class Meta:
        verbose_name = _("减排目标")
        verbose_name_plural = _("减排目标")
        ordering = ["-percent"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.percent}%"


class Enterprise(models.Model):
    """An enterprise of the 工业源应急减排清单 (emergency emission-reduction list)."""

    class Fuel(models.TextChoices):
        COAL = "coal", _("燃煤")
        OIL = "oil", _("燃油")
        GAS = "gas", _("燃气")
        ELECTRIC = "electric", _("电")
        NONE = "none", _("无燃料")

    name = models.CharField(_("企业名称"), max_length=200)
    area = models.ForeignKey(
        "command.Area", verbose_name=_("所属县区"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.ForeignKey(Industry, verbose_name=_("行业"), on_delete=models.PROTECT, related_name="enterprises")
    subtype = models.CharField(_("子类"), max_length=120, blank=True)
    grade = models.CharField(_("绩效等级"), max_length=8, choices=[*Grade.choices, ("", _("未评级"))], blank=True)
    production_lines = models.PositiveIntegerField(_("生产线数量"), null=True, blank=True)
    so2_t = models.DecimalField(_("二氧化硫年排放量（吨）"), max_digits=14, decimal_places=6, default=0)
    nox_t = models.DecimalField(_("氮氧化物年排放量（吨）"), max_digits=14, decimal_places=6, default=0)
    pm_t = models.DecimalField(_("颗粒物年排放量（吨）"), max_digits=14, decimal_places=6, default=0)
    vocs_t = models.DecimalField(_("挥发性有机物年排放量（吨）"), max_digits=14, decimal_places=6, default=0)
    fuel = models.CharField(_("燃料类型"), max_length=10, choices=Fuel.choices, default=Fuel.NONE)
    toxic_or_odorous = models.BooleanField(_("涉及有毒有害及恶臭气体"), default=False)
    seasonal = models.BooleanField(_("季节性生产"), default=False)
    daily_emission_kg = models.DecimalField(
        _("日排放量（千克）"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("季节性生产企业按日核算排放量（附件11备注（2））"),
    )
    single_pollutant = models.BooleanField(_("污染物组分单一"), default=False)
    responsible_unit = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("监管责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    active = models.BooleanField(_("在清单中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("应急减排清单企业")
        verbose_name_plural = _("应急减排清单企业")
        ordering = ["area__order", "industry__seq", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "area"], name="one_enterprise_per_name_and_area")]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_label(self) -> str:
        return self.get_grade_display()
