from __future__ import annotations

from rest_framework import serializers

from supervision.models import EnforcementAction, Inspection, InspectionPhoto, TipOff
from supervision.services import MAX_TEXT, STAFF_CHANNELS, TIPOFF_MAX_DESCRIPTION


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionPhoto
        fields = ["id", "name", "size", "content_type", "uploaded_at"]


class InspectionSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", default=None, allow_null=True)
    county_name = serializers.CharField(source="county.name", default=None, allow_null=True)
    inspector = serializers.CharField(source="inspector.username")
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "date",
            "place",
            "enterprise",
            "enterprise_name",
            "county",
            "county_name",
            "findings",
            "violation",
            "violation_description",
            "follow_up_status",
            "follow_up_due",
            "follow_up_notes",
            "response",
            "inspector",
            "photos",
            "created_at",
            "updated_at",
        ]


class InspectionWriteSerializer(serializers.Serializer):
    date = serializers.DateField()
    place = serializers.CharField(max_length=200)
    enterprise = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="应急减排清单中的企业编号（可选）"
    )
    enterprise_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    county = serializers.CharField(
        max_length=16, required=False, allow_blank=True, allow_null=True, default=None, help_text="区域代码，如 140321"
    )
    findings = serializers.CharField(max_length=MAX_TEXT)
    violation = serializers.BooleanField(required=False, default=False)
    violation_description = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    follow_up_status = serializers.ChoiceField(choices=Inspection.FollowUp.choices, required=False)
    follow_up_due = serializers.DateField(required=False, allow_null=True)
    follow_up_notes = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=10)


class TipOffSerializer(serializers.ModelSerializer):
    handled_by = serializers.CharField(source="handled_by.username", default=None, allow_null=True)
    area = serializers.CharField(source="area.code", default=None, allow_null=True)
    assigned_unit = serializers.CharField(source="assigned_unit.slug", default=None, allow_null=True)
    answered_by = serializers.CharField(source="answered_by.username", default=None, allow_null=True)
    entered_by = serializers.CharField(source="entered_by.username", default=None, allow_null=True)

    class Meta:
        model = TipOff
        fields = [
            "id",
            "reference",
            "channel",
            "category",
            "area",
            "place",
            "description",
            "real_name",
            "reporter_name",
            "reporter_phone",
            "status",
            "assigned_unit",
            "routed_at",
            "answer",
            "answered_at",
            "answered_by",
            "verification_note",
            "handled_by",
            "verified_at",
            "reward",
            "reward_note",
            "entered_by",
            "created_at",
            "response",
        ]


class UnitTipOffSerializer(TipOffSerializer):
    """What a member unit sees: the sender's identity stays with the office (举报人信息保密)."""

    class Meta(TipOffSerializer.Meta):
        fields = [f for f in TipOffSerializer.Meta.fields if f not in ("reporter_name", "reporter_phone")]


class TipOffCreatedSerializer(TipOffSerializer):
    check_code = serializers.CharField(help_text="查询码：只在登记时返回这一次，请告知举报人")

    class Meta(TipOffSerializer.Meta):
        fields = [*TipOffSerializer.Meta.fields, "check_code"]


class TipOffEnterSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=[c.value for c in STAFF_CHANNELS], help_text="12369、12345 或 other")
    category = serializers.ChoiceField(choices=TipOff.Category.choices)
    area = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text="区域代码，如 140321（可选）",
    )
    place = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TIPOFF_MAX_DESCRIPTION)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class TipOffAnswerSerializer(serializers.Serializer):
    verified = serializers.BooleanField(help_text="核查属实 true，不属实 false")
    answer = serializers.CharField(max_length=MAX_TEXT, help_text="办理答复（向举报人公开）")


class EnforcementActionSerializer(serializers.ModelSerializer):
    fine_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    ordered_by = serializers.CharField(source="ordered_by.username")
    followed_up_by = serializers.CharField(source="followed_up_by.username", default=None, allow_null=True)
    closed_by = serializers.CharField(source="closed_by.username", default=None, allow_null=True)
    enterprise = serializers.IntegerField(source="inspection.enterprise_id", allow_null=True)
    enterprise_name = serializers.CharField(source="inspection.enterprise_name")

    class Meta:
        model = EnforcementAction
        fields = [
            "id",
            "inspection",
            "enterprise",
            "enterprise_name",
            "kind",
            "status",
            "fine_amount",
            "decision_number",
            "referred_to",
            "note",
            "ordered_by",
            "ordered_at",
            "follow_up_note",
            "followed_up_at",
            "followed_up_by",
            "closing_note",
            "closed_at",
            "closed_by",
        ]


class EnforcementOrderSerializer(serializers.Serializer):
    inspection = serializers.IntegerField(min_value=1, help_text="发现违法违规的督导检查编号")
    kind = serializers.ChoiceField(choices=EnforcementAction.Kind.choices)
    fine_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
    )
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    referred_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class EnforcementStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["follow_up", "close"], help_text="follow_up：跟进；close：办结")
    note = serializers.CharField(max_length=MAX_TEXT)
