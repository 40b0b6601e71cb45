"""Request-size limits, checked on the declared Content-Length before Django reads the body.

Each upload route has its own ceiling (its per-file limit × the number of files it accepts, plus
room for the form fields); every other route takes at most DATA_UPLOAD_MAX_MEMORY_SIZE. Over the
ceiling: 413 with a Chinese message (JSON for the API, a page otherwise), nothing parsed or stored.
The per-file limits themselves are checked again by each form and service on the parsed files."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from measures.forms import MAX_UPLOAD_BYTES

FORM_FIELDS_SLACK = 256 * 1024


def _forecast() -> int:
    return settings.FORECAST_MAX_UPLOAD_BYTES


def _enterprises() -> int:
    return MAX_UPLOAD_BYTES


def _attachments() -> int:
    return settings.RESPONSE_ATTACHMENT_MAX_BYTES * 5  # response.api.serializers: at most 5 attachments


def _photos() -> int:
    return settings.SUPERVISION_PHOTO_MAX_BYTES * 10  # supervision.api.serializers: at most 10 photos


# Route name → the largest file content the route accepts in one request.
UPLOAD_ROUTES = {
    "forecasts:imports": _forecast,
    "forecasts:import-preview": _forecast,
    "forecast-imports": _forecast,
    "forecast-evaluate": lambda: _forecast() * 10,
    "measures:enterprises": _enterprises,  # the upload (preview) step
    "measures:enterprise-import": _enterprises,
    "response:report-new": _attachments,
    "api-daily-reports": _attachments,
    "supervision:inspection-new": _photos,
    "supervision:inspection-edit": _photos,
    "supervision:inspection-follow-up": _photos,
    "api-inspections": _photos,
    "api-inspection": _photos,
}


def request_limit(path: str) -> int:
    try:
        match = resolve(path)
    except Resolver404:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    limit = UPLOAD_ROUTES.get(match.view_name)
    return limit() + FORM_FIELDS_SLACK if limit else settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FORM_FIELDS_SLACK


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared:
            limit = request_limit(request.path_info)
            if declared > limit:
                text = _("提交的内容过大（%(size)s），此处上限为 %(limit)s，未予接收。请压缩或拆分文件后重新提交。") % {
                    "size": size_text(declared),
                    "limit": size_text(limit),
                }
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": text, "code": "too_large", "limit_bytes": limit}, status=413)
                return render(request, "accounts/too_large.html", {"message": text}, status=413)
        return self.get_response(request)
