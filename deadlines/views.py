"""The deadlines board (时限): every open clock with its due time and a live countdown; the
office's close-out of a notice's clock (§9)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from core.views_mixins import DomainErrorMessageMixin

from . import selectors, services
from .access import DEADLINE_READERS, NOTICE_CLOSERS


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
        ctx.update(
            open_deadlines=open_,
            closed=selectors.recently_closed(self.CLOSED_SHOWN),
            now=now,
            overdue_count=selectors.overdue_count(open_),
        )
        return ctx


class NoticeCloseView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """POST-only, from the notices page (省/区域预警通知): the office closes a notice's 1-hour form
    clock without a form, with the reason, when the city already responds at or above the
    notice's level (warning-rules.md §9); a refusal comes back as a message on that page."""

    allowed_roles = NOTICE_CLOSERS
    http_method_names = ["post"]

    def domain_error_url(self, exc) -> str:
        return reverse("alerts:notices")

    def post(self, request, pk: int):
        services.deadline_close_notice(actor=request.user, notice_id=pk, reason=request.POST.get("reason", ""))
        messages.success(request, _("已办结该通知的 1 小时时限，理由已记录。"))
        return redirect("alerts:notices")
