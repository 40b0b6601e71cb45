"""Measures API: the 附件11 cells (interfaces.md §4)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import STAFF

from .. import selectors
from . import serializers


class IndustryMeasureListView(APIView):
    """The 附件11 entries that match ``level``, ``industry`` and ``grade`` (each optional), as a
    list ordered by industry, level, grade and position in the cell. A cell with sub-types gives
    one item per sub-type; a cell the plan marks "—" gives none."""

    allowed_roles = STAFF

    @extend_schema(
        operation_id="industry_measures_list",
        parameters=[
            OpenApiParameter("level", str, description="III、II 或 I", enum=["III", "II", "I"]),
            OpenApiParameter("industry", str, description="行业名称（任一级别的写法、唯一的部分名称）或序号"),
            OpenApiParameter("grade", str, description="绩效等级", enum=["A", "B", "C", "D", "引领性", "非引领性"]),
        ],
        responses={
            200: serializers.IndustryMeasureSerializer(many=True),
            400: OpenApiResponse(serializers.DetailSerializer, description="未知的级别、等级或行业"),
        },
    )
    def get(self, request: Request) -> Response:
        params = {name: (request.query_params.get(name) or "").strip() for name in ("level", "industry", "grade")}
        entries = selectors.industry_cells(
            level=params["level"] or None, industry=params["industry"] or None, grade=params["grade"] or None
        )
        return Response(serializers.IndustryMeasureSerializer(entries, many=True).data)
