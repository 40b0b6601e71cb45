"""The deadlines board (时限): every open clock with its due time and a live countdown."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin

from . import selectors
from .access import DEADLINE_READERS


class DeadlineListView(RoleRequiredMixin, TemplateView):
    """时限: every open clock with its due time and a live countdown (overdue in red); those met
    or cancelled recently, collapsed."""

    allowed_roles = DEADLINE_READERS
    template_name = "deadlines/list.html"
    CLOSED_SHOWN = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        now = timezone.now()
        open_ = selectors.running(now)
        ctx.update(open_deadlines=open_, closed=selectors.recently_closed(self.CLOSED_SHOWN), now=now,
                   overdue_count=sum(1 for d in open_ if d.remaining.overdue))
        return ctx
