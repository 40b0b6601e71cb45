"""The advisories API: the office automates the ozone prompt (list, confirm, end), the counties
their SO2 tasks (list, acknowledge, answer); the prompt in force for the public. Refusals are the
domain errors' {detail, code} (core.api.exception_handler)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import PUBLIC
from advisories import selectors, services
from advisories.access import COUNTY_USERS, OFFICE, READERS
from advisories.public import public_ozone_payload

from . import serializers


class OzonePromptListView(APIView):
    """The ozone prompts (臭氧预警提示), newest first, with their orders."""

    allowed_roles = READERS

    @extend_schema(responses=serializers.OzonePromptSerializer(many=True))
    def get(self, request):
        return Response(serializers.OzonePromptSerializer(selectors.prompts()[:100], many=True).data)


class OzonePromptConfirmView(APIView):
    """The office confirms the prompt: published, §5.3.4 orders issued (409 when not consulting)."""

    allowed_roles = OFFICE

    @extend_schema(request=serializers.ConfirmSerializer, responses=serializers.OzonePromptSerializer)
    def post(self, request, pk: int):
        get_object_or_404(selectors.prompts(), pk=pk)
        body = serializers.ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.ozone_prompt_confirm(actor=request.user, prompt_id=pk, text=body.validated_data["text"])
        return Response(serializers.OzonePromptSerializer(selectors.prompts().get(pk=pk)).data)


class OzonePromptEndView(APIView):
    """The office ends the prompt; its orders close (409 when it has ended)."""

    allowed_roles = OFFICE

    @extend_schema(request=serializers.EndSerializer, responses=serializers.OzonePromptSerializer)
    def post(self, request, pk: int):
        get_object_or_404(selectors.prompts(), pk=pk)
        body = serializers.EndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.ozone_prompt_end(actor=request.user, prompt_id=pk, note=body.validated_data["note"])
        return Response(serializers.OzonePromptSerializer(selectors.prompts().get(pk=pk)).data)


class So2TaskListView(APIView):
    """The SO2 tasks the caller may see (a county: its own area's), newest first."""

    allowed_roles = READERS

    @extend_schema(responses=serializers.So2TaskSerializer(many=True))
    def get(self, request):
        return Response(serializers.So2TaskSerializer(selectors.so2_tasks_for(request.user)[:500], many=True).data)


class _CountyTaskView(APIView):
    allowed_roles = COUNTY_USERS

    def _task(self, request, pk: int):
        return get_object_or_404(selectors.so2_tasks_for(request.user), pk=pk)


class So2TaskAcknowledgeView(_CountyTaskView):
    @extend_schema(request=None, responses=serializers.So2TaskSerializer)
    def post(self, request, pk: int):
        self._task(request, pk)
        services.so2_task_acknowledge(actor=request.user, task_id=pk)
        return Response(serializers.So2TaskSerializer(self._task(request, pk)).data)


class So2TaskAnswerView(_CountyTaskView):
    @extend_schema(request=serializers.AnswerSerializer, responses=serializers.So2TaskSerializer)
    def post(self, request, pk: int):
        self._task(request, pk)
        body = serializers.AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.so2_task_answer(actor=request.user, task_id=pk, answer=body.validated_data["answer"])
        return Response(serializers.So2TaskSerializer(self._task(request, pk)).data)


class PublicOzonePromptView(APIView):
    """The 臭氧预警提示 in force for the public (no login), or {"in_force": false}."""

    allowed_roles = PUBLIC
    authentication_classes: list = []

    @extend_schema(responses=serializers.PublicOzonePromptSerializer)
    def get(self, request):
        return Response(public_ozone_payload())
