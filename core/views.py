"""The ground floor's pages: the health check (/healthz/), the system status (/system/) and the
language switch by link (/language/). The dashboard at / is dashboard/views.py."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import OFFICE_AND_ADMIN, PUBLIC, STAFF

from .models import Heartbeat
from .tasks import ping


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
    """Liveness for the load balancer and docker-compose: database, cache, last beat. Anyone gets
    the bare status ({"ok": …}, 200 or 503); the details go to signed-in staff, or to anyone on
    the embedded default (settings.PUBLIC_DIAGNOSTICS)."""

    allowed_roles = PUBLIC

    def get(self, request):
        status = system_status()
        code = 200 if status["ok"] else 503
        if settings.PUBLIC_DIAGNOSTICS or (request.user.is_authenticated and request.user.role in STAFF):
            return JsonResponse(status, status=code)
        return JsonResponse({"ok": status["ok"]}, status=code)


class SystemView(RoleRequiredMixin, TemplateView):
    """Operations status for the office and administrators, with a live worker round trip."""

    allowed_roles = OFFICE_AND_ADMIN
    template_name = "core/system.html"

    def get_context_data(self, **kwargs):
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


class LanguageView(RoleRequiredMixin, View):
    """切换语言 by a plain link, for the pages that cannot carry the CSRF-protected form of
    /i18n/setlang/: the public page (cached and shared by everyone, so nothing per-person may be
    in it) and the print pages. It only sets the language cookie — no session, no data — and
    returns to ``next`` when that is a path of this site."""

    allowed_roles = PUBLIC

    def get(self, request):
        language = request.GET.get("language", "")
        if language not in dict(settings.LANGUAGES):
            return HttpResponseBadRequest("不支持的语言。".encode())
        target = request.GET.get("next", "/")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        response = HttpResponseRedirect(target)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
