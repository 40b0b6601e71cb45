"""The upkeep API, where the office automates: the training register (list, create), the
improvement suggestions (list, record, accept, reject, done) and the revision clock (read).
Refusals are the domain errors' {detail, code} (core.api.exception_handler)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.models import ResponseSummary
from upkeep import selectors, services
from upkeep.access import OFFICE, READERS, TRAINING_READERS, TRAINING_WRITERS
from upkeep.models import Suggestion

from . import serializers


class TrainingListView(APIView):
    """预案培训 (§9.1.2): the trainings the caller may see (a member unit: its own), newest first;
    POST enters one (a member unit: only its own, whatever ``unit`` says)."""

    allowed_roles = TRAINING_READERS
    write_roles = TRAINING_WRITERS

    @extend_schema(
        responses=serializers.TrainingSerializer(many=True), parameters=[OpenApiParameter("year", int, required=False)]
    )
    def get(self, request):
        rows = selectors.trainings_for(request.user)
        year = request.query_params.get("year", "")
        if year.isdigit() and 1 <= int(year) <= 9999:  # a date's year; anything else filters nothing
            rows = rows.filter(held_on__year=int(year))
        return Response(serializers.TrainingSerializer(rows[:500], many=True).data)

    @extend_schema(request=serializers.TrainingSerializer, responses={201: serializers.TrainingSerializer})
    def post(self, request):
        body = serializers.TrainingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        training = services.training_create(
            actor=request.user, unit=data.pop("unit", None), attendee_units=data.pop("attendee_units", []), **data
        )
        return Response(
            serializers.TrainingSerializer(selectors.trainings_for(request.user).get(pk=training.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class SuggestionListView(APIView):
    """改进建议 (§6): the open ones (awaiting a decision or being carried out), or ?status=all;
    POST records one for the summary of a warning."""

    allowed_roles = READERS
    write_roles = OFFICE

    @extend_schema(
        responses=serializers.SuggestionSerializer(many=True),
        parameters=[OpenApiParameter("status", str, required=False, enum=["open", "all"])],
    )
    def get(self, request):
        rows = selectors.suggestions() if request.query_params.get("status") == "all" else selectors.open_suggestions()
        return Response(serializers.SuggestionSerializer(rows[:500], many=True).data)

    @extend_schema(request=serializers.SuggestionCreateSerializer, responses={201: serializers.SuggestionSerializer})
    def post(self, request):
        body = serializers.SuggestionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        summary = ResponseSummary.objects.filter(warning_id=body.validated_data["warning"]).first()
        suggestion = services.suggestion_record(
            actor=request.user,
            summary_id=summary.pk if summary else 0,
            text=body.validated_data["text"],
            unit=body.validated_data["unit"],
        )
        return Response(
            serializers.SuggestionSerializer(selectors.suggestions().get(pk=suggestion.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class _SuggestionStep(APIView):
    allowed_roles = OFFICE
    body_class = serializers.SuggestionAcceptSerializer

    def post(self, request, pk: int):
        get_object_or_404(Suggestion, pk=pk)
        body = self.body_class(data=request.data)
        body.is_valid(raise_exception=True)
        self.step(request, pk, body.validated_data)
        return Response(serializers.SuggestionSerializer(selectors.suggestions().get(pk=pk)).data)


class SuggestionAcceptView(_SuggestionStep):
    """Accept (open → accepted); 409 when it was decided already."""

    @extend_schema(request=serializers.SuggestionAcceptSerializer, responses=serializers.SuggestionSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def step(self, request, pk, data):
        services.suggestion_accept(actor=request.user, suggestion_id=pk, note=data["note"])


class SuggestionRejectView(_SuggestionStep):
    """Reject with the reason (open → rejected); 409 when it was decided already."""

    body_class = serializers.SuggestionRejectSerializer

    @extend_schema(request=serializers.SuggestionRejectSerializer, responses=serializers.SuggestionSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def step(self, request, pk, data):
        services.suggestion_reject(actor=request.user, suggestion_id=pk, reason=data["reason"])


class SuggestionDoneView(_SuggestionStep):
    """Carried out on a date (accepted → done); 409 unless accepted."""

    body_class = serializers.SuggestionDoneSerializer

    @extend_schema(request=serializers.SuggestionDoneSerializer, responses=serializers.SuggestionSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def step(self, request, pk, data):
        services.suggestion_done(actor=request.user, suggestion_id=pk, done_on=data["done_on"], note=data["note"])


class RevisionClockView(APIView):
    """预案修订时限 (§9.1.4): the edition in force and the date the next revision is due."""

    allowed_roles = READERS

    @extend_schema(responses=serializers.RevisionClockSerializer)
    def get(self, request):
        plan = selectors.plan_status()
        clock = plan.clock
        return Response(
            {
                "edition_number": plan.edition.number,
                "issued_on": clock.issued_on,
                "regular_due": clock.regular_due,
                "due": clock.due,
                "by_trigger": clock.by_trigger,
                "days_left": clock.days_left,
                "state": clock.state,
                "open_triggers": [
                    {"id": t.pk, "kind": t.kind, "occurred_on": t.occurred_on.isoformat(), "note": t.note}
                    for t in plan.open_triggers
                ],
                "open_suggestions": plan.open_suggestions,
            }
        )
