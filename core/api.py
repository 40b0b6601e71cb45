"""API errors: every refusal and validation error has a readable `detail` (Chinese) and, for
validation, the field-by-field structure DRF gives; a refusal of a service (a DomainError) also
its `code` and its own HTTP status."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(exc.as_dict(), status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": "提交的数据有误，请按字段修正。", "errors": response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": "提交的数据有误。", "errors": response.data}
    return response
