from __future__ import annotations

from rest_framework import serializers

from deadlines.models import Deadline


class NoticeCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="办结理由：本市已按不低于通知的级别响应（记入审计日志）")


class DeadlineSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display")
    closed_by = serializers.CharField(source="closed_by.username", default=None)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "kind_name",
            "key",
            "warning",
            "form",
            "provincial_notice",
            "unit",
            "evaluation",
            "started_at",
            "due_at",
            "met_at",
            "cancelled_at",
            "close_reason",
            "closed_by",
        ]
