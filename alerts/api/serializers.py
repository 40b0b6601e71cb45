from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.domain.content import FORM_TEXTS
from alerts.models import ApprovalForm, ProvincialNotice, Warning
from alerts.selectors import timeline


class FormSerializer(serializers.ModelSerializer):
    drafted_by = serializers.CharField(source="drafted_by.username", default=None)
    submitted_by = serializers.CharField(source="submitted_by.username", default=None, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)
    response_level = serializers.CharField(read_only=True)
    aqi_range = serializers.CharField(read_only=True, help_text="AQI 范围, e.g. 150～240 (from aqi_low/aqi_high)")
    affected_areas = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="影响区域: area codes (140300 = the whole city, kfq = the development zone)",
    )

    class Meta:
        model = ApprovalForm
        fields = [
            "id",
            "action",
            "status",
            "from_level",
            "level",
            "response_level",
            "approver_role",
            "effective_at",
            "effective_on_publication",
            "episode_end",
            "weather_trend",
            "pollution_start",
            "pollution_end",
            "aqi_low",
            "aqi_high",
            "aqi_range",
            "degree",
            "primary_pollutant",
            "affected_areas",
            *FORM_TEXTS,
            "leader_opinion",
            "decision_comment",
            "evaluation",
            "consultation",
            "provincial_notice",
            "provincial_consent",
            "auto_drafted",
            "drafted_by",
            "drafted_at",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
        ]


class TimelineStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    what = serializers.CharField()
    who = serializers.CharField(source="who.username", default=None)
    form = serializers.IntegerField()
    comment = serializers.CharField(required=False)


class WarningSerializer(serializers.ModelSerializer):
    approver_role = serializers.SerializerMethodField()
    current_form = serializers.SerializerMethodField()
    forms = FormSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()

    class Meta:
        model = Warning
        fields = [
            "id",
            "number",
            "status",
            "level",
            "response_level",
            "approver_role",
            "episode_start",
            "episode_end",
            "primary_pollutant",
            "aqi_range",
            "public_message",
            "published_at",
            "lifted_at",
            "created_at",
            "provincial_notice",
            "current_form",
            "forms",
            "timeline",
        ]

    def _open_form(self, obj: Warning) -> ApprovalForm | None:
        forms = list(obj.forms.all())
        open_forms = [f for f in forms if f.status in ("draft", "submitted")]
        return open_forms[-1] if open_forms else (forms[-1] if forms else None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_approver_role(self, obj: Warning) -> str | None:
        form = self._open_form(obj)
        return form.approver_role if form else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_current_form(self, obj: Warning) -> int | None:
        form = self._open_form(obj)
        return form.pk if form else None

    @extend_schema_field(TimelineStepSerializer(many=True))
    def get_timeline(self, obj: Warning) -> list[dict]:
        return TimelineStepSerializer(timeline(obj), many=True).data


class WarningCreateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["issue", "upgrade", "downgrade", "lift"])
    level = serializers.ChoiceField(choices=["yellow", "orange", "red"], required=False, allow_null=True)
    basis = serializers.CharField()
    content = serializers.CharField(required=False, allow_blank=True, default="")
    public_message = serializers.CharField(required=False, allow_blank=True, default="")
    department_opinion = serializers.CharField(required=False, allow_blank=True, default="")
    start = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="the response's effective start (a lift: its effective end); "
        "not needed with effective_on_publication",
    )
    end = serializers.DateTimeField(required=False, allow_null=True)
    effective_on_publication = serializers.BooleanField(
        required=False, default=False, help_text="true: the form takes effect when signed and published (§12)"
    )
    # What the warning says (warning-rules.md §11): may be left out for a draft; required to submit.
    weather_trend = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="全市未来气象条件变化趋势"
    )
    pollution_start = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="重污染天气发生时间（起）"
    )
    pollution_end = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="重污染天气发生时间（止）"
    )
    aqi_low = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=999)
    aqi_high = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=999)
    degree = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=40,
        help_text="污染程度, e.g. 中度至重度污染; default: from the AQI range",
    )
    primary_pollutant = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, help_text="首要污染物, e.g. PM10"
    )
    affected_areas = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        default=list,
        help_text="影响区域: area codes (140300 = the whole city, kfq = the development zone)",
    )
    provincial_notice = serializers.PrimaryKeyRelatedField(
        queryset=ProvincialNotice.objects.all(), required=False, allow_null=True
    )
    provincial_consent = serializers.CharField(required=False, allow_blank=True, default="")
    evaluation = serializers.IntegerField(required=False, allow_null=True)
    submit = serializers.BooleanField(required=False, default=True, help_text="false: keep as a draft for the office")

    def validate(self, attrs):
        if attrs["action"] != "lift" and not attrs.get("level"):
            raise serializers.ValidationError({"level": "请选择预警级别（yellow、orange 或 red）。"})
        if not attrs.get("start") and not attrs.get("effective_on_publication"):
            raise serializers.ValidationError({"start": "请填写生效时间，或设 effective_on_publication 为 true。"})
        if attrs.get("end") and attrs.get("start") and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": "结束时间必须晚于开始时间。"})
        if attrs.get("aqi_low") and attrs.get("aqi_high") and attrs["aqi_low"] > attrs["aqi_high"]:
            raise serializers.ValidationError({"aqi_high": "AQI 范围的高值不能低于低值。"})
        if (
            attrs.get("pollution_start")
            and attrs.get("pollution_end")
            and attrs["pollution_end"] <= attrs["pollution_start"]
        ):
            raise serializers.ValidationError({"pollution_end": "重污染天气发生时间的结束须晚于开始。"})
        return attrs


class ReauthFields(serializers.Serializer):
    """The signer's re-authentication, in the body of every signing call (accounts/reauth.py)."""

    password = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="the signer's login password, needed on every signing call whatever authenticated it (token or "
        "session); missing or wrong: 403, counted by the login lockout",
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=12,
        help_text="a fresh six-digit code of the signer's authenticator app, where the second factor is required "
        "(production): each code signs once",
    )


class ApproveSerializer(ReauthFields):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="the leader's opinion")


class RejectSerializer(ReauthFields):
    comment = serializers.CharField(help_text="why it is sent back")


class AffectedAreaSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="GB/T 2260 code (140300 = the whole city); kfq = the development zone")
    name = serializers.CharField()


class PublicWarningSerializer(serializers.Serializer):
    level = serializers.CharField()
    response_level = serializers.CharField(allow_null=True, required=False)
    since = serializers.DateTimeField(allow_null=True, required=False)
    number = serializers.CharField(required=False)
    message = serializers.CharField(required=False)
    measures = serializers.ListField(child=serializers.CharField(), required=False)
    health_advice = serializers.CharField(required=False)
    # What the warning says (warning-rules.md §11), from the approved form in force.
    primary_pollutant = serializers.CharField(required=False, allow_blank=True, help_text="首要污染物")
    aqi_range = serializers.CharField(required=False, allow_blank=True, help_text="AQI 范围, e.g. 150～240")
    aqi_low = serializers.IntegerField(required=False, allow_null=True)
    aqi_high = serializers.IntegerField(required=False, allow_null=True)
    degree = serializers.CharField(required=False, allow_blank=True, help_text="污染程度, e.g. 中度至重度污染")
    affected_areas = AffectedAreaSerializer(many=True, required=False, help_text="影响区域")
    pollution_start = serializers.DateTimeField(required=False, allow_null=True, help_text="重污染天气发生时间（起）")
    pollution_end = serializers.DateTimeField(required=False, allow_null=True, help_text="重污染天气发生时间（止）")
    weather_trend = serializers.CharField(required=False, allow_blank=True, help_text="全市未来气象条件变化趋势")
    response_start = serializers.DateTimeField(required=False, allow_null=True, help_text="响应启动时间")
