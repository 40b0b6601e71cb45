from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import STAFF, Role
from core.views_mixins import DomainErrorMessageMixin

from ..models import Replay
from ..replays import replay_start, replay_stop

DRILL_WRITERS = frozenset({Role.OFFICE, Role.FORECASTER, Role.ADMIN})
BUILT_IN = settings.BASE_DIR.parent / "shared" / "data" / "yangquan-daily-2013-2017.csv"


class ReplayListView(RoleRequiredMixin, DomainErrorMessageMixin, TemplateView):
    """Replays for drills and demos; office and forecasters start and stop them. A replay that
    cannot start (ReplayError, a refused file) is said on this page."""

    allowed_roles = STAFF
    write_roles = DRILL_WRITERS
    template_name = "forecasts/replays.html"
    domain_error_redirect = "forecasts:replays"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["replays"] = Replay.objects.select_related("created_by")[:50]
        ctx["built_in"] = BUILT_IN if BUILT_IN.is_file() else None
        ctx["can_start"] = self.request.user.role in DRILL_WRITERS
        return ctx

    def post(self, request):
        try:
            start = dt.date.fromisoformat(request.POST.get("start", ""))
            end = dt.date.fromisoformat(request.POST.get("end", ""))
        except ValueError:
            messages.error(request, "请按 YYYY-MM-DD 填写起止日期。")
            return redirect("forecasts:replays")
        try:
            speed = float(request.POST.get("speed") or 0)
        except ValueError:
            speed = 0.0
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # Embedded default: no worker; the steps run now (speed is ignored in-process).
            speed = 0.0
        replay = replay_start(
            path=str(BUILT_IN),
            start=start,
            end=end,
            step=request.POST.get("step", "day"),
            seconds_per_step=speed,
            actor=request.user,
            advance=True,
        )
        return redirect("forecasts:replay", pk=replay.pk)


class ReplayDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "forecasts/replay_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        replay = get_object_or_404(Replay, pk=kwargs["pk"])
        ctx["replay"] = replay
        ctx["evaluations"] = replay.evaluations.order_by("now", "id")
        ctx["running"] = replay.status == Replay.Status.RUNNING
        return ctx


class ReplayStopView(RoleRequiredMixin, View):
    allowed_roles = DRILL_WRITERS
    http_method_names = ["post"]

    def post(self, request, pk: int):
        replay_stop(replay_id=pk, actor=request.user)
        return redirect("forecasts:replay", pk=pk)
