"""The response API: daily reports (interfaces.md §4) and the orders of member units."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role
from response import selectors, services
from response.access import COMPLIANCE_READERS, ORDER_READERS, REPORT_READERS, UNIT_USERS
from response.models import Order

from . import serializers


def _names_another_unit(request) -> bool:
    """A request that names a unit other than the caller's: refused, never filed for it."""
    named = request.data.get("unit") if hasattr(request.data, "get") else None
    if named in (None, ""):
        return False
    own = request.user.unit
    return str(named) not in {str(own.pk), own.slug, own.name}


class DailyReportListView(APIView):
    """GET: reports (a unit sees its own), optional ?date=YYYY-MM-DD. POST (member-unit users):
    file the caller's own unit's report on `date` (multipart for attachments, or JSON). A second
    report for the same unit and date is refused with 409 and the id of the one on file."""

    allowed_roles = REPORT_READERS
    write_roles = UNIT_USERS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD")],
        responses=serializers.DailyReportSerializer(many=True),
    )
    def get(self, request):
        reports = selectors.reports_for(request.user)
        if request.query_params.get("date"):
            try:
                reports = reports.filter(report_date=dt.date.fromisoformat(request.query_params["date"]))
            except ValueError:
                return Response({"detail": "date 的格式应为 YYYY-MM-DD。"}, status=status.HTTP_400_BAD_REQUEST)
        return Response(serializers.DailyReportSerializer(reports[:500], many=True).data)

    @extend_schema(request=serializers.DailyReportCreateSerializer, responses={201: serializers.DailyReportSerializer})
    def post(self, request):
        if request.user.role != Role.UNIT or _names_another_unit(request):
            return Response(
                {"detail": "只能报送本单位的落实情况，不能代其他单位报送。"}, status=status.HTTP_403_FORBIDDEN
            )
        body = serializers.DailyReportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        files = request.FILES.getlist("attachments") if request.FILES else []
        report = services.daily_report_submit(
            actor=request.user,
            report_date=v["date"],
            content=v["content"],
            measures_done=v["measures_done"],
            inspections=v["inspections"],
            enterprises_checked=v["enterprises_checked"],
            violations_found=v["violations_found"],
            figures=v["figures"],
            files=files,
        )
        report = selectors.reports_for(request.user).get(pk=report.pk)
        return Response(serializers.DailyReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ComplianceView(APIView):
    """Per member unit, the report on `date` (the day reported on; default yesterday): on_time,
    late, missing — or pending before 10:00 of the next day, not_required after the response ended."""

    allowed_roles = COMPLIANCE_READERS

    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD（所述日期，默认昨天）")],
        responses=inline_serializer(
            "Compliance",
            {
                "date": drf_serializers.DateField(),
                "response": drf_serializers.DictField(allow_null=True),
                "counts": drf_serializers.DictField(),
                "units": serializers.ComplianceUnitSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        raw = request.query_params.get("date")
        try:
            day = dt.date.fromisoformat(raw) if raw else timezone.localdate() - dt.timedelta(days=1)
        except ValueError:
            return Response({"detail": "date 的格式应为 YYYY-MM-DD。"}, status=status.HTTP_400_BAD_REQUEST)
        response, rows = selectors.compliance_on(day)
        counts = {key: sum(1 for row in rows if row.status == key) for key in selectors.STATUS_NAMES}
        return Response(
            {
                "date": day.isoformat(),
                "response": None
                if response is None
                else {
                    "id": response.pk,
                    "warning": response.warning.number,
                    "level": response.level,
                    "status": response.status,
                    "started_at": response.started_at,
                    "ended_at": response.ended_at,
                },
                "counts": counts,
                "units": serializers.ComplianceUnitSerializer(rows, many=True).data,
            }
        )


class OrderListView(APIView):
    """The orders the caller may see (a unit: its own), newest first; ?response=<id>."""

    allowed_roles = ORDER_READERS

    @extend_schema(responses=serializers.OrderSerializer(many=True))
    def get(self, request):
        orders = selectors.orders_for(request.user)
        if request.query_params.get("response", "").isdigit():
            orders = orders.filter(response_id=int(request.query_params["response"]))
        return Response(serializers.OrderSerializer(orders[:500], many=True).data)


class _OrderActionView(APIView):
    allowed_roles = UNIT_USERS

    def _order(self, request, pk: int) -> Order:
        return get_object_or_404(selectors.orders_for(request.user), pk=pk)


class OrderAcknowledgeView(_OrderActionView):
    @extend_schema(request=None, responses=serializers.OrderSerializer)
    def post(self, request, pk: int):
        self._order(request, pk)
        services.order_acknowledge(actor=request.user, order_id=pk)
        return Response(serializers.OrderSerializer(self._order(request, pk)).data)


class OrderInPlaceView(_OrderActionView):
    @extend_schema(request=serializers.InPlaceSerializer, responses=serializers.OrderSerializer)
    def post(self, request, pk: int):
        self._order(request, pk)
        body = serializers.InPlaceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.order_confirm_in_place(actor=request.user, order_id=pk, note=body.validated_data["note"])
        return Response(serializers.OrderSerializer(self._order(request, pk)).data)
