"""The dashboard (首页, /) with its panels refreshed by htmx from ``/?panel=<name>``, and the year's
air quality with the warnings (/charts/aqi-year/)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import STAFF

from . import charts, panels


class HomeView(RoleRequiredMixin, TemplateView):
    """首页 · the dashboard: panels chosen by role (dashboard/panels.py), each one refreshed in place
    by htmx from this same route (``/?panel=<name>``), rendered from its template partial."""

    allowed_roles = STAFF
    template_name = "dashboard/home.html"

    def handle_no_permission(self):
        # "/" for the public is the public warning page; staff sign in from there or /accounts/login/.
        if not self.request.user.is_authenticated:
            return redirect("public")
        return super().handle_no_permission()

    def get(self, request, *args, **kwargs):
        name = request.GET.get("panel")
        if name is None:
            return super().get(request, *args, **kwargs)
        panel = panels.PANELS.get(name)
        if panel is None:
            raise Http404("没有这个面板。")
        if request.user.role not in panel.roles:
            raise PermissionDenied("您的角色不能查看这个面板。")
        context = {"partial_request": True, **panel.load(request.user)}
        return render(request, f"dashboard/_panels.html#{name}", context)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        names = panels.layout_for(self.request.user.role)
        for name in names:
            ctx.update(panels.PANELS[name].load(self.request.user))
        ctx["panels"] = names
        return ctx


class AqiYearView(RoleRequiredMixin, TemplateView):
    """年度空气质量与预警: the city's daily AQI over a chosen year, every warning's active period
    shaded in its level's colour, and the AQI 100/150/200/300 lines (dashboard/charts.py)."""

    allowed_roles = STAFF
    template_name = "dashboard/aqi_year.html"

    def get_context_data(self, **kwargs):
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
