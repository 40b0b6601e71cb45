"""Forecasts API: file imports and evaluation of a file (interfaces.md §4)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import STAFF, Role

from .. import selectors
from ..domain.readers import parse_time, read_file
from ..domain.rules import evaluate, normalise_level
from ..imports import forecast_import
from ..models import ForecastImport
from . import serializers

#: Who brings data in and asks for evaluations: the forecasting group (预报预警组) and the office.
IMPORTERS: frozenset[str] = frozenset({Role.FORECASTER, Role.OFFICE})
#: Room for the multipart envelope around the file itself.
_MULTIPART_SLACK = 64 * 1024


def _too_large_detail() -> str:
    limit = settings.FORECAST_MAX_UPLOAD_BYTES
    return f"文件过大：上限为 {limit / 1024 / 1024:.0f} MB（{limit} 字节）。"


def _too_large(request: Request) -> Response | None:
    """413 before the body is parsed when the declared length is already over the limit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.FORECAST_MAX_UPLOAD_BYTES + _MULTIPART_SLACK:
        return Response({"detail": _too_large_detail()}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return None


def _bad_request(detail: str, errors: list[dict] | None = None) -> Response:
    return Response({"detail": detail, "errors": errors or []}, status=status.HTTP_400_BAD_REQUEST)


def _field_error(column: str, message: str) -> list[dict]:
    return [{"file": "", "row": None, "column": column, "message": message}]


def _uploaded_files(request: Request) -> list | Response:
    """The uploaded files, or the refusal: 413 before the body is parsed when it is declared over
    the limit, 400 without a file, 413 for a file over the limit."""
    refused = _too_large(request)
    if refused is not None:
        return refused
    files = request.FILES.getlist("file")
    if not files:
        return _bad_request("请上传文件（multipart 字段 file）。", _field_error("file", "缺少文件"))
    if any(f.size > settings.FORECAST_MAX_UPLOAD_BYTES for f in files):
        return Response({"detail": _too_large_detail()}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return files


def _outcome_json(outcome) -> dict:
    record = outcome.import_
    return {
        "id": record.pk,
        "file_name": record.file_name,
        "row_count": outcome.row_count,
        "stored_count": outcome.stored_count,
        "duplicate": outcome.duplicate,
        "period": record.period,
        "area_codes": list(record.area_codes),
        "warnings": list(outcome.warnings),
    }


class ImportListCreateView(generics.ListAPIView):
    """Imports of forecast and observation files, newest first; POST a file to import it."""

    allowed_roles = STAFF
    write_roles = IMPORTERS
    serializer_class = serializers.ForecastImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.imports().prefetch_related("evaluations")

    @extend_schema(
        operation_id="forecasts_imports_create",
        request={"multipart/form-data": serializers.ForecastFileUploadSerializer},
        responses={
            201: serializers.ForecastImportOutcomeSerializer,
            200: OpenApiResponse(
                serializers.ForecastImportOutcomeSerializer,
                description="同一文件已导入过：duplicate 为 true，id 为先前的导入",
            ),
            400: OpenApiResponse(
                serializers.ForecastFileRejectedSerializer, description="文件有误（逐行逐列列出），未存入任何数据"
            ),
            413: OpenApiResponse(
                serializers.ForecastFileRejectedSerializer, description="文件超过上限 FORECAST_MAX_UPLOAD_BYTES"
            ),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        files = _uploaded_files(request)
        if isinstance(files, Response):
            return files
        if len(files) > 1:
            return _bad_request("一次只能导入一个文件。", _field_error("file", "多个文件"))
        upload = files[0]
        outcome = forecast_import(
            data=upload.read(), name=upload.name, channel=ForecastImport.Channel.API, actor=request.user
        )
        code = status.HTTP_200_OK if outcome.duplicate else status.HTTP_201_CREATED
        return Response(_outcome_json(outcome), status=code)


class ImportDetailView(generics.RetrieveAPIView):
    allowed_roles = STAFF
    serializer_class = serializers.ForecastImportSerializer

    def get_queryset(self):
        return ForecastImport.objects.select_related("uploaded_by").prefetch_related("evaluations")


class EvaluateView(APIView):
    """Classify uploaded files by the warning rules and return the object of
    ``evaluate_forecast --json`` (interfaces.md §2). Nothing is stored."""

    allowed_roles = IMPORTERS
    write_roles = IMPORTERS
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="forecasts_evaluate",
        request={"multipart/form-data": serializers.ForecastEvaluateRequestSerializer},
        responses={
            200: serializers.ForecastEvaluationResultSerializer,
            400: OpenApiResponse(serializers.ForecastFileRejectedSerializer, description="文件或参数有误，未作判定"),
            413: OpenApiResponse(serializers.ForecastFileRejectedSerializer, description="文件超过上限"),
        },
    )
    def post(self, request: Request) -> Response:
        files = _uploaded_files(request)
        if isinstance(files, Response):
            return files
        try:
            active_level = normalise_level(request.data.get("active_level") or "none")
        except ValueError as exc:
            return _bad_request(str(exc), _field_error("active_level", str(exc)))
        now = None
        if request.data.get("now"):
            now = parse_time(request.data["now"])
            if now is None:
                message = f"无法识别的时间「{request.data['now']}」（应为 ISO 8601）"
                return _bad_request(message, _field_error("now", message))
        results = [read_file(upload.read(), upload.name) for upload in files]
        errors = [error for result in results for error in result.errors]
        if errors:
            shown = "；".join(str(error) for error in errors[:3])
            more = f"；另有 {len(errors) - 3} 处，见错误列表" if len(errors) > 3 else ""
            detail = f"{len(errors)} 处错误，未作判定（文件中的数据一条也未使用）：{shown}{more}。"
            return _bad_request(detail, [error.as_dict() for error in errors])
        return Response(evaluate(results, active_level=active_level, now=now))
