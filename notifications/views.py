from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import STAFF

from .models import Notification
from .services import notification_mark_read


class NotificationListView(RoleRequiredMixin, ListView):
    """My notices, newest first."""

    allowed_roles = STAFF
    template_name = "notifications/list.html"
    context_object_name = "notices"
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


class NotificationReadView(RoleRequiredMixin, View):
    """POST: mark one notice read (then follow its link) or, with id 0, all of mine."""

    allowed_roles = STAFF
    http_method_names = ["post"]

    def post(self, request, pk: int):
        if pk == 0:
            notification_mark_read(user=request.user)
            return redirect("notifications:list")
        notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
        notification_mark_read(user=request.user, notification_id=notice.pk)
        if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()}):
            return redirect(notice.link)
        return redirect("notifications:list")
