"""预案管理与更新 (plan §9.1): the training register (9.1.2 预案培训), the plan's editions and its
revision (9.1.4 预案修订: every three years and when one of the listed situations occurs), and the
improvement suggestions of each response summary (§6 改进建议) tracked to a decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

OFFICE_NAME = "阳泉市重污染天气应急指挥部办公室"


class Training(models.Model):
    """预案培训 (plan §9.1.2): one training held by the office or by a member unit for its own staff,
    with who took part, what was taught and how the effect was assessed (对培训效果进行考核)."""

    class Content(models.TextChoices):
        # 培训内容主要包括接警及上报程序、应急响应流程、应急措施落实等 (§9.1.2)
        REPORTING = "reporting", _("接警及上报程序")
        RESPONSE_FLOW = "response_flow", _("应急响应流程")
        MEASURES = "measures", _("应急措施落实")
        OTHER = "other", _("其他")

    class Assessment(models.TextChoices):
        NONE = "none", _("未考核")
        WRITTEN = "written", _("笔试")
        ORAL = "oral", _("问答")
        PRACTICAL = "practical", _("实操")
        DRILL = "drill", _("演练检验")
        OTHER = "other", _("其他方式")

    unit = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
        help_text=_("留空为应急指挥部办公室组织"),
    )
    topic = models.CharField(_("培训主题"), max_length=200)
    contents = models.JSONField(_("培训内容"), default=list, blank=True)
    trainer = models.CharField(_("授课人"), max_length=100)
    held_on = models.DateField(_("培训日期"), db_index=True)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, null=True, blank=True)
    attendee_units = models.ManyToManyField(
        "command.MemberUnit", verbose_name=_("参训单位"), blank=True, related_name="attended_trainings"
    )
    attendees = models.TextField(_("参训人员"), blank=True, help_text=_("姓名或岗位，可填写概况"))
    attendee_count = models.PositiveIntegerField(_("参训人数"))
    assessment = models.CharField(_("考核方式"), max_length=12, choices=Assessment.choices, default=Assessment.NONE)
    assessed_count = models.PositiveIntegerField(_("参加考核人数"), null=True, blank=True)
    passed_count = models.PositiveIntegerField(_("考核合格人数"), null=True, blank=True)
    result = models.TextField(_("考核结果"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    @property
    def organiser_name(self) -> str:
        return self.unit.name if self.unit_id else OFFICE_NAME

    def contents_display(self) -> str:
        labels = dict(self.Content.choices)
        return "、".join(str(labels.get(c, c)) for c in self.contents)

    @property
    def pass_rate(self) -> float | None:
        if not self.assessed_count or self.passed_count is None:
            return None
        return round(100 * self.passed_count / self.assessed_count, 1)


class PlanEdition(models.Model):
    """One issued edition of 《阳泉市重污染天气应急预案》; the newest one runs the revision clock
    (§9.1.4 每3年修订1次). Before any edition is recorded the clock runs from the 2023 edition
    (upkeep.domain.BASE_EDITION)."""

    number = models.CharField(_("文号"), max_length=100)
    title = models.CharField(_("预案名称"), max_length=200, default="阳泉市重污染天气应急预案")
    issued_on = models.DateField(_("印发日期"))
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预案版本")
        verbose_name_plural = _("预案版本")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"


class RevisionTrigger(models.Model):
    """应当及时进行预案修订的情形 (plan §9.1.4, and the revisions §6 and §9.1.3 call for) as they
    happen, recorded by the office; open until a revision decision addresses it."""

    class Kind(models.TextChoices):
        # §9.1.4, in the plan's words and order
        DUTIES = "duties", _("应急指挥部及各成员单位职责发生重大调整（预案9.1.4）")
        LAWS = "laws", _("依据的法律、行政法规、规章等发生变化（预案9.1.4）")
        HEADQUARTERS = "headquarters", _("应急指挥部认为应当修订的其他情况（预案9.1.4）")
        # §6: 根据总结评估结果，应急预案、实施方案需进行重大调整的，应按时完成修订
        SUMMARY = "summary", _("总结评估认为应急预案需进行重大调整（预案6）")
        # §9.1.3: 根据演练情况及时修改、完善相应的应急保障预案和实施方案
        DRILL = "drill", _("演练发现应急预案需修改完善（预案9.1.3）")

    kind = models.CharField(_("情形"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("发生日期"))
    note = models.TextField(_("情况说明"))
    summary = models.ForeignKey(
        "reviews.ResponseSummary",
        verbose_name=_("相关总结评估"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revision_triggers",
    )
    drill = models.ForeignKey(
        "reviews.DrillRecord",
        verbose_name=_("相关演练"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revision_triggers",
    )
    decision = models.ForeignKey(
        "RevisionDecision",
        verbose_name=_("修订决定"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="triggers",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预案修订情形")
        verbose_name_plural = _("预案修订情形")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.decision_id is None


class RevisionDecision(models.Model):
    """The office's decision on the plan's revision (§9.1.4: 由市重污染应急指挥部办公室修订): the plan
    was revised and a new edition issued (the clock starts again from it), or the situations it
    addresses call for no revision (with the reason)."""

    class Outcome(models.TextChoices):
        REVISED = "revised", _("已修订并印发新版预案")
        NOT_NEEDED = "not_needed", _("经研究无需修订")

    outcome = models.CharField(_("决定"), max_length=12, choices=Outcome.choices)
    decided_on = models.DateField(_("决定日期"))
    reason = models.TextField(_("说明或理由"))
    edition = models.OneToOneField(
        PlanEdition,
        verbose_name=_("新版预案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预案修订决定")
        verbose_name_plural = _("预案修订决定")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.decided_on:%Y-%m-%d} {self.get_outcome_display()}"


class Suggestion(models.Model):
    """One improvement suggestion (改进建议, plan §6) of a response summary (附件6), tracked to a
    decision: open → accepted → done, or open → rejected with the reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("待决定")
        ACCEPTED = "accepted", _("已采纳，落实中")
        DONE = "done", _("已落实")
        REJECTED = "rejected", _("不予采纳")

    OPEN_STATUSES = (Status.OPEN, Status.ACCEPTED)

    summary = models.ForeignKey(
        "reviews.ResponseSummary",
        verbose_name=_("应急响应统计表"),
        on_delete=models.PROTECT,
        related_name="improvement_items",
    )
    text = models.TextField(_("改进建议"))
    unit = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improvement_items",
        help_text=_("留空为应急指挥部办公室"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("采纳时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("采纳登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accept_note = models.TextField(_("采纳说明"), blank=True)
    done_on = models.DateField(_("落实日期"), null=True, blank=True)
    done_note = models.TextField(_("落实情况"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("落实登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("不予采纳时间"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("不予采纳登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reject_reason = models.TextField(_("不予采纳理由"), blank=True)

    class Meta:
        verbose_name = _("改进建议")
        verbose_name_plural = _("改进建议")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"改进建议：{self.text[:40]}（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit_id else OFFICE_NAME
