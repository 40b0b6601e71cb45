"""Publication pages (plan §4.2.4, §5.2, §5.4): the CAP feed and alerts (public), the gateway's
delivery receipts (public, token-checked), citizens' SMS subscription (public), the deliveries the
office follows, the counties' on-duty confirmations and the written report."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import LEADERS, OFFICE_AND_ADMIN, PUBLIC, Role
from core.middleware import client_address
from notifications.delivery import (
    SubscriptionError,
    deliveries_retry_failed,
    delivery_receipt,
    describe_key,
    subscriber_confirm,
    subscriber_request,
)
from notifications.models import Delivery

from .. import cap
from ..models import ApprovalForm, DutyConfirmation, Warning
from ..publication import (
    CAP_FEED_CACHE_KEY,
    duty_confirm,
    duty_current,
    duty_for_user,
    report_context,
    written_report_mark_sent,
)
from ..services import WarningError

CAP_FEED_CACHE_SECONDS = 60
SUBSCRIBE_POSTS_PER_HOUR = 10
DUTY_READERS = frozenset({Role.COUNTY, Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
REPORT_READERS = frozenset({*OFFICE_AND_ADMIN, *LEADERS})


# ----------------------------------------------------------------------------- CAP (public)


class CapFeedView(RoleRequiredMixin, View):
    """Atom index of the published alerts, newest first (cached a minute; publication clears it)."""

    allowed_roles = PUBLIC
    http_method_names = ["get", "head"]

    def get(self, request):
        body = cache.get(CAP_FEED_CACHE_KEY)
        if body is None:
            body = cap.feed_xml()
            cache.set(CAP_FEED_CACHE_KEY, body, CAP_FEED_CACHE_SECONDS)
        return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


class CapAlertView(RoleRequiredMixin, View):
    """One CAP 1.2 alert: an approved form (issue → Alert, upgrade/downgrade → Update, lift → Cancel)."""

    allowed_roles = PUBLIC
    http_method_names = ["get", "head"]

    def get(self, request, form_id: int):
        form = ApprovalForm.objects.select_related("warning").filter(
            pk=form_id, status=ApprovalForm.Status.APPROVED, decided_at__isnull=False).first()
        if form is None:
            raise Http404(_("没有这条已发布的预警信息。"))
        return HttpResponse(cap.alert_xml(form), content_type=f"{cap.CAP_MIME}; charset=utf-8")


# ----------------------------------------------------------------------------- SMS receipts (gateway)


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
        given = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else request.headers.get("X-Gateway-Token", "")
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
            updated += delivery_receipt(provider_id=provider_id, status=status, error=str(receipt.get("error") or "")[:500])
        return JsonResponse({"updated": updated})


# ----------------------------------------------------------------------------- deliveries (office)


class DeliveryListView(RoleRequiredMixin, ListView):
    """The office's view of every SMS: failures first, with the error; POST retries the failed ones."""

    allowed_roles = OFFICE_AND_ADMIN
    template_name = "alerts/deliveries.html"
    context_object_name = "deliveries"
    paginate_by = 100

    def get_queryset(self):
        rows = Delivery.objects.select_related("user").annotate(
            failed_first=Case(When(status=Delivery.Status.FAILED, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("failed_first", "-created_at", "-id")
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
        return redirect("alerts:deliveries")


# ----------------------------------------------------------------------------- subscription (public)


class SubscribeView(RoleRequiredMixin, View):
    """公众订阅预警短信: a number asks for a code (subscribe or unsubscribe), then confirms it. The
    answers never tell whether a number is subscribed; each address may post a few times an hour."""

    allowed_roles = PUBLIC
    template_name = "alerts/subscribe.html"

    def get(self, request):
        return render(request, self.template_name, {"step": "request"})

    def post(self, request):
        address = client_address(request) or "unknown"
        bucket = f"sms:sub:addr:{address}"
        cache.add(bucket, 0, timeout=3600)
        if cache.incr(bucket) > SUBSCRIBE_POSTS_PER_HOUR:
            return render(request, self.template_name,
                          {"step": "request", "error": _("操作过于频繁，请一小时后再试。")}, status=429)
        action = request.POST.get("action", "")
        phone = request.POST.get("phone", "").strip()
        try:
            if action in ("subscribe", "unsubscribe"):
                subscriber_request(phone=phone, action=action)
                return render(request, self.template_name, {
                    "step": "confirm", "phone": phone, "action": action,
                    "notice": _("如果该号码可以办理，验证码已发送，15 分钟内有效。"),
                })
            if action == "confirm":
                outcome = subscriber_confirm(phone=phone, code=request.POST.get("code", ""))
                done = _("订阅成功：发布、调整或解除重污染天气预警时，您将收到短信。") if outcome == "subscribed" else _("已退订，不再向该号码发送预警短信。")
                return render(request, self.template_name, {"step": "done", "notice": done})
        except SubscriptionError as exc:
            step = "confirm" if action == "confirm" else "request"
            return render(request, self.template_name, {"step": step, "phone": phone, "error": str(exc)}, status=400)
        return render(request, self.template_name, {"step": "request", "error": _("操作无效。")}, status=400)


# ----------------------------------------------------------------------------- on-duty confirmations (§5.2)


class DutyView(RoleRequiredMixin, View):
    """County users confirm their heads are on duty; the office and leaders see who has not."""

    allowed_roles = DUTY_READERS
    write_roles = frozenset({Role.COUNTY})
    template_name = "alerts/duty.html"

    def get(self, request):
        warning = Warning.objects.filter(status=Warning.Status.ACTIVE).first()
        if request.user.role == Role.COUNTY:
            rows = list(duty_for_user(request.user))
        else:
            rows = list(duty_current(warning))
        pending = [r for r in rows if r.confirmed_at is None]
        return render(request, self.template_name, {
            "warning": warning, "rows": rows, "pending": pending, "is_county": request.user.role == Role.COUNTY,
            "roles": DutyConfirmation.DutyRole,
        })

    def post(self, request):
        try:
            confirmation = duty_confirm(actor=request.user, confirmation_id=int(request.POST.get("confirmation", "0")),
                                        note=request.POST.get("note", ""))
        except (WarningError, ValueError) as exc:
            messages.error(request, str(exc) if isinstance(exc, WarningError) else _("请求无效。"))
        else:
            messages.success(request, _("已确认：%(who)s在岗指挥。") % {"who": confirmation.get_role_display()})
        return redirect("alerts:duty")


# ----------------------------------------------------------------------------- written report (§5.4)


class WrittenReportView(RoleRequiredMixin, View):
    """The §5.4 written report to the city government and the provincial office, printable; the
    office marks it as sent (已报送), which meets the deadline and is audited."""

    allowed_roles = REPORT_READERS
    write_roles = OFFICE_AND_ADMIN
    template_name = "alerts/report.html"

    def get(self, request, warning_id: int):
        warning = get_object_or_404(Warning, pk=warning_id)
        context = report_context(warning)
        context["can_mark"] = request.user.role in OFFICE_AND_ADMIN
        return render(request, self.template_name, context)

    def post(self, request, warning_id: int):
        warning = get_object_or_404(Warning, pk=warning_id)
        try:
            written_report_mark_sent(actor=request.user, warning_id=warning.pk, note=request.POST.get("note", ""))
        except WarningError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已记录：书面报告已报送市政府和省应急指挥部办公室。"))
        return redirect("alerts:report", warning_id=warning.pk)
