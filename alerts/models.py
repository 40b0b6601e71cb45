"""Warnings (预警) and their approval forms (审批表, 附件5) and provincial notices (plan §4.2–§4.5).
Their clocks are deadlines.Deadline; publication (publication/, with the on-duty confirmations)
follows an approval through the outbox (core/outbox.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import by_user, optional_link
from forecasts.models import Level

# The warning levels are one choice set for the whole product (forecasts defines it).
LevelChoices = Level


class ApproverChoices(models.TextChoices):
    VICE_COMMANDER = "vice_commander", _("副总指挥")
    COMMANDER = "commander", _("总指挥")


class ProvincialNotice(models.Model):
    """A provincial or regional warning notice (省/区域预警通知) received by the office."""

    class Scope(models.TextChoices):
        PROVINCE = "province", _("全省")
        REGION = "region", _("区域")

    scope = models.CharField(_("范围"), max_length=16, choices=Scope.choices)
    level = models.CharField(_("预警级别"), max_length=8, choices=LevelChoices.choices[1:])
    document_number = models.CharField(_("文号"), max_length=100)
    period_start = models.DateTimeField(_("预警开始"))
    period_end = models.DateTimeField(_("预警结束"), null=True, blank=True)
    received_at = models.DateTimeField(_("接到时间"))
    text = models.TextField(_("通知内容"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    # warning-rules.md §8: a notice is in force until its lift notice (解除通知) is recorded.
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lift_document_number = models.CharField(_("解除通知文号"), max_length=100, blank=True)
    lift_recorded_by = by_user(_("解除登记人"))

    class Meta:
        verbose_name = _("省/区域预警通知")
        verbose_name_plural = _("省/区域预警通知")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}{self.get_level_display()}（{self.document_number}）"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class Warning(models.Model):  # noqa: A001 - the plan's word (预警); never shadows the builtin at import sites
    """One warning episode: from the first approval form to its lifting (解除) that ends the
    response. Its level changes only through approved forms (upgrade/downgrade)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发布")  # the issue form is not approved yet
        # §12: signed and published before its effective start ("将于…起启动"); not in force yet.
        ANNOUNCED = "announced", _("已发布待生效")
        ACTIVE = "active", _("生效中")
        LIFTED = "lifted", _("已解除")
        CANCELLED = "cancelled", _("已撤销")  # the issue form was withdrawn before approval

    number = models.CharField(_("编号"), max_length=60, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    level = models.CharField(_("当前级别"), max_length=8, choices=LevelChoices.choices, default=LevelChoices.NONE)
    response_level = models.CharField(_("响应级别"), max_length=4, blank=True)
    episode_start = models.DateTimeField(_("污染过程开始"), null=True, blank=True)
    episode_end = models.DateTimeField(_("预计结束"), null=True, blank=True)
    primary_pollutant = models.CharField(_("首要污染物"), max_length=40, blank=True)
    aqi_range = models.CharField(_("AQI 范围"), max_length=40, blank=True)
    provincial_notice = optional_link(ProvincialNotice, _("省/区域预警通知"), related_name="warnings")
    created_by = by_user(_("起草人"), help_text=_("空：系统根据预警评估自动起草"))
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    public_message = models.TextField(_("预警信息（公开）"), blank=True)
    # warning-rules.md §12: a decision signed before its effective time (an issue, upgrade or
    # downgrade before its effective start, a lift before its effective end) is published at once
    # and applied to the warning at that time (alerts.services.warning_bring_into_force); until
    # then the warning's status and level are the ones in force.
    pending_form = optional_link("ApprovalForm", _("已签发待生效的决定"), related_name="+")

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-created_at"]
        constraints = [
            # At most one warning in force (or on its way to it) at a time.
            models.UniqueConstraint(fields=["status"], condition=models.Q(status="active"), name="one_active_warning"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_level_display()}（{self.get_status_display()}）"


class ApprovalForm(models.Model):
    """阳泉市重污染天气预警信息发布（解除）审批表 (附件5): one decision to issue, upgrade,
    downgrade or lift, routed to the approver that warning-rules.md §8 names."""

    class Action(models.TextChoices):
        ISSUE = "issue", _("发布")
        UPGRADE = "upgrade", _("升级")
        DOWNGRADE = "downgrade", _("降级")
        LIFT = "lift", _("解除")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已签发")
        REJECTED = "rejected", _("已退回")
        WITHDRAWN = "withdrawn", _("已撤回")

    warning = models.ForeignKey(Warning, verbose_name=_("预警"), on_delete=models.PROTECT, related_name="forms")
    action = models.CharField(_("事项"), max_length=12, choices=Action.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    from_level = models.CharField(_("原级别"), max_length=8, choices=LevelChoices.choices)
    level = models.CharField(_("预警信息级别"), max_length=8, choices=LevelChoices.choices)
    approver_role = models.CharField(_("审批人"), max_length=20, choices=ApproverChoices.choices)
    effective_at = models.DateTimeField(_("发布（解除）时间"))
    effective_on_publication = models.BooleanField(
        _("签发发布即生效"),
        default=False,
        help_text=_("选中时响应启动（解除）时间为签发发布之时：签发时记为签发时间（预警规则 §12 的默认）"),
    )
    episode_end = models.DateTimeField(_("预计结束时间"), null=True, blank=True)
    # What the warning says (预警信息主要内容, plan §4.2.3 and §5.5; warning-rules.md §11): required
    # before submit, see alerts.domain.content.missing_fields.
    weather_trend = models.TextField(_("全市未来气象条件变化趋势"), blank=True)
    pollution_start = models.DateTimeField(_("重污染天气发生时间（起）"), null=True, blank=True)
    pollution_end = models.DateTimeField(_("重污染天气发生时间（止）"), null=True, blank=True)
    aqi_low = models.PositiveIntegerField(_("AQI 范围（低）"), null=True, blank=True)
    aqi_high = models.PositiveIntegerField(_("AQI 范围（高）"), null=True, blank=True)
    degree = models.CharField(_("污染程度"), max_length=40, blank=True, help_text=_("例如：中度至重度污染"))
    primary_pollutant = models.CharField(_("首要污染物"), max_length=40, blank=True)
    affected_areas = models.ManyToManyField(
        "command.Area",
        verbose_name=_("影响区域"),
        blank=True,
        related_name="approval_forms",
        help_text=_("阳泉市（140300）为全市"),
    )
    basis = models.TextField(_("预警发布（解除）信息依据"))
    content = models.TextField(_("预警发布（解除）信息主要内容"))
    public_message = models.TextField(_("预警信息（公开发布文本）"), blank=True)
    department_opinion = models.TextField(_("申请发布（解除）部门领导意见"), blank=True)
    leader_opinion = models.TextField(_("市政府领导审批意见"), blank=True)
    evaluation = optional_link("forecasts.Evaluation", _("依据的评估"), related_name="forms")
    consultation = optional_link("forecasts.Consultation", _("依据的会商"), related_name="forms")
    provincial_notice = optional_link(ProvincialNotice, _("省/区域预警通知"), related_name="forms")
    provincial_consent = models.TextField(_("省指挥部办公室同意情况"), blank=True)
    auto_drafted = models.BooleanField(_("系统根据评估起草"), default=False)
    drafted_by = by_user(_("起草人"))
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    submitted_by = by_user(_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = by_user(_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见/退回理由"), blank=True)

    class Meta:
        verbose_name = _("预警审批表")
        verbose_name_plural = _("预警审批表")
        ordering = ["-drafted_at", "-id"]
        constraints = [
            # One form in flight per warning: the office cannot route two decisions at once.
            models.UniqueConstraint(
                fields=["warning"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="one_open_form_per_warning",
            ),
            models.CheckConstraint(
                condition=models.Q(aqi_low__isnull=True)
                | models.Q(aqi_high__isnull=True)
                | models.Q(aqi_low__lte=models.F("aqi_high")),
                name="form_aqi_range_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(aqi_low__isnull=True) | models.Q(aqi_low__gt=0),
                name="form_aqi_low_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}{self.get_level_display()}（{self.get_status_display()}）"

    @property
    def response_level(self) -> str:
        return {"yellow": "III", "orange": "II", "red": "I"}.get(self.level, "")

    @property
    def aqi_range(self) -> str:
        """The AQI range as the warning states it: "150～240" (one end alone when only one is known)."""
        ends = [str(v) for v in (self.aqi_low, self.aqi_high) if v is not None]
        if len(ends) == 2 and ends[0] == ends[1]:
            return ends[0]
        return "～".join(ends)
