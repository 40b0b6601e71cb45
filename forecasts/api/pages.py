"""Read-only API of the forecast page: stored evaluations (预警评估) and the chart series."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import STAFF

from .. import selectors
from ..domain.areas import area_by_code
from ..forms import SeriesRangeForm
from ..models import Evaluation
from ..views.pages import forecast_data, resolve_range


class EvaluationSerializer(serializers.ModelSerializer):
    source_import = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "created_at",
            "trigger",
            "source_import",
            "requested_by",
            "now",
            "active_level",
            "level",
            "response_level",
            "recommendation",
            "approver",
            "issue_by",
            "urgent",
            "ozone_prompt",
        ]
        read_only_fields = fields


class EvaluationDetailSerializer(EvaluationSerializer):
    """With the full result: the object of interfaces.md §2 and the windows that decided it."""

    result = serializers.JSONField(read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "result"]
        read_only_fields = fields


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Stored evaluations, newest first (real data only; drills are kept apart)."""

    allowed_roles = STAFF
    queryset = selectors.evaluations()

    def get_serializer_class(self):
        return EvaluationDetailSerializer if self.action == "retrieve" else EvaluationSerializer


class SeriesView(APIView):
    """The forecast page's chart data for an area and a range of dates: hours, observed and
    forecast AQI, the 24-hour window value per window start, the thresholds, and the windows
    that decided the level (warning-rules.md §2–§6)."""

    allowed_roles = STAFF

    @extend_schema(
        parameters=[
            OpenApiParameter("area", OpenApiTypes.STR, description="区域代码，默认 140300（全市）"),
            OpenApiParameter("start", OpenApiTypes.DATE, description="开始日期 YYYY-MM-DD"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="结束日期 YYYY-MM-DD"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        form = SeriesRangeForm(request.query_params)
        if not form.is_valid():
            errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
            return Response({"detail": "查询参数有误。", "errors": errors}, status=400)
        area = form.cleaned_data["area"]
        dates = resolve_range(area, form.cleaned_data["start"], form.cleaned_data["end"])
        if dates is None:  # nothing stored for the area
            place = area_by_code(area)
            return Response(
                {
                    "area": {"code": place.code, "name": place.name},
                    "start": None,
                    "end": None,
                    "empty": True,
                    "level": "none",
                    "hours": [],
                    "observed": [],
                    "forecast": [],
                    "window": [],
                    "primary": [],
                    "thresholds": [],
                    "highlights": [],
                    "processes": [],
                }
            )
        data = forecast_data(area, *dates)
        return Response(
            {**data["chart"], "start": dates[0].isoformat(), "end": dates[1].isoformat(), "empty": data["empty"]}
        )
