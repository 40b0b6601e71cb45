from __future__ import annotations

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from audit.services import audit_record

from . import services, twofactor
from .models import ApiToken
from .permissions import RoleRequiredMixin
from .roles import PUBLIC, STAFF, TWO_FACTOR_ROLES


class LoginView(RoleRequiredMixin, auth_views.LoginView):
    allowed_roles = PUBLIC
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(RoleRequiredMixin, auth_views.LogoutView):
    """POST only (Django 5): a GET never logs anybody out."""

    allowed_roles = PUBLIC
    template_name = "accounts/logged_out.html"


class TokenThrottle(AnonRateThrottle):
    rate = "20/min"


class TokenRequestSerializer(serializers.Serializer):
    """Username and password; for the office, the leaders and the administrator (where the second
    factor is required) also the six-digit code of their authenticator app, in `otp`; `client`
    names the script or app (one live token per user and client: asking again replaces it)."""

    username = serializers.CharField(label=_("用户名"), write_only=True)
    password = serializers.CharField(
        label=_("密码"), style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )
    otp = serializers.CharField(label=_("动态口令"), required=False, allow_blank=True, max_length=12, write_only=True)
    client = serializers.CharField(
        label=_("客户端名称"),
        required=False,
        allow_blank=True,
        max_length=100,
        default=services.DEFAULT_TOKEN_CLIENT,
        write_only=True,
    )

    def validate(self, attrs):
        # Through authenticate with the request, as the login page: failures count for django-axes.
        user = authenticate(request=self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("用户名或密码不正确，或账户已被暂时锁定。"), code="authorization")
        attrs["user"] = user
        if twofactor.role_needs_second_factor(user):
            code = twofactor.normalise_code(attrs.get("otp"))
            if not code:
                raise serializers.ValidationError(
                    {"otp": [_("该角色需要动态口令：请在 otp 字段填写验证器上的 6 位数字。")]}, code="otp_required"
                )
            result, _device = twofactor.verify_device_code(user, code, channel="api")
            if result == twofactor.VerifyResult.NO_DEVICE:
                raise serializers.ValidationError(
                    {"otp": [_("尚未绑定动态口令：请先在网页上登录并完成绑定。")]}, code="otp_not_enrolled"
                )
            if result in (twofactor.VerifyResult.THROTTLED, twofactor.VerifyResult.LOCKED):
                raise serializers.ValidationError(
                    {"otp": [_("动态口令尝试过于频繁，请稍后再试。")]}, code="otp_throttled"
                )
            if result != twofactor.VerifyResult.OK:
                raise serializers.ValidationError({"otp": [_("动态口令不正确。")]}, code="otp_invalid")
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`; shown this once only")
    expires_at = serializers.DateTimeField(help_text="the token is refused (401) from then on")
    client = serializers.CharField()


@method_decorator(sensitive_post_parameters("password", "otp"), name="dispatch")
class TokenView(APIView):
    """POST username and password (and `otp` for roles with the second factor) → {"token": ...,
    "expires_at": ...}; the token ends after API_TOKEN_HOURS. Repeated failures lock the account
    (django-axes), wrong codes are throttled (django-otp)."""

    allowed_roles = PUBLIC
    authentication_classes: list = []
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, key = services.api_token_issue(user=user, client=serializer.validated_data["client"])
        return Response({"token": key, "expires_at": token.expires_at, "client": token.name})


class ApiTokenSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="name")
    live = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField(help_text="the token of this request")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "client",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoke_reason",
            "live",
            "current",
        ]

    def get_live(self, token) -> bool:
        return token.is_live(self.context["now"])

    def get_current(self, token) -> bool:
        in_use = self.context["request"].auth
        return isinstance(in_use, ApiToken) and in_use.pk == token.pk


def _own_tokens(user):
    return ApiToken.objects.filter(user=user)


class TokenListView(APIView):
    """The caller's API tokens (live, expired and revoked), newest first; never the tokens themselves."""

    allowed_roles = STAFF

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request):
        context = {"request": request, "now": timezone.now()}
        return Response(ApiTokenSerializer(_own_tokens(request.user)[:100], many=True, context=context).data)


class TokenDetailView(APIView):
    """GET one of the caller's tokens; DELETE revokes it (撤销) at once, the token of this very
    request included. Another person's token is not found (404)."""

    allowed_roles = STAFF

    @extend_schema(responses=ApiTokenSerializer)
    def get(self, request, pk: int):
        token = get_object_or_404(_own_tokens(request.user), pk=pk)
        return Response(ApiTokenSerializer(token, context={"request": request, "now": timezone.now()}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        token = get_object_or_404(_own_tokens(request.user), pk=pk)
        services.api_token_revoke(actor=request.user, token_id=token.pk, reason="owner")
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenPageView(RoleRequiredMixin, TemplateView):
    """接口令牌: the person's API tokens, each with its client, issue and expiry, last use and a
    revoke button (the tokens themselves are never shown again after issue)."""

    allowed_roles = STAFF
    template_name = "accounts/tokens.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        tokens = list(_own_tokens(self.request.user)[:100])
        for token in tokens:
            token.live = token.is_live(now)
        return super().get_context_data(tokens=tokens, token_hours=settings.API_TOKEN_HOURS, **kwargs)


class TokenRevokeView(RoleRequiredMixin, View):
    """POST: revoke one of my tokens."""

    allowed_roles = STAFF
    http_method_names = ["post"]

    def post(self, request, pk: int):
        token = get_object_or_404(_own_tokens(request.user), pk=pk)
        if token.revoked_at is None:
            services.api_token_revoke(actor=request.user, token_id=token.pk, reason="owner")
            messages.success(
                request, _("令牌「%(client)s」已撤销，使用它的程序需要重新获取令牌。") % {"client": token.name}
            )
        return redirect("accounts:tokens")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    role = serializers.CharField()
    role_label = serializers.CharField()
    unit = serializers.CharField(source="unit.slug", default=None, allow_null=True)
    area = serializers.CharField(source="area.code", default=None, allow_null=True)


class MeView(APIView):
    """Who am I: the caller's username, role, unit and area."""

    allowed_roles = STAFF

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


# --- Second factor (动态口令): the code page and the enrolment page (accounts/twofactor.py). ------


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=12,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        code = twofactor.normalise_code(self.cleaned_data["code"])
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("动态口令是 6 位数字。"))
        return code


def _locked_out(request):
    """Too many wrong codes: end the half-logged-in session; the password is needed again."""
    user = request.user
    audit_record(actor=user, action="auth.otp.locked", target=user)
    logout(request)
    messages.error(request, _("动态口令错误次数过多，已退出登录。请稍后重新登录。"))
    return redirect(settings.LOGIN_URL)


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class OtpVerifyView(RoleRequiredMixin, TemplateView):
    """After the password: the six-digit code of the authenticator app."""

    allowed_roles = TWO_FACTOR_ROLES
    template_name = "accounts/otp_verify.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_verified():
            return redirect(_safe_next(request))
        if twofactor.confirmed_device(request.user) is None:
            return redirect(reverse("accounts:otp-enrol") + "?" + urlencode({"next": _safe_next(request)}))
        return self.render_to_response(self.get_context_data(form=OtpCodeForm()))

    def post(self, request, *args, **kwargs):
        form = OtpCodeForm(request.POST)
        if form.is_valid():
            result, device = twofactor.verify_device_code(request.user, form.cleaned_data["code"], channel="web")
            if result == twofactor.VerifyResult.OK:
                django_otp.login(request, device)
                return redirect(_safe_next(request))
            if result == twofactor.VerifyResult.NO_DEVICE:
                return redirect("accounts:otp-enrol")
            if result == twofactor.VerifyResult.LOCKED:
                return _locked_out(request)
            if result == twofactor.VerifyResult.THROTTLED:
                form.add_error("code", _("尝试过于频繁，请稍等几秒后再输入。"))
            else:
                form.add_error("code", _("动态口令不正确，请查看手机上的验证器后重新输入。"))
        return self.render_to_response(self.get_context_data(form=form), status=200 if not form.errors else 400)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_safe_next(self.request), **kwargs)


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class OtpEnrolView(RoleRequiredMixin, TemplateView):
    """First login of a second-factor role: scan the QR code, confirm with a code."""

    allowed_roles = TWO_FACTOR_ROLES
    template_name = "accounts/otp_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and twofactor.confirmed_device(request.user) is not None:
            # Enrolled already: a second device is added only by an administrator removing the first.
            return redirect(reverse("accounts:otp-verify") + "?" + urlencode({"next": _safe_next(request)}))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=OtpCodeForm()))

    def post(self, request, *args, **kwargs):
        form = OtpCodeForm(request.POST)
        if form.is_valid():
            result, device = twofactor.enrol_confirm(request.user, request.session, form.cleaned_data["code"])
            if result == twofactor.VerifyResult.OK:
                django_otp.login(request, device)
                messages.success(request, _("动态口令已绑定。以后登录时请输入验证器上的 6 位数字。"))
                return redirect(_safe_next(request))
            if result == twofactor.VerifyResult.LOCKED:
                request.session.pop(twofactor.PENDING_KEY_SESSION, None)
                return _locked_out(request)
            form.add_error("code", _("动态口令不正确：请确认已扫描下面的二维码，并输入验证器当前显示的 6 位数字。"))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        key = twofactor.pending_key(self.request.session)
        uri = twofactor.provisioning_uri(self.request.user, key)
        return super().get_context_data(
            next=_safe_next(self.request),
            qr_svg=mark_safe(twofactor.qr_svg(uri)),  # noqa: S308 - segno's own SVG
            secret=twofactor.base32_secret(key),
            issuer=settings.OTP_TOTP_ISSUER,
            **kwargs,
        )
