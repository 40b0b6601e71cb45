"""The import page (数据导入): history, upload, preview of what will be stored, confirmation,
and one import's detail. The upload is read at once but nothing is written to the database
until the person confirms; the uploaded bytes wait in the cache under a token kept in the
session."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from core.staging import UploadStage
from core.views_mixins import DomainErrorMessageMixin

from .. import selectors
from ..domain.areas import AREAS, CITY_CODE
from ..domain.readers import ReadResult
from ..domain.rules import LEVEL_NAMES
from ..imports import earlier_import, forecast_import, forecast_preview, stored_rows
from ..models import ForecastImport
from ..services import RECOMMENDATION_NAMES

IMPORTERS: frozenset[str] = frozenset({Role.FORECASTER, Role.OFFICE})
PREVIEW_ROWS = 50
STAGE = UploadStage(prefix="forecasts:import-staging", session_key="forecast_import_token")
_AREA_NAMES = {area.code: area.name for area in AREAS}
_AREA_ORDER = {area.code: position for position, area in enumerate(AREAS)}
_KIND_NAMES = {"forecast": "预报", "observed": "实况"}
_PERIOD_NAMES = {"hour": "逐小时", "day": "逐日"}


def _is_xhr(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size, 1) / 1024:.0f} KB"


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool):
        return "是" if value else ""
    return str(value)


def preview_summary(result: ReadResult, *, size: int) -> dict[str, Any]:
    """Everything the preview page shows, as plain values (kept in the cache with the file)."""
    summary: dict[str, Any] = {
        "name": result.name,
        "size": size,
        "size_text": _size_text(size),
        "sha256": result.file_sha256,
        "errors": [error.as_dict() for error in result.errors],
        "warnings": list(result.warnings),
        "period": result.period,
        "period_name": _PERIOD_NAMES.get(result.period or "", ""),
        "row_count": len(result.frame),
    }
    if not result.ok or result.frame.empty:
        return summary
    frame = result.frame
    rows = stored_rows(result).head(PREVIEW_ROWS)
    fmt = "%Y-%m-%d" if result.period == "day" else "%Y-%m-%d %H:%M"
    summary.update(
        first_time=frame["time"].min().strftime(fmt),
        last_time=frame["time"].max().strftime(fmt),
        areas=[
            {"code": code, "name": _AREA_NAMES.get(code, code), "rows": int(count)}
            for code, count in frame["area_code"].value_counts(sort=False).items()
        ],
        kinds=[
            {"kind": kind, "name": _KIND_NAMES.get(kind, kind), "rows": int(count)}
            for kind, count in frame["kind"].value_counts(sort=False).items()
        ],
        rows=[
            {
                "row": int(row["row"]),
                "area": _AREA_NAMES.get(row["area_id"], row["area_id"]),
                "time": row["time"].strftime(fmt),
                "kind": _KIND_NAMES.get(row["kind"], row["kind"]),
                "issued_at": _cell(row["issued_at"]) or _("导入时刻"),
                "issued_at_given": bool(row["issued_at_given"]),
                "aqi": _cell(row["aqi"]),
                "aqi_range": "–".join(v for v in (_cell(row["aqi_low"]), _cell(row["aqi_high"])) if v),
                "primary_pollutant": row["primary_pollutant"],
                "pm25": _cell(row["pm25"]),
                "pm10": _cell(row["pm10"]),
                "so2": _cell(row["so2"]),
                "no2": _cell(row["no2"]),
                "o3": _cell(row["o3"]),
                "co": _cell(row["co"]),
                "dust": _cell(bool(row["dust"])),
                "source": row["source"],
            }
            for row in rows.to_dict("records")
        ],
    )
    summary["areas"].sort(key=lambda a: _AREA_ORDER.get(a["code"], len(_AREA_ORDER)))
    return summary


class ImportListView(RoleRequiredMixin, View):
    """History of imports and the upload form. POST: read the upload and show its preview."""

    allowed_roles = IMPORTERS
    write_roles = IMPORTERS
    template_name = "forecasts/import_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def _render(self, request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
        paginator = Paginator(selectors.imports().prefetch_related("evaluations"), 50)
        page = paginator.get_page(request.GET.get("page"))
        for item in page.object_list:
            evaluations = sorted(item.evaluations.all(), key=lambda e: e.pk)
            item.last_evaluation = evaluations[-1] if evaluations else None
        return render(
            request,
            self.template_name,
            {
                "page": page,
                "upload_error": error,
                "max_bytes": settings.FORECAST_MAX_UPLOAD_BYTES,
                "max_text": _size_text(settings.FORECAST_MAX_UPLOAD_BYTES),
            },
            status=status,
        )

    def _refuse(self, request: HttpRequest, message: str, status: int) -> HttpResponse:
        if _is_xhr(request):
            return JsonResponse({"error": message}, status=status)
        return self._render(request, error=message, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        limit = settings.FORECAST_MAX_UPLOAD_BYTES
        too_large = _("文件过大：上限为 %(limit)s。") % {"limit": _size_text(limit)}
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + 64 * 1024:
            return self._refuse(request, too_large, 413)
        upload = request.FILES.get("file")
        if upload is None:
            return self._refuse(request, _("请选择要上传的文件。"), 400)
        if upload.size > limit:
            return self._refuse(request, too_large, 413)
        data = upload.read()
        result = forecast_preview(data=data, name=upload.name)
        STAGE.put(request, {"name": upload.name, "data": data, "summary": preview_summary(result, size=len(data))})
        url = reverse("forecasts:import-preview")
        if _is_xhr(request):
            return JsonResponse({"redirect": url})
        return redirect(url)


class ImportPreviewView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """What the uploaded file will store, every error, and the confirm button (only when the
    file has no error and was not imported before). POST confirms or cancels; a file refused
    at confirmation is said on the preview."""

    allowed_roles = IMPORTERS
    write_roles = IMPORTERS
    template_name = "forecasts/import_preview.html"
    domain_error_redirect = "forecasts:import-preview"

    def _expired(self, request: HttpRequest) -> HttpResponse:
        messages.warning(request, _("没有待确认的上传文件，或预览已过期，请重新上传。"))
        return redirect("forecasts:imports")

    def get(self, request: HttpRequest) -> HttpResponse:
        staged = STAGE.get(request)
        if staged is None:
            return self._expired(request)
        summary = staged["summary"]
        earlier = earlier_import(sha256=summary["sha256"])
        return render(
            request,
            self.template_name,
            {"summary": summary, "earlier": earlier, "can_confirm": not summary["errors"] and earlier is None},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        staged = STAGE.get(request)
        if staged is None:
            return self._expired(request)
        if request.POST.get("action") == "cancel":
            STAGE.discard(request)
            messages.info(request, _("已取消，未导入任何数据。"))
            return redirect("forecasts:imports")
        outcome = forecast_import(
            data=staged["data"], name=staged["name"], channel=ForecastImport.Channel.PAGE, actor=request.user
        )
        STAGE.discard(request)
        record = outcome.import_
        if outcome.duplicate:
            messages.warning(
                request,
                _("该文件与 %(when)s 导入的「%(name)s」（导入编号 %(id)s）内容相同，未重复导入。")
                % {"when": f"{record.created_at:%Y-%m-%d %H:%M}", "name": record.file_name, "id": record.pk},
            )
        else:
            messages.success(
                request,
                _("已导入「%(name)s」：文件 %(rows)s 行，新存入 %(stored)s 行。正在按预警规则评估。")
                % {"name": record.file_name, "rows": outcome.row_count, "stored": outcome.stored_count},
            )
        return redirect("forecasts:import-detail", pk=record.pk)


class ImportDetailView(RoleRequiredMixin, View):
    """One import: counts, and the evaluation it triggered (level, recommendation, reasons)."""

    allowed_roles = IMPORTERS
    template_name = "forecasts/import_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(
            ForecastImport.objects.select_related("uploaded_by", "replay").prefetch_related("evaluations"), pk=pk
        )
        evaluations = sorted(record.evaluations.all(), key=lambda e: e.pk)
        evaluation = evaluations[-1] if evaluations else None
        area = CITY_CODE if CITY_CODE in record.area_codes or not record.area_codes else record.area_codes[0]
        context = {
            "record": record,
            "evaluation": evaluation,
            "area_names": [_AREA_NAMES.get(code, code) for code in record.area_codes],
            "kind_names": [_KIND_NAMES.get(kind, kind) for kind in record.kinds],
            "skipped": record.row_count - record.stored_count,
            "forecast_url": f"{reverse('forecasts:page')}?area={area}",
        }
        if evaluation is not None:
            proposed = evaluation.result.get("proposed_level") or evaluation.level
            context.update(
                level_name=LEVEL_NAMES.get(evaluation.level, evaluation.level),
                proposed_name=LEVEL_NAMES.get(proposed, proposed),
                recommendation_name=RECOMMENDATION_NAMES.get(evaluation.recommendation, evaluation.recommendation),
                reasons=evaluation.result.get("reasons", []),
            )
        return render(request, self.template_name, context)
