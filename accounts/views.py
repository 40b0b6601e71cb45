from __future__ import annotations

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from audit.services import audit_record

from . import twofactor
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


class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password; for the office and the leaders (when the second factor is on) also
    the six-digit code of their authenticator app, in `otp`."""

    otp = serializers.CharField(label=_("动态口令"), required=False, allow_blank=True, max_length=12, write_only=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if twofactor.role_needs_second_factor(user):
            code = twofactor.normalise_code(attrs.get("otp"))
            if not code:
                raise serializers.ValidationError({"otp": [_("该角色需要动态口令：请在 otp 字段填写验证器上的 6 位数字。")]},
                                                  code="otp_required")
            result, _device = twofactor.verify_device_code(user, code, channel="api")
            if result == twofactor.VerifyResult.NO_DEVICE:
                raise serializers.ValidationError({"otp": [_("尚未绑定动态口令：请先在网页上登录并完成绑定。")]},
                                                  code="otp_not_enrolled")
            if result in (twofactor.VerifyResult.THROTTLED, twofactor.VerifyResult.LOCKED):
                raise serializers.ValidationError({"otp": [_("动态口令尝试过于频繁，请稍后再试。")]}, code="otp_throttled")
            if result != twofactor.VerifyResult.OK:
                raise serializers.ValidationError({"otp": [_("动态口令不正确。")]}, code="otp_invalid")
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


@method_decorator(sensitive_post_parameters("password", "otp"), name="dispatch")
class TokenView(ObtainAuthToken):
    """POST username and password (and `otp` for roles with the second factor) → {"token": ...};
    repeated failures lock the account (django-axes), wrong codes are throttled (django-otp)."""

    allowed_roles = PUBLIC
    throttle_classes = [TokenThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        audit_record(actor=user, action="auth.token.issued", target=user)
        return Response({"token": token.key})


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
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class OtpCodeForm(forms.Form):
    code = forms.CharField(label=_("动态口令"), max_length=12, min_length=6,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))

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
            next=_safe_next(self.request), qr_svg=mark_safe(twofactor.qr_svg(uri)),  # noqa: S308 - segno's own SVG
            secret=twofactor.base32_secret(key), issuer=settings.OTP_TOTP_ISSUER, **kwargs)
