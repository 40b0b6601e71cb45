"""Serializers of the forecasts API: imports (interfaces.md §4) and evaluation of a file."""

from __future__ import annotations

from rest_framework import serializers

from ..models import ForecastImport


class ForecastFileErrorSerializer(serializers.Serializer):
    """One problem in a file: the file, the row as a person counts it, the column."""

    file = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ForecastFileRejectedSerializer(serializers.Serializer):
    """A refused request: a Chinese summary and, for a bad file, every error."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="为何拒绝，如 forecasts.import.rejected")
    errors = ForecastFileErrorSerializer(many=True, required=False)


class ForecastFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV（UTF-8 或 GBK）、XLSX 或 JSON，见 interfaces.md §1")


class ForecastImportOutcomeSerializer(serializers.Serializer):
    """The answer to an upload. For a duplicate, ``id`` is the earlier import of the same file
    and ``stored_count`` is 0."""

    id = serializers.IntegerField()
    file_name = serializers.CharField()
    row_count = serializers.IntegerField()
    stored_count = serializers.IntegerField()
    duplicate = serializers.BooleanField()
    period = serializers.ChoiceField(choices=[("hour", "逐小时"), ("day", "逐日")])
    area_codes = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())


class ForecastImportSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    evaluation = serializers.SerializerMethodField(help_text="the evaluation this import triggered (null until done)")

    class Meta:
        model = ForecastImport
        fields = [
            "id",
            "file_name",
            "file_sha256",
            "file_size",
            "channel",
            "period",
            "uploaded_by",
            "created_at",
            "row_count",
            "stored_count",
            "first_time",
            "last_time",
            "area_codes",
            "kinds",
            "warnings",
            "evaluation",
        ]
        read_only_fields = fields

    def get_evaluation(self, obj: ForecastImport) -> int | None:
        evaluations = list(obj.evaluations.all())
        return max((e.pk for e in evaluations), default=None)


class ForecastEvaluateRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV、XLSX 或 JSON（可重复此字段以同时判定多个文件）")
    active_level = serializers.CharField(
        required=False,
        default="none",
        help_text="当前生效的预警：none、yellow、orange、red（或 黄色/橙色/红色、III/II/I）",
    )
    now = serializers.CharField(required=False, help_text="判定时刻，ISO 8601（默认：文件中的第一个小时）")


class ForecastProcessSerializer(serializers.Serializer):
    level = serializers.CharField()
    start = serializers.CharField()
    end = serializers.CharField()
    peak_aqi = serializers.FloatField()
    issue_by = serializers.CharField(help_text="该过程最迟发布时间：过程开始前 24 小时（预警规则 §7）")
    timing = serializers.CharField(help_text="past | current | next：相对判定时刻")


class ForecastAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ForecastWarningContentSerializer(serializers.Serializer):
    """What the warning says (预警规则 §11) about the process the proposal is about."""

    process_start = serializers.CharField()
    process_end = serializers.CharField()
    aqi_low = serializers.IntegerField(allow_null=True)
    aqi_high = serializers.IntegerField(allow_null=True)
    aqi_range = serializers.CharField(allow_blank=True)
    degree = serializers.CharField(allow_blank=True, help_text="HJ 633 类别，如 中度至重度污染")
    primary_pollutant = serializers.CharField(allow_null=True, help_text="null：文件未给出，由办公室填写")
    level = serializers.CharField()
    response_level = serializers.CharField(allow_null=True)
    effective_start = serializers.CharField(allow_null=True, help_text="null：发布时起")
    areas = ForecastAreaSerializer(many=True)
    weather_trend = serializers.CharField(allow_null=True, help_text="来自会商意见（附件4）")


class ForecastSo2AlertSerializer(serializers.Serializer):
    area = serializers.CharField()
    start = serializers.CharField()
    end = serializers.CharField()
    max_so2 = serializers.FloatField()


class ForecastEvaluationResultSerializer(serializers.Serializer):
    """The object of ``evaluate_forecast --json`` (interfaces.md §2); further keys (``windows``,
    ``forecast_level``, ``proposed_level``, …) may follow."""

    level = serializers.CharField(help_text="none | yellow | orange | red：任一过程的最高级别")
    response_level = serializers.CharField(allow_null=True, help_text="null | III | II | I")
    processes = ForecastProcessSerializer(many=True)
    ozone_prompt = serializers.BooleanField()
    so2_alerts = ForecastSo2AlertSerializer(many=True)
    issue_by = serializers.CharField(allow_null=True)
    urgent = serializers.BooleanField()
    recommendation = serializers.CharField(help_text="issue | upgrade | maintain | downgrade | lift | none")
    approver = serializers.CharField(allow_null=True, help_text="null | vice_commander | commander")
    reasons = serializers.ListField(child=serializers.CharField())
    proposed_level = serializers.CharField(allow_null=True, help_text="null | yellow | orange | red：建议的级别")
    lift_at = serializers.CharField(allow_null=True, help_text="解除建议：连续 36 小时 AQI ≤ 100 的第一个小时")
    now = serializers.CharField(allow_null=True)
    active_level = serializers.CharField()
    current_process = ForecastProcessSerializer(allow_null=True)
    reached_level = serializers.CharField(help_text="当前过程中末窗口在判定时刻及以后的判定所达到的级别（R）")
    remaining_level = serializers.CharField(help_text="当前过程中判定时刻及以后开始的判定的级别（A）")
    next_processes = ForecastProcessSerializer(many=True)
    issue_due_now = serializers.BooleanField(help_text="最迟发布时间已到或紧急：应立即起草审批表")
    warning_content = ForecastWarningContentSerializer(allow_null=True)
