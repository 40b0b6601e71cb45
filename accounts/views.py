from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .permissions import RoleRequiredMixin
from .roles import PUBLIC, STAFF


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


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class TokenView(ObtainAuthToken):
    """POST username and password → {"token": ...}; repeated failures lock the account (django-axes)."""

    allowed_roles = PUBLIC
    throttle_classes = [TokenThrottle]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        return response


class MeView(APIView):
    """Who am I: the caller's username, role, unit and area."""

    allowed_roles = STAFF

    def get(self, request):
        user = request.user
        return Response(
            {
                "username": user.username,
                "name": user.get_full_name(),
                "role": user.role,
                "role_label": str(user.role_label),
                "unit": user.unit.slug if user.unit_id else None,
                "area": user.area.code if user.area_id else None,
            }
        )
