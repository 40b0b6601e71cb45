from __future__ import annotations

import uuid

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import OFFICE_AND_ADMIN, PUBLIC, STAFF

from . import dashboard
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
    """Liveness for the load balancer and docker-compose: database, cache, last beat. Anyone gets
    the bare status ({"ok": …}, 200 or 503); the details go to signed-in staff, or to anyone on
    the embedded default (settings.PUBLIC_DIAGNOSTICS)."""

    allowed_roles = PUBLIC

    def get(self, request):
        from django.conf import settings

        status = system_status()
        code = 200 if status["ok"] else 503
        if settings.PUBLIC_DIAGNOSTICS or (request.user.is_authenticated and request.user.role in STAFF):
            return JsonResponse(status, status=code)
        return JsonResponse({"ok": status["ok"]}, status=code)


class HomeView(RoleRequiredMixin, TemplateView):
    """首页 · the dashboard: panels chosen by role (core/dashboard.py), each one refreshed in place
    by htmx from this same route (``/?panel=<name>``), rendered from its template partial."""

    allowed_roles = STAFF
    template_name = "core/home.html"

    def handle_no_permission(self):
        # "/" for the public is the public warning page; staff sign in from there or /accounts/login/.
        if not self.request.user.is_authenticated:
            return redirect("public")
        return super().handle_no_permission()

    def get(self, request, *args, **kwargs):
        name = request.GET.get("panel")
        if name is None:
            return super().get(request, *args, **kwargs)
        panel = dashboard.PANELS.get(name)
        if panel is None:
            raise Http404("没有这个面板。")
        if request.user.role not in panel.roles:
            raise PermissionDenied("您的角色不能查看这个面板。")
        context = {"partial_request": True, **panel.load(request.user)}
        return render(request, f"core/_panels.html#{name}", context)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        names = dashboard.layout_for(self.request.user.role)
        for name in names:
            ctx.update(dashboard.PANELS[name].load(self.request.user))
        ctx["panels"] = names
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


class AqiYearView(RoleRequiredMixin, TemplateView):
    """年度空气质量与预警: the city's daily AQI over a chosen year, every warning's active period
    shaded in its level's colour, and the AQI 100/150/200/300 lines (core/charts.py)."""

    allowed_roles = STAFF
    template_name = "core/aqi_year.html"

    def get_context_data(self, **kwargs):
        from . import charts

        ctx = super().get_context_data(**kwargs)
        years = charts.years_with_data()
        wanted = self.request.GET.get("year", "")
        error = ""
        if wanted:
            if wanted.isdigit() and 1900 < int(wanted) < 2200:
                year = int(wanted)
            else:
                error = _("年份应为四位数字，例如 2016。")
                year = years[0] if years else timezone.localdate().year
        else:
            year = years[0] if years else timezone.localdate().year
        chart = charts.year_chart(year)
        ctx.update(year=year, years=years, chart=chart, error=error)
        return ctx


class LanguageView(RoleRequiredMixin, View):
    """切换语言 by a plain link, for the pages that cannot carry the CSRF-protected form of
    /i18n/setlang/: the public page (cached and shared by everyone, so nothing per-person may be
    in it) and the print pages. It only sets the language cookie — no session, no data — and
    returns to ``next`` when that is a path of this site."""

    allowed_roles = PUBLIC

    def get(self, request):
        from django.conf import settings
        from django.http import HttpResponseBadRequest, HttpResponseRedirect
        from django.utils.http import url_has_allowed_host_and_scheme

        language = request.GET.get("language", "")
        if language not in dict(settings.LANGUAGES):
            return HttpResponseBadRequest("不支持的语言。".encode())
        target = request.GET.get("next", "/")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            target = "/"
        response = HttpResponseRedirect(target)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language,
            max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
