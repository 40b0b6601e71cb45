"""The supervision API: inspections (supervision group writes; office and leaders read), their
enforcement actions (ordered, followed up and closed by the supervision group), and tip-offs
(hotline tip-offs entered by the office and the supervision group; a member unit lists and answers
those routed to it). The public sends tip-offs through the public page only (rate limit,
honeypot, fill time)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from supervision import selectors, services
from supervision.access import (
    ENFORCEMENT_READERS,
    ENFORCEMENT_WRITERS,
    INSPECTION_READERS,
    INSPECTION_WRITERS,
    TIPOFF_LIST_READERS,
    TIPOFF_UNIT_USERS,
    TIPOFF_WRITERS,
)

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
            follow_up_due=v.get("follow_up_due"),
            photos=request.FILES.getlist("photos") if request.FILES else [],
            **services.editable_values(v),
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
    """GET: the tip-offs the caller may see (a unit: those routed to it, without the sender's
    identity); POST: the office or the supervision group enters a hotline tip-off (12369, 12345,
    other), routed like the web form's; the 201 carries the check code, once."""

    allowed_roles = TIPOFF_LIST_READERS
    write_roles = TIPOFF_WRITERS

    @extend_schema(responses=serializers.TipOffSerializer(many=True))
    def get(self, request):
        qs = selectors.tipoffs_for(
            request.user,
            status=request.query_params.get("status", ""),
            category=request.query_params.get("category", ""),
            channel=request.query_params.get("channel", ""),
        )
        serializer = (
            serializers.UnitTipOffSerializer if request.user.role in TIPOFF_UNIT_USERS else serializers.TipOffSerializer
        )
        return Response(serializer(qs[:500], many=True).data)

    @extend_schema(request=serializers.TipOffEnterSerializer, responses={201: serializers.TipOffCreatedSerializer})
    def post(self, request):
        body = serializers.TipOffEnterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        tipoff = services.tipoff_enter(actor=request.user, **{**v, "area": v["area"] or None})
        data = serializers.TipOffSerializer(selectors.tipoffs().get(pk=tipoff.pk)).data
        return Response({**data, "check_code": tipoff.check_code}, status=status.HTTP_201_CREATED)


class TipOffAnswerView(APIView):
    """The unit the tip-off was routed to answers it (404 for another unit's, 409 once concluded)."""

    allowed_roles = TIPOFF_UNIT_USERS

    @extend_schema(request=serializers.TipOffAnswerSerializer, responses=serializers.UnitTipOffSerializer)
    def post(self, request, pk: int):
        get_object_or_404(selectors.tipoffs_for(request.user), pk=pk)
        body = serializers.TipOffAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.tipoff_answer(actor=request.user, tipoff_id=pk, **body.validated_data)
        return Response(serializers.UnitTipOffSerializer(selectors.tipoffs().get(pk=pk)).data)


class EnforcementListView(APIView):
    """GET: the enforcement actions (停产, 罚款, 移送), filtered by kind and status; POST: the
    supervision group orders one on an inspection that found a violation."""

    allowed_roles = ENFORCEMENT_READERS
    write_roles = ENFORCEMENT_WRITERS

    @extend_schema(responses=serializers.EnforcementActionSerializer(many=True))
    def get(self, request):
        qs = selectors.enforcement_actions(
            kind=request.query_params.get("kind", ""), status=request.query_params.get("status", "")
        )
        return Response(serializers.EnforcementActionSerializer(qs[:500], many=True).data)

    @extend_schema(
        request=serializers.EnforcementOrderSerializer, responses={201: serializers.EnforcementActionSerializer}
    )
    def post(self, request):
        body = serializers.EnforcementOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = dict(body.validated_data)
        get_object_or_404(selectors.inspection_detail(), pk=v["inspection"])
        action = services.enforcement_order(actor=request.user, inspection_id=v.pop("inspection"), **v)
        return Response(
            serializers.EnforcementActionSerializer(selectors.enforcement_actions().get(pk=action.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class EnforcementStepView(APIView):
    """跟进 (follow_up: ordered → followed up) or 办结 (close: followed up → closed); 409 out of turn."""

    allowed_roles = ENFORCEMENT_WRITERS

    @extend_schema(request=serializers.EnforcementStepSerializer, responses=serializers.EnforcementActionSerializer)
    def post(self, request, pk: int):
        get_object_or_404(selectors.enforcement_actions(), pk=pk)
        body = serializers.EnforcementStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = body.validated_data["step"]
        services.ENFORCEMENT_STEPS[step](actor=request.user, action_id=pk, note=body.validated_data["note"])
        return Response(serializers.EnforcementActionSerializer(selectors.enforcement_actions().get(pk=pk)).data)
