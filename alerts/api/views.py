"""The warnings API of interfaces.md §4."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.reauth import ReauthenticationError, signer_reauthenticate
from accounts.roles import LEADERS, PUBLIC, STAFF, Role
from alerts import selectors, services
from alerts.models import ApprovalForm, Warning
from forecasts.models import Evaluation
from publication.public import public_warning_payload

from . import serializers

OFFICE = frozenset({Role.OFFICE})


def _refusal_body(exc: services.WarningError) -> dict:
    """{"detail": the Chinese message}; a submit refused for missing §11 fields also names them
    (``missing``: field names of the form, e.g. ["primary_pollutant", "weather_trend"])."""
    body = {"detail": str(exc)}
    if isinstance(exc, services.MissingContentError):
        body["missing"] = exc.missing
    return body


def _refusal(exc: services.WarningError) -> Response:
    code = status.HTTP_403_FORBIDDEN if isinstance(exc, services.NotYourDecisionError) else status.HTTP_409_CONFLICT
    return Response(_refusal_body(exc), status=code)


class WarningListView(APIView):
    """GET: warnings with status, level, approver role and timeline. POST (office): file the
    approval form (附件5) and route it to the right approver."""

    allowed_roles = STAFF
    write_roles = OFFICE

    @extend_schema(responses=serializers.WarningSerializer(many=True))
    def get(self, request):
        warnings = selectors.warnings_list()
        if request.query_params.get("status"):
            warnings = warnings.filter(status=request.query_params["status"])
        return Response(serializers.WarningSerializer(warnings, many=True).data)

    @extend_schema(request=serializers.WarningCreateSerializer, responses={201: serializers.WarningSerializer})
    def post(self, request):
        data = serializers.WarningCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        evaluation = None
        if v.get("evaluation"):
            evaluation = get_object_or_404(Evaluation, pk=v["evaluation"])
        effective_at = v.get("start") or timezone.now()
        content = {name: v[name] for name in services.CONTENT_FIELDS}
        try:
            # One transaction: a submit refused (e.g. §11 fields missing) leaves no draft behind.
            with transaction.atomic():
                form = services.form_draft(
                    actor=request.user,
                    action=v["action"],
                    level=v.get("level"),
                    basis=v["basis"],
                    content=v["content"] or v["basis"],
                    public_message=v["public_message"],
                    department_opinion=v["department_opinion"],
                    effective_at=effective_at,
                    episode_end=v.get("end"),
                    provincial_notice=v.get("provincial_notice"),
                    provincial_consent=v["provincial_consent"],
                    evaluation=evaluation,
                    episode_start=v.get("pollution_start") or effective_at,
                    **content,
                )
                if v["submit"]:
                    form = services.form_submit(actor=request.user, form_id=form.pk)
        except services.WarningError as exc:
            return Response(_refusal_body(exc), status=status.HTTP_400_BAD_REQUEST)
        warning = selectors.warnings_list().get(pk=form.warning_id)
        return Response(serializers.WarningSerializer(warning).data, status=status.HTTP_201_CREATED)


class WarningDetailView(APIView):
    allowed_roles = STAFF

    @extend_schema(responses=serializers.WarningSerializer)
    def get(self, request, pk: int):
        warning = get_object_or_404(selectors.warnings_list(), pk=pk)
        return Response(serializers.WarningSerializer(warning).data)


def _submitted_form(warning_id: int) -> ApprovalForm | None:
    return ApprovalForm.objects.filter(warning_id=warning_id, status=ApprovalForm.Status.SUBMITTED).first()


def _reauth_refusal(exc: ReauthenticationError) -> Response:
    return Response(exc.as_dict(), status=exc.status)


class _SigningView(APIView):
    """One signing step of the routed approver on the warning's submitted form: the body's
    serializer, the signer's re-authentication in the same request (accounts/reauth.py), then the
    service (:meth:`decide`)."""

    allowed_roles = LEADERS
    body_serializer: type = serializers.ApproveSerializer
    purpose = ""

    def decide(self, request, form, reauth, data) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        warning = get_object_or_404(Warning, pk=pk)
        body = self.body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = _submitted_form(warning.pk)
        if form is None:
            return Response({"detail": "该预警没有待审批的审批表。"}, status=status.HTTP_409_CONFLICT)
        try:
            reauth = signer_reauthenticate(
                request,
                password=body.validated_data["password"],
                otp=body.validated_data["otp"],
                purpose=self.purpose,
                target=form,
            )
        except ReauthenticationError as exc:
            return _reauth_refusal(exc)
        try:
            self.decide(request, form, reauth, body.validated_data)
        except services.WarningError as exc:
            return _refusal(exc)
        return Response(serializers.WarningSerializer(selectors.warnings_list().get(pk=pk)).data)


class WarningApproveView(_SigningView):
    """The routed approver signs the warning's submitted form (签发; issue, upgrade, downgrade and
    lift alike); approval publishes. The body carries the signer's `password` and, where the second
    factor is required, a fresh `otp`, whatever authenticated the call (token or session): without
    them 403, counted by the lockout and audited (accounts/reauth.py)."""

    body_serializer = serializers.ApproveSerializer
    purpose = "alerts.form.approve"

    @extend_schema(request=serializers.ApproveSerializer, responses=serializers.WarningSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, request, form, reauth, data) -> None:
        services.form_approve(actor=request.user, form_id=form.pk, reauth=reauth, opinion=data["comment"])


class WarningRejectView(_SigningView):
    """The routed approver sends the submitted form back (退回) with a comment; like signing, with
    the signer's `password` (and `otp` where required) in the body."""

    body_serializer = serializers.RejectSerializer
    purpose = "alerts.form.reject"

    @extend_schema(request=serializers.RejectSerializer, responses=serializers.WarningSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, request, form, reauth, data) -> None:
        services.form_reject(actor=request.user, form_id=form.pk, comment=data["comment"], reauth=reauth)


class PublicWarningView(APIView):
    """The warning in force (level, response level, since, measures summary, health advice), or
    {"level": "none"}. No login."""

    allowed_roles = PUBLIC
    authentication_classes: list = []

    @extend_schema(responses=serializers.PublicWarningSerializer)
    def get(self, request):
        return Response(public_warning_payload())
