from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
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
