from __future__ import annotations

from rest_framework import serializers

from supervision.models import Inspection, InspectionPhoto, TipOff
from supervision.services import MAX_TEXT


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
    handled_by = serializers.CharField(source="handled_by.username", default=None)

    class Meta:
        model = TipOff
        fields = [
            "id",
            "reference",
            "category",
            "place",
            "description",
            "real_name",
            "reporter_name",
            "reporter_phone",
            "status",
            "verification_note",
            "handled_by",
            "verified_at",
            "reward",
            "reward_note",
            "created_at",
            "response",
        ]
