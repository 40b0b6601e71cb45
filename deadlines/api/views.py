"""The deadlines API: what the office automates of the plan's clocks (warning-rules.md §9)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from deadlines import services
from deadlines.access import NOTICE_CLOSERS

from . import serializers


class NoticeCloseView(APIView):
    """POST (the office): close a provincial or regional notice's 1-hour form clock without a form,
    with the reason, when the city already responds at or above the notice's level (§9). Answers
    the clock, met; 409 when the city is below the notice or the clock is not open, 400 without a
    reason, 404 for an unknown notice."""

    allowed_roles = NOTICE_CLOSERS
    http_method_names = ["post", "options"]

    @extend_schema(request=serializers.NoticeCloseSerializer, responses=serializers.DeadlineSerializer)
    def post(self, request, pk: int):
        body = serializers.NoticeCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deadline = services.deadline_close_notice(
            actor=request.user, notice_id=pk, reason=body.validated_data["reason"]
        )
        return Response(serializers.DeadlineSerializer(deadline).data)
