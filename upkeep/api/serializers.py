from __future__ import annotations

from rest_framework import serializers

from command.models import MemberUnit
from upkeep.models import Suggestion, Training


class UnitSlugField(serializers.SlugRelatedField):
    """A member unit by its slug; a value PostgreSQL cannot even compare (a NUL character) is
    simply no such unit (400), never a database error."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class TrainingSerializer(serializers.ModelSerializer):
    unit = UnitSlugField(
        slug_field="slug",
        queryset=MemberUnit.objects.all(),
        required=False,
        allow_null=True,
        help_text="组织单位的简称代码；留空为应急指挥部办公室",
    )
    organiser = serializers.CharField(source="organiser_name", read_only=True)
    attendee_units = UnitSlugField(slug_field="slug", many=True, queryset=MemberUnit.objects.all(), required=False)
    contents = serializers.ListField(child=serializers.ChoiceField(choices=Training.Content.choices), required=False)
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True, read_only=True)
    pass_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "unit",
            "organiser",
            "topic",
            "contents",
            "trainer",
            "held_on",
            "place",
            "hours",
            "attendee_units",
            "attendees",
            "attendee_count",
            "assessment",
            "assessed_count",
            "passed_count",
            "pass_rate",
            "result",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class SuggestionSerializer(serializers.ModelSerializer):
    warning = serializers.IntegerField(source="summary.warning_id", read_only=True)
    warning_number = serializers.CharField(source="summary.warning.number", read_only=True)
    unit = serializers.CharField(source="unit.slug", default=None, allow_null=True, read_only=True)
    unit_name = serializers.CharField(read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "summary",
            "warning",
            "warning_number",
            "text",
            "unit",
            "unit_name",
            "status",
            "recorded_at",
            "accepted_at",
            "accept_note",
            "done_on",
            "done_note",
            "rejected_at",
            "reject_reason",
        ]


class SuggestionCreateSerializer(serializers.Serializer):
    warning = serializers.IntegerField(help_text="预警 id：其应急响应统计表（附件6）的改进建议")
    text = serializers.CharField(max_length=4000)
    unit = UnitSlugField(
        slug_field="slug", queryset=MemberUnit.objects.all(), required=False, allow_null=True, default=None
    )


class SuggestionAcceptSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class SuggestionRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class SuggestionDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=4000)


class RevisionClockSerializer(serializers.Serializer):
    edition_number = serializers.CharField()
    issued_on = serializers.DateField()
    regular_due = serializers.DateField()
    due = serializers.DateField()
    by_trigger = serializers.BooleanField()
    days_left = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["ok", "soon", "overdue"])
    open_triggers = serializers.ListField(child=serializers.DictField())
    open_suggestions = serializers.IntegerField()
