"""The counties API: every staff role reads the county headquarters' and offices' people (a county
its own); the office (and a county for its own area) adds, changes and removes them; a county files
its extra measures (§5.2) and the office reads them per response. Refusals are the domain errors'
{detail, code} (core.api.exception_handler)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from counties import selectors, services
from counties.access import EDITORS, FILERS, MEASURE_READERS, READERS

from . import serializers


def _county(area) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "kind": area.kind,
        "bodies": [
            {
                "kind": b.kind,
                "name": b.name,
                "host": b.host,
                "duty_phone": b.duty_phone,
                "people": serializers.ContactSerializer(b.people, many=True).data,
            }
            for b in selectors.bodies_of(area)
        ],
    }


class CountyListView(APIView):
    """The county-level areas with their headquarters and office and the people on them."""

    allowed_roles = READERS

    @extend_schema(responses=serializers.CountySerializer(many=True))
    def get(self, request):
        return Response([_county(area) for area in selectors.areas_for(request.user)])


class CountyDetailView(APIView):
    allowed_roles = READERS

    @extend_schema(responses=serializers.CountySerializer)
    def get(self, request, code: str):
        return Response(_county(get_object_or_404(selectors.areas_for(request.user), code=code)))


class CountyContactsView(APIView):
    """POST: add a person to the area's headquarters or office (`kind`)."""

    allowed_roles = EDITORS

    @extend_schema(request=serializers.ContactWriteSerializer, responses={201: serializers.ContactSerializer})
    def post(self, request, code: str):
        area = get_object_or_404(selectors.areas_for(request.user), code=code)
        body = serializers.ContactWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = services.county_contact_add(actor=request.user, area_id=area.pk, **body.validated_data)
        return Response(serializers.ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class CountyContactView(APIView):
    """GET: one person; PATCH (the office, a county its own): change their fields; DELETE: remove them."""

    allowed_roles = READERS
    write_roles = EDITORS

    def _contact(self, request, pk: int):
        return get_object_or_404(selectors.contacts_for(request.user), pk=pk)

    @extend_schema(responses=serializers.ContactSerializer)
    def get(self, request, pk: int):
        return Response(serializers.ContactSerializer(self._contact(request, pk)).data)

    @extend_schema(request=serializers.ContactPatchSerializer, responses=serializers.ContactSerializer)
    def patch(self, request, pk: int):
        self._contact(request, pk)
        body = serializers.ContactPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = services.county_contact_update(actor=request.user, contact_id=pk, **body.validated_data)
        return Response(serializers.ContactSerializer(contact).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        self._contact(request, pk)
        services.county_contact_remove(actor=request.user, contact_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExtraMeasureListView(APIView):
    """GET: the extra measures the caller may see (a county its own), optional ?response=ID.
    POST (county users): file one of the caller's own area for a response in force."""

    allowed_roles = MEASURE_READERS
    write_roles = FILERS

    @extend_schema(parameters=[OpenApiParameter("response", int)], responses=serializers.MeasureSerializer(many=True))
    def get(self, request):
        rows = selectors.measures_for(request.user)
        response_id = request.query_params.get("response")
        if response_id:
            if not response_id.isdigit():
                return Response({"detail": "response 应为应急响应的编号（整数）。"}, status=status.HTTP_400_BAD_REQUEST)
            rows = rows.filter(response_id=int(response_id))
        return Response(serializers.MeasureSerializer(rows[:1000], many=True).data)

    @extend_schema(request=serializers.MeasureWriteSerializer, responses={201: serializers.MeasureSerializer})
    def post(self, request):
        body = serializers.MeasureWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        measure = services.extra_measure_file(actor=request.user, response_id=values.pop("response"), **values)
        return Response(
            serializers.MeasureSerializer(selectors.measures_for(request.user).get(pk=measure.pk)).data,
            status=status.HTTP_201_CREATED,
        )
