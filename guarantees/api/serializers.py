from __future__ import annotations

from rest_framework import serializers

from guarantees.models import DutySlot, SupplyItem


class DutySlotSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(
        source="unit.slug",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="成员单位简称代码；null 为应急指挥部办公室",
    )
    unit_name = serializers.SerializerMethodField()

    class Meta:
        model = DutySlot
        fields = [
            "id",
            "response",
            "unit",
            "unit_name",
            "person",
            "position",
            "phone",
            "starts_at",
            "ends_at",
            "note",
            "created_at",
            "updated_at",
        ]

    def get_unit_name(self, slot) -> str:
        return slot.unit.name if slot.unit_id else "应急指挥部办公室"


class DutySlotWriteSerializer(serializers.Serializer):
    response = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="应急响应 id；缺省为正在进行的响应"
    )
    unit = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="成员单位简称代码（仅办公室可填；留空为办公室自己）；成员单位、县区登记本单位",
    )
    person = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=50)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DutySlotChangeSerializer(serializers.Serializer):
    person = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=50)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DutyGapSerializer(serializers.Serializer):
    unit = serializers.CharField(allow_null=True, help_text="null 为应急指挥部办公室")
    unit_name = serializers.CharField()
    next_start = serializers.DateTimeField(allow_null=True, help_text="下一班开始时间；null 为没有安排")


class DutyGapsSerializer(serializers.Serializer):
    response = serializers.IntegerField(allow_null=True)
    response_status = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()
    gaps = DutyGapSerializer(many=True)


class ContactPersonSerializer(serializers.Serializer):
    duty_role = serializers.CharField()
    name = serializers.CharField()
    position = serializers.CharField()
    mobile = serializers.CharField()


class ContactEntrySerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.slug")
    unit_name = serializers.CharField(source="unit.name")
    area = serializers.CharField(source="area.code", default=None, allow_null=True)
    phones = serializers.ListField(child=serializers.CharField(), source="unit.phones")
    people = ContactPersonSerializer(many=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()


class SupplyItemSerializer(serializers.ModelSerializer):
    keeper = serializers.CharField(source="keeper.slug", default=None, allow_null=True, read_only=True)

    class Meta:
        model = SupplyItem
        fields = [
            "id",
            "kind",
            "name",
            "quantity",
            "measure",
            "keeper",
            "location",
            "last_checked_on",
            "note",
            "active",
            "updated_at",
        ]
