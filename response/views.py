"""Response pages: orders (应急指令) with acknowledgement and confirmation, daily reports (每日报送),
the compliance grid (报送情况) and its Excel export. Thin: form → service → message → redirect."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from core.views_mixins import DomainErrorMessageMixin

from . import selectors, services
from .access import COMPLIANCE_READERS, ORDER_READERS, REPORT_READERS, UNIT_USERS
from .exports import compliance_workbook
from .forms import DailyReportForm, InPlaceForm, default_report_date
from .models import ReportAttachment, Response
from .uploads import size_text


def _response_from(request) -> Response | None:
    wanted = request.GET.get("response")
    if wanted and wanted.isdigit():
        return Response.objects.select_related("warning").filter(pk=int(wanted)).first()
    return selectors.current_response()


class OrderListView(RoleRequiredMixin, View):
    """A unit's orders (newest first); for the office and other readers, the acknowledgement grid
    of the current response: each unit's latest order, signed, in place, on time."""

    allowed_roles = ORDER_READERS

    def get(self, request):
        response = _response_from(request)
        context = {"response": response, "responses": selectors.responses()[:20], "in_place_form": InPlaceForm()}
        if request.user.role in (Role.UNIT, Role.COUNTY):
            orders = list(selectors.orders_for(request.user)[:100])
            deadlines = selectors.order_deadlines(orders)
            for order in orders:
                order.deadline = deadlines.get(order.deadline_key)
            context["orders"] = orders
        elif response is not None:
            grid = selectors.latest_orders(response)
            deadlines = selectors.order_deadlines(grid)
            now = timezone.now()
            for order in grid:
                deadline = deadlines.get(order.deadline_key)
                order.deadline = deadline
                order.overdue = bool(
                    deadline and deadline.met_at is None and deadline.cancelled_at is None and now > deadline.due_at
                )
                order.late = bool(deadline and deadline.met_at and deadline.met_at > deadline.due_at)
            context["grid"] = grid
            context["grid_counts"] = {
                "total": len(grid),
                "acknowledged": sum(1 for o in grid if o.acknowledged_at),
                "in_place": sum(1 for o in grid if o.in_place_at),
            }
            context["changes"] = response.changes.select_related("form").order_by("applied_at")
        return render(request, "response/orders.html", context)


class OrderDetailView(RoleRequiredMixin, View):
    allowed_roles = ORDER_READERS

    def get(self, request, pk: int):
        order = get_object_or_404(selectors.orders_for(request.user), pk=pk)
        deadline = selectors.order_deadlines([order]).get(order.deadline_key)
        can_act = request.user.role == Role.UNIT and order.is_open and request.user.unit_id == order.unit_id
        return render(
            request,
            "response/order_detail.html",
            {
                "order": order,
                "deadline": deadline,
                "can_act": can_act,
                "in_place_form": InPlaceForm(),
            },
        )


class _OrderActionView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = UNIT_USERS
    write_roles = UNIT_USERS
    domain_error_redirect = "response:order"

    def act(self, request, order_id: int) -> str:
        raise NotImplementedError

    def domain_error_response(self, exc):
        # A unit never learns whether another unit's order exists: not its own → 404.
        if isinstance(exc, services.NotYourUnitError):
            raise Http404(exc.message) from exc
        return super().domain_error_response(exc)

    def post(self, request, pk: int):
        get_object_or_404(selectors.orders_for(request.user), pk=pk)
        messages.success(request, self.act(request, pk))
        return redirect("response:order", pk=pk)


class OrderAcknowledgeView(_OrderActionView):
    def act(self, request, order_id: int) -> str:
        services.order_acknowledge(actor=request.user, order_id=order_id)
        return _("已签收应急指令。")


class OrderInPlaceView(_OrderActionView):
    def act(self, request, order_id: int) -> str:
        form = InPlaceForm(request.POST)
        if not form.is_valid():
            raise services.ResponseError(_("请简要说明措施落实情况。"))
        order = services.order_confirm_in_place(actor=request.user, order_id=order_id, note=form.cleaned_data["note"])
        return _("已确认应急措施落实到位（%(at)s）。") % {"at": timezone.localtime(order.in_place_at).strftime("%H:%M")}


# ----------------------------------------------------------------------------- daily reports


class ReportListView(RoleRequiredMixin, View):
    allowed_roles = REPORT_READERS

    def get(self, request):
        reports = selectors.reports_for(request.user)
        day = request.GET.get("date")
        if day:
            try:
                reports = reports.filter(report_date=dt.date.fromisoformat(day))
            except ValueError:
                messages.error(request, _("日期格式应为 YYYY-MM-DD。"))
        response = selectors.current_response()
        owed = None
        if request.user.role == Role.UNIT:
            # Owed on each day of a response, the last included: the morning after the lift too (§9).
            yesterday = default_report_date()
            if services.response_owing(yesterday) is not None and not reports.filter(report_date=yesterday).exists():
                owed = {"date": yesterday, "due": services.report_due_at(yesterday)}
        return render(request, "response/reports.html", {"reports": reports[:200], "response": response, "owed": owed})


class ReportCreateView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """A unit files its report; the unit is the user's own (no unit field exists on the form)."""

    allowed_roles = UNIT_USERS
    write_roles = UNIT_USERS

    def domain_error_response(self, exc):
        if isinstance(exc, services.DailyReportExistsError):
            messages.error(self.request, exc.message)
            return redirect("response:report", pk=exc.report.pk)
        return super().domain_error_response(exc)

    def form_refused(self, form, exc):
        return self._render(self.request, form, status=exc.status)

    def _render(self, request, form, status=200):
        return render(
            request,
            "response/report_form.html",
            {
                "form": form,
                "unit": request.user.unit,
                "max_text": size_text(services.attachment_max_bytes()),
                "response": selectors.current_response(),
            },
            status=status,
        )

    def get(self, request):
        initial = {"report_date": default_report_date()}
        if request.GET.get("date"):
            try:
                initial["report_date"] = dt.date.fromisoformat(request.GET["date"])
            except ValueError:
                pass
        return self._render(request, DailyReportForm(initial=initial))

    def post(self, request):
        form = self.form = DailyReportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        report = services.daily_report_submit(
            actor=request.user,
            report_date=data["report_date"],
            content=data["content"],
            measures_done=data["measures_done"],
            inspections=data["inspections"],
            enterprises_checked=data["enterprises_checked"],
            violations_found=data["violations_found"],
            figures=data["figures"],
            files=data["attachments"],
        )
        if report.late:
            messages.warning(request, _("已报送（逾期：截止时间为次日 10:00）。"))
        else:
            messages.success(request, _("已按时报送。"))
        return redirect("response:report", pk=report.pk)


class ReportDetailView(RoleRequiredMixin, View):
    allowed_roles = REPORT_READERS

    def get(self, request, pk: int):
        report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
        return render(
            request,
            "response/report_detail.html",
            {
                "report": report,
                "due": services.report_due_at(report.report_date),
            },
        )


class AttachmentView(RoleRequiredMixin, View):
    """An attachment, to those who may read its report; served as a download, never inline."""

    allowed_roles = REPORT_READERS

    def get(self, request, pk: int, attachment_id: int):
        report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
        attachment = get_object_or_404(ReportAttachment, pk=attachment_id, report=report)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("文件不存在。")) from exc
        return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)


# ----------------------------------------------------------------------------- compliance


class ComplianceView(RoleRequiredMixin, View):
    """Units × days of the response, colour-coded: on time, late, missing, pending."""

    allowed_roles = COMPLIANCE_READERS

    def get(self, request):
        response = _response_from(request)
        context = {"response": response, "responses": selectors.responses()[:20]}
        if response is not None:
            days, rows, totals = selectors.compliance_grid(response)
            context.update(days=days, rows=rows, totals=totals, status_names=selectors.STATUS_NAMES)
        return render(request, "response/compliance.html", context)


class ComplianceExcelView(RoleRequiredMixin, View):
    allowed_roles = COMPLIANCE_READERS

    def get(self, request):
        response = _response_from(request)
        if response is None:
            messages.info(request, _("还没有应急响应。"))
            return redirect(reverse("response:compliance"))
        content = compliance_workbook(response)
        reply = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        reply["Content-Disposition"] = f'attachment; filename="compliance-{response.pk}.xlsx"'
        return reply
