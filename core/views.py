from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import OFFICE_AND_ADMIN, PUBLIC, STAFF
from command.models import Area, Expert, MemberUnit, WorkingGroup

from .models import Heartbeat


def system_status() -> dict:
    status: dict = {"time": timezone.now().isoformat()}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports, it does not raise
        status["database"] = f"error: {exc.__class__.__name__}"
    try:
        key = f"healthz:{uuid.uuid4().hex}"
        cache.set(key, 1, 5)
        status["cache"] = "ok" if cache.get(key) == 1 else "error"
    except Exception as exc:  # noqa: BLE001
        status["cache"] = f"error: {exc.__class__.__name__}"
    beat = Heartbeat.objects.filter(name="heartbeat").first() if status["database"] == "ok" else None
    status["heartbeat"] = beat.last_seen.isoformat() if beat else None
    status["ok"] = status["database"] == "ok" and status["cache"] == "ok"
    return status


class HealthView(RoleRequiredMixin, View):
    """Liveness for the load balancer and docker-compose: database, cache, last beat."""

    allowed_roles = PUBLIC

    def get(self, request):
        status = system_status()
        return JsonResponse(status, status=200 if status["ok"] else 503)


class HomeView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "core/home.html"

    def handle_no_permission(self):
        # "/" for the public is the public warning page; staff sign in from there or /accounts/login/.
        if not self.request.user.is_authenticated:
            return redirect("public")
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["counts"] = {
            "units": MemberUnit.objects.filter(active=True).count(),
            "groups": WorkingGroup.objects.count(),
            "experts": Expert.objects.count(),
            "areas": Area.objects.exclude(kind=Area.Kind.CITY).count(),
        }
        return ctx


class SystemView(RoleRequiredMixin, TemplateView):
    """Operations status for the office and administrators, with a live worker round trip."""

    allowed_roles = OFFICE_AND_ADMIN
    template_name = "core/system.html"

    def get_context_data(self, **kwargs):
        from django.conf import settings

        from .tasks import ping

        ctx = super().get_context_data(**kwargs)
        ctx["status"] = system_status()
        ctx["eager"] = settings.CELERY_TASK_ALWAYS_EAGER
        token = uuid.uuid4().hex
        try:
            result = ping.delay(token).get(timeout=3)
            ctx["worker"] = result if result.get("token") == token else None
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            ctx["worker_error"] = exc.__class__.__name__
        return ctx
