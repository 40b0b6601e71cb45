from rest_framework import serializers

from command.models import Area, Expert, MemberUnit, WorkingGroup


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "kind"]


class MemberUnitSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = MemberUnit
        fields = ["slug", "name", "short_name", "kind", "area", "phones", "duties"]


class WorkingGroupSerializer(serializers.ModelSerializer):
    lead_units = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    member_units = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = WorkingGroup
        fields = ["slug", "name", "lead_text", "lead_units", "members_text", "member_units", "duties"]


class ExpertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = ["seq", "name", "organisation", "title"]
