from __future__ import annotations

from rest_framework import serializers

from ..domain.constants import GRADES, LEVELS


class IndustryMeasureSerializer(serializers.Serializer):
    """One entry of a 附件11 cell (interfaces.md §4)."""

    industry = serializers.CharField(source="industry.name", help_text="行业（预案Ⅱ、Ⅰ级写法）")
    industry_seq = serializers.IntegerField(source="industry.seq", help_text="附件11序号 1–22")
    level = serializers.ChoiceField(choices=LEVELS)
    grade = serializers.ChoiceField(choices=GRADES)
    subtype = serializers.SerializerMethodField(help_text="子类；null 表示适用于该格全部企业")
    text = serializers.CharField(help_text="减排措施（预案原文）")

    def get_subtype(self, obj) -> str | None:
        return obj.subtype or None


class IndustryMeasureQuerySerializer(serializers.Serializer):
    level = serializers.CharField(required=False, help_text="III、II 或 I")
    industry = serializers.CharField(required=False, help_text="行业名称（或序号）")
    grade = serializers.CharField(required=False, help_text="A、B、C、D、引领性、非引领性")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="为何拒绝，如 measures.unknown_value")
