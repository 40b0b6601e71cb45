"""The supervision API: inspections (supervision group writes; office and leaders read) and
tip-offs (read by the office and the supervision group). The public sends tip-offs through the
public page only (rate limit, honeypot, fill time)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from supervision import selectors, services
from supervision.access import INSPECTION_READERS, INSPECTION_WRITERS, TIPOFF_READERS

from . import serializers

FOLLOW_UP_FIELDS = ("follow_up_status", "follow_up_due", "follow_up_notes")


def _detail(pk: int) -> dict:
    return serializers.InspectionSerializer(selectors.inspection_detail().get(pk=pk)).data


class InspectionListView(APIView):
    allowed_roles = INSPECTION_READERS
    write_roles = INSPECTION_WRITERS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=serializers.InspectionSerializer(many=True))
    def get(self, request):
        qs = selectors.inspections(
            county=request.query_params.get("county", ""),
            violation=request.query_params.get("violation", ""),
            follow_up=request.query_params.get("follow_up", ""),
        ).prefetch_related("photos")
        return Response(serializers.InspectionSerializer(qs[:500], many=True).data)

    @extend_schema(request=serializers.InspectionWriteSerializer, responses={201: serializers.InspectionSerializer})
    def post(self, request):
        body = serializers.InspectionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        inspection = services.inspection_create(
            actor=request.user,
            date=v["date"],
            place=v["place"],
            findings=v["findings"],
            enterprise=v["enterprise"],
            enterprise_name=v["enterprise_name"],
            county=v["county"] or None,
            violation=v["violation"],
            violation_description=v["violation_description"],
            follow_up_due=v.get("follow_up_due"),
            photos=request.FILES.getlist("photos") if request.FILES else [],
        )
        return Response(_detail(inspection.pk), status=status.HTTP_201_CREATED)


class InspectionDetailView(APIView):
    """GET one inspection; PATCH its fields or its follow-up; DELETE it (supervision group)."""

    allowed_roles = INSPECTION_READERS
    write_roles = INSPECTION_WRITERS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=serializers.InspectionSerializer)
    def get(self, request, pk: int):
        return Response(serializers.InspectionSerializer(get_object_or_404(selectors.inspection_detail(), pk=pk)).data)

    @extend_schema(request=serializers.InspectionWriteSerializer, responses=serializers.InspectionSerializer)
    def patch(self, request, pk: int):
        inspection = get_object_or_404(selectors.inspection_detail(), pk=pk)
        body = serializers.InspectionWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        given = {key: value for key, value in body.validated_data.items() if key in request.data}
        follow_up = {key: given.pop(key) for key in FOLLOW_UP_FIELDS if key in given}
        given.pop("photos", None)
        photos = request.FILES.getlist("photos") if request.FILES else []
        if given or photos:
            services.inspection_update(actor=request.user, inspection_id=pk, photos=photos, **given)
        if follow_up:
            services.inspection_follow_up(
                actor=request.user,
                inspection_id=pk,
                status=follow_up.get("follow_up_status", inspection.follow_up_status),
                due=follow_up.get("follow_up_due", inspection.follow_up_due),
                notes=follow_up.get("follow_up_notes", ""),
            )
        return Response(_detail(pk))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        get_object_or_404(selectors.inspection_detail(), pk=pk)
        services.inspection_delete(actor=request.user, inspection_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TipOffListView(APIView):
    allowed_roles = TIPOFF_READERS

    @extend_schema(responses=serializers.TipOffSerializer(many=True))
    def get(self, request):
        qs = selectors.tipoffs(
            status=request.query_params.get("status", ""), category=request.query_params.get("category", "")
        )
        return Response(serializers.TipOffSerializer(qs[:500], many=True).data)
