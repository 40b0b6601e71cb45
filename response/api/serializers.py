from __future__ import annotations

import json

from rest_framework import serializers

from response.models import DailyReport, Order, ReportAttachment
from response.services import MAX_NOTE, MAX_TEXT


class OrderSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.slug")
    unit_name = serializers.CharField(source="unit.name")
    warning = serializers.CharField(source="response.warning.number")
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", default=None)
    in_place_by = serializers.CharField(source="in_place_by.username", default=None)

    class Meta:
        model = Order
        fields = [
            "id",
            "response",
            "warning",
            "form",
            "unit",
            "unit_name",
            "level",
            "status",
            "preamble",
            "measures",
            "issued_at",
            "acknowledged_at",
            "acknowledged_by",
            "in_place_at",
            "in_place_by",
            "in_place_note",
            "superseded_by",
            "closed_at",
        ]


class InPlaceSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE)


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportAttachment
        fields = ["id", "name", "size", "content_type", "uploaded_at"]


class DailyReportSerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="report_date")
    unit = serializers.CharField(source="unit.slug")
    unit_name = serializers.CharField(source="unit.name")
    submitted_by = serializers.CharField(source="submitted_by.username")
    status = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = DailyReport
        fields = [
            "id",
            "response",
            "unit",
            "unit_name",
            "date",
            "content",
            "measures_done",
            "inspections",
            "enterprises_checked",
            "violations_found",
            "figures",
            "attachments",
            "submitted_by",
            "submitted_at",
            "late",
            "status",
        ]

    def get_status(self, obj: DailyReport) -> str:
        return "late" if obj.late else "on_time"


class FiguresField(serializers.JSONField):
    """An object of name → number or text; in a multipart form, the same object as a JSON string."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else {}
            except ValueError as exc:
                raise serializers.ValidationError("figures 须为 JSON 对象。") from exc
        if not isinstance(data, dict):
            raise serializers.ValidationError("figures 须为 JSON 对象（名称 → 数值）。")
        return data


class DailyReportCreateSerializer(serializers.Serializer):
    """The report of the caller's own unit: no unit is taken from the request."""

    date = serializers.DateField(help_text="报送所述日期（报告这一天的落实情况），次日 10:00 前报送")
    content = serializers.CharField(max_length=MAX_TEXT, help_text="落实情况")
    measures_done = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    inspections = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    enterprises_checked = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    violations_found = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    figures = FiguresField(required=False, default=dict)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


class ComplianceUnitSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.slug")
    name = serializers.CharField(source="unit.name")
    status = serializers.CharField()
    report = serializers.IntegerField(source="report.pk", default=None, allow_null=True)  # null: not submitted
    submitted_at = serializers.DateTimeField(source="report.submitted_at", default=None, allow_null=True)
