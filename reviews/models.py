"""After the episode (总结评估, plan §6, §9.1.3): the response statistics and summary report
(附件6 阳泉市重污染天气应急响应统计表), the effect evaluation (附件8 阳泉市重污染天气应急效果评估表)
and drill records (附件7 阳泉市重污染天气应急预案演练记录表)."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import by_user

OFFICE_NAME = "阳泉市重污染天气应急指挥部办公室"


class ResponseSummary(models.Model):
    """附件6 for one warning: the office's texts; the figures are computed from the data while
    the summary is a draft and frozen into ``snapshot`` when the office marks it final."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FINAL = "final", _("已定稿")

    warning = models.OneToOneField(
        "alerts.Warning", verbose_name=_("预警"), on_delete=models.PROTECT, related_name="response_summary"
    )
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    measures_summary = models.TextField(_("应急响应措施总结"), blank=True)
    achievements = models.TextField(_("取得的成效"), blank=True)
    problems = models.TextField(_("发现的问题"), blank=True)
    suggestions = models.TextField(_("改进建议"), blank=True)
    filled_by_name = models.CharField(_("填表人"), max_length=50, blank=True)
    snapshot = models.JSONField(_("定稿时的统计数据"), null=True, blank=True, encoder=DjangoJSONEncoder)
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalized_by = by_user(_("定稿人"))
    created_by = by_user(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("应急响应统计表")
        verbose_name_plural = _("应急响应统计表")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.warning.number} 应急响应统计表（{self.get_status_display()}）"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class EffectEvaluation(models.Model):
    """附件8 阳泉市重污染天气应急效果评估表, one per warning (plan §6: the office organises the
    experts' evaluation after the response ends)."""

    class Level(models.TextChoices):
        YELLOW = "yellow", _("黄色预警（Ⅲ级响应）")
        ORANGE = "orange", _("橙色预警（Ⅱ级响应）")
        RED = "red", _("红色预警（Ⅰ级响应）")

    warning = models.OneToOneField(
        "alerts.Warning", verbose_name=_("预警"), on_delete=models.PROTECT, related_name="effect_evaluation"
    )
    organiser = models.CharField(_("组织单位"), max_length=100, default=OFFICE_NAME)
    leader = models.CharField(_("负责人"), max_length=50)
    experts = models.ManyToManyField(
        "command.Expert", verbose_name=_("评估组成员（专家组）"), blank=True, related_name="+"
    )
    other_members = models.TextField(_("评估组其他成员"), blank=True)
    level = models.CharField(_("预警级别"), max_length=8, choices=Level.choices)
    evaluated_on = models.DateField(_("评估时间"))
    content = models.TextField(_("评估内容"))
    figures = models.JSONField(
        _("预填数据"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("创建时从监测数据计算的响应前、中、后 AQI 均值和减排测算"),
    )
    created_by = by_user(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("应急效果评估表")
        verbose_name_plural = _("应急效果评估表")
        ordering = ["-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.warning.number} 应急效果评估表"

    def members_text(self) -> str:
        names = [e.name for e in self.experts.all()]
        extra = [s.strip() for s in self.other_members.replace("，", "、").replace(",", "、").split("、") if s.strip()]
        return "、".join([*names, *extra])


class DrillRecord(models.Model):
    """附件7 阳泉市重污染天气应急预案演练记录表 (plan §9.1.3). The review items are the annex's
    check boxes: one choice per item, except 支援部门和协作有效性 where several may be ticked."""

    class Suitability(models.TextChoices):  # 预案评审 · 适宜性
        ALL = "all", _("全部能够执行")
        NOT_SMOOTH = "not_smooth", _("执行过程不够顺利")
        UNSUITABLE = "unsuitable", _("明显不适宜")

    class Adequacy(models.TextChoices):  # 预案评审 · 充分性
        FULL = "full", _("完全满足应急要求")
        BASIC = "basic", _("基本满足")
        INSUFFICIENT = "insufficient", _("不充分，必须修改")

    class Presence(models.TextChoices):  # 人员到位情况 · 到位情况
        ON_TIME = "on_time", _("迅速准确，基本按时到位")
        SOME_ABSENT = "some_absent", _("个别人员不到位")
        KEY_ABSENT = "key_absent", _("重点部位人员不到位")

    class Proficiency(models.TextChoices):  # 人员到位情况 · 熟练情况
        SKILLED = "skilled", _("职责明确，操作熟练")
        UNSKILLED = "unskilled", _("职责明确，操作不熟练")
        UNCLEAR = "unclear", _("职责不明确，操作不熟练")

    class Materials(models.TextChoices):  # 物资到位情况 · 现场物资
        READY = "ready", _("现场物资准备充分，全部有效")
        NOT_READY = "not_ready", _("现场物资准备不充分")
        LACKING = "lacking", _("现场物资准备严重缺乏")

    class Protection(models.TextChoices):  # 物资到位情况 · 个人防护
        ALL = "all", _("全部人员防护到位")
        SOME = "some", _("个别人员防护不到位")
        MOST = "most", _("大部分人员防护不到位")

    class Coordination(models.TextChoices):  # 协调组织情况
        EFFICIENT = "efficient", _("准确高效")
        ADEQUATE = "adequate", _("协调基本顺利，能满足要求")
        SLOW = "slow", _("效率低，有待改进")

    class Effect(models.TextChoices):  # 实战效果评价
        MET = "met", _("达到预期目标")
        MOSTLY = "mostly", _("基本达到目的，部门环节有待改进")
        MISSED = "missed", _("没有达到目标")

    class Support(models.TextChoices):  # 支援部门和协作有效性 (several may apply)
        UNREACHABLE = "unreachable", _("联系不上")
        UNCOOPERATIVE = "uncooperative", _("不配合")
        SLOW = "slow", _("行动迟缓")
        AS_REQUIRED = "as_required", _("按要求协作")

    plan_name = models.CharField(_("预案名称"), max_length=200, default="阳泉市重污染天气应急预案")
    location = models.CharField(_("演练地点"), max_length=200)
    organiser = models.CharField(_("组织部门"), max_length=200, default=OFFICE_NAME)
    commander = models.CharField(_("总指挥"), max_length=50)
    held_at = models.DateTimeField(_("演练时间"))
    participants = models.TextField(_("参加部门和人员"))
    mode = models.CharField(_("演练方式"), max_length=100)
    suitability = models.CharField(_("适宜性"), max_length=16, choices=Suitability.choices, blank=True)
    adequacy = models.CharField(_("充分性"), max_length=16, choices=Adequacy.choices, blank=True)
    presence = models.CharField(_("到位情况"), max_length=16, choices=Presence.choices, blank=True)
    proficiency = models.CharField(_("熟练情况"), max_length=16, choices=Proficiency.choices, blank=True)
    materials = models.CharField(_("现场物资"), max_length=16, choices=Materials.choices, blank=True)
    protection = models.CharField(_("个人防护"), max_length=16, choices=Protection.choices, blank=True)
    coordination = models.CharField(_("协调组织情况"), max_length=16, choices=Coordination.choices, blank=True)
    effect = models.CharField(_("实战效果评价"), max_length=16, choices=Effect.choices, blank=True)
    support = models.JSONField(_("支援部门和协作有效性"), default=list, blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    improvements = models.TextField(_("改进措施"), blank=True)
    recorder = models.CharField(_("记录人"), max_length=50)
    reviewer = models.CharField(_("审核人"), max_length=50, blank=True)
    recorded_on = models.DateField(_("记录时间"))
    replay = models.ForeignKey(
        "forecasts.Replay",
        verbose_name=_("回放的历史数据"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drill_records",
        help_text=_("演练中回放的历史数据（可选）"),
    )
    created_by = by_user(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    #: The review items in the annex's order: (field, group heading of the annex, choices).
    REVIEW_ITEMS = (
        ("suitability", "预案评审", Suitability),
        ("adequacy", "预案评审", Adequacy),
        ("presence", "人员到位情况", Presence),
        ("proficiency", "人员到位情况", Proficiency),
        ("materials", "物资到位情况", Materials),
        ("protection", "物资到位情况", Protection),
        ("coordination", "协调组织情况", Coordination),
        ("effect", "实战效果评价", Effect),
        ("support", "支援部门和协作有效性", Support),
    )

    class Meta:
        verbose_name = _("演练记录表")
        verbose_name_plural = _("演练记录表")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d} {self.location} 演练记录"

    def ticks(self, field: str) -> list[dict]:
        """The check boxes of one review item as printed: every option, ticked or not."""
        choices = dict((f, c) for f, _g, c in self.REVIEW_ITEMS)[field]
        value = getattr(self, field)
        chosen = set(value) if isinstance(value, list) else {value}
        return [{"value": v, "label": str(label), "checked": v in chosen} for v, label in choices.choices]
