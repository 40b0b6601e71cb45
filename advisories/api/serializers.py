from __future__ import annotations

from rest_framework import serializers

from advisories.models import OzonePrompt, So2Task


class OzonePromptSerializer(serializers.ModelSerializer):
    confirmed_by = serializers.CharField(source="confirmed_by.username", default=None, allow_null=True, read_only=True)
    ended_by = serializers.CharField(source="ended_by.username", default=None, allow_null=True, read_only=True)
    orders = serializers.SerializerMethodField()

    class Meta:
        model = OzonePrompt
        fields = [
            "id",
            "status",
            "consultation",
            "evaluation",
            "latest_evaluation",
            "period_start",
            "period_end",
            "peak_aqi",
            "opened_at",
            "text",
            "confirmed_at",
            "confirmed_by",
            "ended_at",
            "ended_by",
            "end_note",
            "orders",
        ]

    def get_orders(self, prompt) -> list[dict]:
        return [
            {"id": o.pk, "unit": o.unit.slug, "status": o.status, "enterprises": len(o.enterprises)}
            for o in prompt.orders.select_related("unit")
        ]


class So2TaskSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    unit = serializers.CharField(source="unit.slug", default=None, allow_null=True, read_only=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", default=None, allow_null=True, read_only=True
    )
    answered_by = serializers.CharField(source="answered_by.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = So2Task
        fields = [
            "id",
            "area_code",
            "area_name",
            "unit",
            "status",
            "start",
            "end",
            "max_so2",
            "evaluation",
            "latest_evaluation",
            "enterprises",
            "issued_at",
            "acknowledged_at",
            "acknowledged_by",
            "answer",
            "answered_at",
            "answered_by",
        ]


class ConfirmSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class EndSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class PublicOzonePromptSerializer(serializers.Serializer):
    in_force = serializers.BooleanField()
    text = serializers.CharField(allow_null=True)
    period_start = serializers.DateTimeField(allow_null=True)
    period_end = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
