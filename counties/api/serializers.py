from __future__ import annotations

from rest_framework import serializers

from counties.models import CountyBody, CountyContact, ExtraMeasure


class ContactSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="body.kind", read_only=True)

    class Meta:
        model = CountyContact
        fields = ["id", "kind", "post", "name", "position", "phone", "mobile", "order", "updated_at"]


class BodySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CountyBody.Kind.choices)
    name = serializers.CharField()
    host = serializers.CharField(allow_blank=True)
    duty_phone = serializers.CharField(allow_blank=True)
    people = ContactSerializer(many=True)


class CountySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    bodies = BodySerializer(many=True)


class ContactWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CountyBody.Kind.choices)
    post = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    mobile = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)


class ContactPatchSerializer(serializers.Serializer):
    post = serializers.CharField(max_length=50, required=False)
    name = serializers.CharField(max_length=50, required=False)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=50, required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class MeasureSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    filed_by = serializers.CharField(source="filed_by.username", read_only=True)

    class Meta:
        model = ExtraMeasure
        fields = [
            "id",
            "response",
            "area_code",
            "area_name",
            "category",
            "category_label",
            "measure",
            "started_at",
            "scope",
            "sites",
            "note",
            "filed_by",
            "filed_at",
        ]


class MeasureWriteSerializer(serializers.Serializer):
    response = serializers.IntegerField(min_value=1)
    category = serializers.ChoiceField(choices=ExtraMeasure.Category.choices)
    measure = serializers.CharField(max_length=2000)
    started_at = serializers.DateTimeField()
    scope = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    sites = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
