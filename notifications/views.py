"""The pages of outgoing messages: a person's in-app notices; the SMS gateway's delivery receipts
(public, token-checked), the deliveries the office follows and citizens' SMS subscription
(public) — the last three at their addresses under /warnings/ (notifications/urls.py)."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import OFFICE_AND_ADMIN, PUBLIC, STAFF
from core.middleware import client_address
from core.views_mixins import DomainErrorMessageMixin

from .delivery import (
    deliveries_retry_failed,
    delivery_receipt,
    describe_key,
    subscriber_confirm,
    subscriber_request,
)
from .models import Delivery, Notification
from .services import notification_mark_read

SUBSCRIBE_POSTS_PER_HOUR = 10


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


# ----------------------------------------------------------------------------- SMS receipts (the gateway)


@method_decorator(csrf_exempt, name="dispatch")
class SmsReceiptView(RoleRequiredMixin, View):
    """POST from the SMS gateway: ``Authorization: Bearer <SMS_GATEWAY_TOKEN>`` and a JSON receipt
    ``{"provider_id": "...", "status": "delivered"|"failed", "error": "..."}`` (or a list of them).
    Open to the network (no login) but refused without the token."""

    allowed_roles = PUBLIC
    http_method_names = ["post"]

    def post(self, request):
        expected = settings.SMS_GATEWAY_TOKEN
        header = request.headers.get("Authorization", "")
        given = (
            header.removeprefix("Bearer ").strip()
            if header.startswith("Bearer ")
            else request.headers.get("X-Gateway-Token", "")
        )
        if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
            return JsonResponse({"detail": "无效的网关令牌。"}, status=403)
        try:
            data = json.loads(request.body.decode("utf-8") or "null")
        except (ValueError, UnicodeDecodeError):
            return JsonResponse({"detail": "回执不是有效的 JSON。"}, status=400)
        receipts = data if isinstance(data, list) else [data]
        updated = 0
        for receipt in receipts:
            if not isinstance(receipt, dict):
                return JsonResponse({"detail": "回执格式错误。"}, status=400)
            provider_id = str(receipt.get("provider_id") or receipt.get("id") or "")
            status = str(receipt.get("status") or "")
            if not provider_id or status not in ("delivered", "failed"):
                return JsonResponse({"detail": "回执缺少 provider_id 或 status（delivered/failed）。"}, status=400)
            updated += delivery_receipt(
                provider_id=provider_id, status=status, error=str(receipt.get("error") or "")[:500]
            )
        return JsonResponse({"updated": updated})


# ----------------------------------------------------------------------------- deliveries (office)


class DeliveryListView(RoleRequiredMixin, ListView):
    """The office's view of every SMS: failures first, with the error; POST retries the failed ones."""

    allowed_roles = OFFICE_AND_ADMIN
    template_name = "notifications/deliveries.html"
    context_object_name = "deliveries"
    paginate_by = 100

    def get_queryset(self):
        rows = (
            Delivery.objects.select_related("user")
            .annotate(
                failed_first=Case(
                    When(status=Delivery.Status.FAILED, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("failed_first", "-created_at", "-id")
        )
        status = self.request.GET.get("status")
        if status in Delivery.Status.values:
            rows = rows.filter(status=status)
        key = self.request.GET.get("key", "").strip()
        if key:
            rows = rows.filter(key=key)
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(Delivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        context["counts"] = [(value, label, counts.get(value, 0)) for value, label in Delivery.Status.choices]
        context["status"] = self.request.GET.get("status", "")
        context["key"] = self.request.GET.get("key", "")
        for row in context["deliveries"]:
            row.key_label = describe_key(row.key)
            row.shown_text = "（验证码短信，内容不显示）" if row.key.startswith("subscribe:") else row.text
        return context

    def post(self, request):
        key = request.POST.get("key", "").strip() or None
        count = deliveries_retry_failed(actor=request.user, key=key)
        if count:
            messages.success(request, _("已重新排队 %(n)d 条发送失败的短信。") % {"n": count})
        else:
            messages.info(request, _("没有发送失败的短信。"))
        return redirect("notifications:deliveries")


# ----------------------------------------------------------------------------- subscription (public)


class SubscribeView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """公众订阅预警短信: a number asks for a code (subscribe or unsubscribe), then confirms it. The
    answers never tell whether a number is subscribed; each address may post a few times an hour.
    A refusal (SubscriptionError) is said on the step it came from."""

    allowed_roles = PUBLIC
    template_name = "notifications/subscribe.html"

    def domain_error_response(self, exc):
        post = self.request.POST
        step = "confirm" if post.get("action", "") == "confirm" else "request"
        return render(
            self.request,
            self.template_name,
            {"step": step, "phone": post.get("phone", "").strip(), "error": exc.message},
            status=exc.status,
        )

    def get(self, request):
        return render(request, self.template_name, {"step": "request"})

    def post(self, request):
        address = client_address(request) or "unknown"
        bucket = f"sms:sub:addr:{address}"
        cache.add(bucket, 0, timeout=3600)
        if cache.incr(bucket) > SUBSCRIBE_POSTS_PER_HOUR:
            return render(
                request,
                self.template_name,
                {"step": "request", "error": _("操作过于频繁，请一小时后再试。")},
                status=429,
            )
        action = request.POST.get("action", "")
        phone = request.POST.get("phone", "").strip()
        if action in ("subscribe", "unsubscribe"):
            subscriber_request(phone=phone, action=action)
            return render(
                request,
                self.template_name,
                {
                    "step": "confirm",
                    "phone": phone,
                    "action": action,
                    "notice": _("如果该号码可以办理，验证码已发送，15 分钟内有效。"),
                },
            )
        if action == "confirm":
            outcome = subscriber_confirm(phone=phone, code=request.POST.get("code", ""))
            done = (
                _("订阅成功：发布、调整或解除重污染天气预警时，您将收到短信。")
                if outcome == "subscribed"
                else _("已退订，不再向该号码发送预警短信。")
            )
            return render(request, self.template_name, {"step": "done", "notice": done})
        return render(request, self.template_name, {"step": "request", "error": _("操作无效。")}, status=400)
