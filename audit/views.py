from __future__ import annotations

from django.views.generic import ListView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import AUDIT_READERS

from .models import AuditEntry


class AuditListView(RoleRequiredMixin, ListView):
    """The append-only audit log, newest first, filterable by action, actor and target."""

    allowed_roles = AUDIT_READERS
    template_name = "audit/list.html"
    paginate_by = 50
    context_object_name = "entries"

    def get_queryset(self):
        qs = AuditEntry.objects.select_related("actor")
        params = self.request.GET
        if action := params.get("action", "").strip():
            qs = qs.filter(action__startswith=action)
        if actor := params.get("actor", "").strip():
            qs = qs.filter(actor_label__icontains=actor)
        if target := params.get("target", "").strip():
            qs = qs.filter(target_type=target)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filters"] = {k: self.request.GET.get(k, "") for k in ("action", "actor", "target")}
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_string"] = query.urlencode()
        return ctx
