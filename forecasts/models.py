"""Stored forecasts and observations (预报、监测数据), the evaluations the classifier made of them,
and the consultations (会商, plan §4.2.1, 附件4) they open."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import by_user


class Level(models.TextChoices):
    NONE = "none", _("无预警")
    YELLOW = "yellow", _("黄色预警")
    ORANGE = "orange", _("橙色预警")
    RED = "red", _("红色预警")


class Replay(models.Model):
    """A historical series fed through the system step by step, for drills (附件7) and demos.
    Its data and evaluations are kept apart from the real ones."""

    class Step(models.TextChoices):
        HOUR = "hour", _("逐小时")
        DAY = "day", _("逐日")

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        FINISHED = "finished", _("已结束")
        STOPPED = "stopped", _("已停止")

    name = models.CharField(_("名称"), max_length=200)
    source_file = models.CharField(_("数据文件"), max_length=500)
    step = models.CharField(_("步长"), max_length=8, choices=Step.choices)
    seconds_per_step = models.FloatField(_("每步间隔（秒）"), default=0)
    start = models.DateTimeField(_("回放起点"))
    end = models.DateTimeField(_("回放终点"))
    cursor = models.DateTimeField(_("已回放至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    created_by = by_user(_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回放")
        verbose_name_plural = _("回放")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


def replay_field(*, related_name: str, **options) -> models.ForeignKey:
    """The replay (drill) a row belongs to, empty for real data; deleted with its replay."""
    return models.ForeignKey(
        Replay,
        verbose_name=_("所属回放"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name=related_name,
        **options,
    )


class ForecastImport(models.Model):
    """One file brought in (by the page, the API, the command line or the inbox folder)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("网页上传")
        API = "api", _("接口")
        COMMAND = "command", _("命令行")
        INBOX = "inbox", _("收件目录")
        REPLAY = "replay", _("回放")

    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    channel = models.CharField(_("导入方式"), max_length=16, choices=Channel.choices)
    period = models.CharField(_("时间粒度"), max_length=8, choices=[("hour", _("逐小时")), ("day", _("逐日"))])
    uploaded_by = by_user(_("导入人"))
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True, db_index=True)
    row_count = models.PositiveIntegerField(_("文件行数"), default=0)
    stored_count = models.PositiveIntegerField(_("新存入行数"), default=0)
    first_time = models.DateTimeField(_("最早时间"), null=True, blank=True)
    last_time = models.DateTimeField(_("最晚时间"), null=True, blank=True)
    area_codes = models.JSONField(_("涉及区域"), default=list, blank=True)
    kinds = models.JSONField(_("数据类型"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    replay = replay_field(related_name="imports")

    class Meta:
        verbose_name = _("数据导入")
        verbose_name_plural = _("数据导入")
        ordering = ["-created_at"]
        constraints = [
            # The same file twice stores nothing new (per replay: a drill may replay a file again).
            models.UniqueConstraint(
                fields=["file_sha256"], condition=models.Q(replay__isnull=True), name="import_file_once"
            ),
            models.UniqueConstraint(fields=["file_sha256", "replay"], name="import_file_once_per_replay"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.stored_count}/{self.row_count}）"


class AirQualityRecord(models.Model):
    """One hour or one day of one area, forecast or observed, as a file gave it.

    Every issue is kept (forecast history is evidence); the series the rules see is built by
    selectors: an observation beats a forecast, a newer issue beats an older one."""

    class Kind(models.TextChoices):
        FORECAST = "forecast", _("预报")
        OBSERVED = "observed", _("实况")

    class Period(models.TextChoices):
        HOUR = "hour", _("逐小时")
        DAY = "day", _("逐日")

    # No separate indexes on area and replay: the two partial unique indexes below start with them
    # and serve every lookup; each index less is a faster bulk import (benchmarks/bench_import.py).
    area = models.ForeignKey(
        "command.Area", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="records", db_index=False
    )
    period = models.CharField(_("时间粒度"), max_length=8, choices=Period.choices)
    time = models.DateTimeField(_("时间"), help_text=_("小时的开始；逐日数据为当日 00:00"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    issued_at = models.DateTimeField(
        _("发布时间"), help_text=_("文件未给出时：实况为其时间，预报为导入时间（同一小时以较新的发布为准）")
    )
    issued_at_given = models.BooleanField(_("文件给出了发布时间"), default=True)
    aqi = models.FloatField(_("AQI"), null=True, blank=True)
    aqi_low = models.FloatField(_("AQI下限"), null=True, blank=True)
    aqi_high = models.FloatField(_("AQI上限"), null=True, blank=True)
    primary_pollutant = models.CharField(_("首要污染物"), max_length=40, blank=True)
    pm25 = models.FloatField("PM2.5", null=True, blank=True)
    pm10 = models.FloatField("PM10", null=True, blank=True)
    so2 = models.FloatField("SO2", null=True, blank=True)
    no2 = models.FloatField("NO2", null=True, blank=True)
    o3 = models.FloatField("O3", null=True, blank=True)
    co = models.FloatField("CO", null=True, blank=True)
    o3_8h = models.FloatField("O3_8h", null=True, blank=True)
    dust = models.BooleanField(_("沙尘"), default=False)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    source_import = models.ForeignKey(
        ForecastImport, verbose_name=_("导入批次"), on_delete=models.PROTECT, related_name="records"
    )
    row = models.PositiveIntegerField(_("文件行号"), default=0)
    replay = replay_field(
        related_name="records",
        help_text=_("回放（演练）的数据与真实数据分开：同一小时的真实数据不会与回放数据互相覆盖或去重"),
        db_index=False,
    )

    class Meta:
        verbose_name = _("空气质量数据")
        verbose_name_plural = _("空气质量数据")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "period", "time", "kind", "issued_at"],
                condition=models.Q(replay__isnull=True),
                name="aq_record_unique_issue",
            ),
            models.UniqueConstraint(
                fields=["replay", "area", "period", "time", "kind", "issued_at"],
                condition=models.Q(replay__isnull=False),
                name="aq_record_unique_issue_per_replay",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.time:%Y-%m-%d %H:%M} {self.kind} AQI {self.aqi}"


class Evaluation(models.Model):
    """The classifier's reading of the stored series at one moment (warning-rules.md), kept with
    its full JSON (interfaces.md §2) so that every later decision can cite it."""

    class Trigger(models.TextChoices):
        IMPORT = "import", _("数据导入")
        MANUAL = "manual", _("手动")
        SCHEDULE = "schedule", _("定时")
        REPLAY = "replay", _("回放")

    created_at = models.DateTimeField(_("评估时间"), auto_now_add=True, db_index=True)
    trigger = models.CharField(_("触发"), max_length=16, choices=Trigger.choices)
    source_import = models.ForeignKey(
        ForecastImport,
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    requested_by = by_user(_("发起人"))
    now = models.DateTimeField(_("评估基准时间"))
    active_level = models.CharField(_("当前预警"), max_length=8, choices=Level.choices, default=Level.NONE)
    level = models.CharField(_("预测级别"), max_length=8, choices=Level.choices)
    response_level = models.CharField(_("响应级别"), max_length=4, blank=True)
    recommendation = models.CharField(_("建议"), max_length=12)
    approver = models.CharField(_("审批人"), max_length=20, blank=True)
    issue_by = models.DateTimeField(_("最迟发布时间"), null=True, blank=True)
    urgent = models.BooleanField(_("立即发布"), default=False)
    ozone_prompt = models.BooleanField(_("臭氧预警提示"), default=False)
    result = models.JSONField(_("完整结果"), encoder=DjangoJSONEncoder)
    replay = replay_field(related_name="evaluations")

    class Meta:
        verbose_name = _("预警评估")
        verbose_name_plural = _("预警评估")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_level_display()} · {self.recommendation}"

    @property
    def calls_for_action(self) -> bool:
        return self.recommendation in {"issue", "upgrade", "downgrade", "lift"}

    @property
    def proposed_level(self) -> str:
        """The level the recommendation proposes (warning-rules.md §7): none for a lift or when
        nothing is to be issued, never the headline level of a past process."""
        proposed = (self.result or {}).get("proposed_level")
        if proposed:
            return proposed
        if self.recommendation in {"lift", "none"}:
            return Level.NONE
        return self.active_level or Level.NONE


class Consultation(models.Model):
    """A consultation (会商) and its record, the form of 附件4 (阳泉市环境气象预报及会商意见表)."""

    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("评估触发")
        DAILY = "daily", _("采暖期每日会商")
        REALTIME = "realtime", _("实时会商")
        OZONE = "ozone", _("臭氧预警提示会商")

    class Status(models.TextChoices):
        OPEN = "open", _("会商中")
        CONCLUDED = "concluded", _("已形成意见")

    kind = models.CharField(_("会商类型"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("依据的评估"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    scheduled_for = models.DateField(_("会商日期"), null=True, blank=True)
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    conclusion = models.TextField(_("会商结论"), blank=True)
    concluded_level = models.CharField(_("会商认定级别"), max_length=8, choices=Level.choices, blank=True)
    reporter = models.CharField(_("报告人"), max_length=50, blank=True)
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    reviewer = models.CharField(_("审定人"), max_length=50, blank=True)
    reviewed_on = models.DateField(_("审定日期"), null=True, blank=True)
    expert_opinion = models.TextField(_("专家咨询组意见"), blank=True)
    expert_on = models.DateField(_("专家意见日期"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("形成意见时间"), null=True, blank=True)
    concluded_by = by_user(_("记录人"))
    replay = replay_field(related_name="consultations")

    class Meta:
        verbose_name = _("会商")
        verbose_name_plural = _("会商")
        ordering = ["-opened_at"]
        constraints = [
            # One daily consultation per day (the beat job is idempotent).
            models.UniqueConstraint(
                fields=["kind", "scheduled_for"],
                condition=models.Q(kind="daily"),
                name="one_daily_consultation_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.opened_at:%Y-%m-%d %H:%M}"
