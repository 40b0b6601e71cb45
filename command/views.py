from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import STAFF

from . import selectors


class OverviewView(RoleRequiredMixin, TemplateView):
    """The command structure at a glance (指挥体系)."""

    allowed_roles = STAFF
    template_name = "command/overview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        units = selectors.units_list()
        if query:
            units = units.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(duties__icontains=query))
        ctx.update(
            bodies=selectors.bodies_list(),
            units=units,
            query=query,
            groups=selectors.groups_list(),
            experts=selectors.experts_list(),
            areas=selectors.areas_list(),
        )
        return ctx


class UnitDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "command/unit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit = get_object_or_404(selectors.units_list().prefetch_related("groups", "led_groups"), slug=kwargs["slug"])
        ctx["unit"] = unit
        return ctx


class GroupDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "command/group_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["group"] = get_object_or_404(selectors.groups_list(), slug=kwargs["slug"])
        return ctx
