"""Publication pages (plan §4.2.4, §5.2, §5.4): the public page and the CAP feed and alerts (no
login), the counties' on-duty confirmations and the written report."""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import LEADERS, OFFICE_AND_ADMIN, PUBLIC, Role
from alerts.models import ApprovalForm, Warning
from alerts.services import WarningError

from . import cap
from .channels import BY_CODE, ChannelError, channel_confirm
from .models import DutyConfirmation
from .page import BROWSER_SECONDS, TEMPLATE, page_html
from .selectors import channel_rows, duty_current, duty_for_user, published_form, report_context
from .services import duty_confirm, written_report_mark_sent

CAP_FEED_CACHE_SECONDS = 60
DUTY_READERS = frozenset({Role.COUNTY, Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
REPORT_READERS = frozenset({*OFFICE_AND_ADMIN, *LEADERS})
#: The channels of a publication: who reads the forms (alerts FORM_READERS); the office confirms.
CHANNEL_READERS = frozenset({Role.OFFICE, Role.FORECASTER, Role.SUPERVISOR, Role.ADMIN, *LEADERS})


# ----------------------------------------------------------------------------- the public page


class PublicWarningPageView(RoleRequiredMixin, View):
    """/public/: no login; the rendered page is cached (publication/page.py)."""

    allowed_roles = PUBLIC
    http_method_names = ["get", "head"]
    template_name = TEMPLATE

    def get(self, request):
        response = HttpResponse(page_html())
        patch_vary_headers(response, ["Cookie"])  # the language cookie chooses the page
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        else:
            patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
            # nginx (deploy/nginx.conf) keeps it until the end of this second, not one more: a
            # publication shows within a second. The header is nginx's own; it hides it from clients.
            response.headers["X-Accel-Expires"] = f"@{int(time.time())}"
        return response


# ----------------------------------------------------------------------------- CAP (public)


class CapFeedView(RoleRequiredMixin, View):
    """Atom index of the published alerts, newest first (cached a minute; publication clears it)."""

    allowed_roles = PUBLIC
    http_method_names = ["get", "head"]

    def get(self, request):
        body = cache.get(cap.CAP_FEED_CACHE_KEY)
        if body is None:
            body = cap.feed_xml()
            cache.set(cap.CAP_FEED_CACHE_KEY, body, CAP_FEED_CACHE_SECONDS)
        return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


class CapAlertView(RoleRequiredMixin, View):
    """One CAP 1.2 alert: an approved form (issue → Alert, upgrade/downgrade → Update, lift → Cancel)."""

    allowed_roles = PUBLIC
    http_method_names = ["get", "head"]

    def get(self, request, form_id: int):
        form = (
            ApprovalForm.objects.select_related("warning")
            .filter(pk=form_id, status=ApprovalForm.Status.APPROVED, decided_at__isnull=False)
            .first()
        )
        if form is None:
            raise Http404(_("没有这条已发布的预警信息。"))
        return HttpResponse(cap.alert_xml(form), content_type=f"{cap.CAP_MIME}; charset=utf-8")


# ----------------------------------------------------------------------------- on-duty confirmations (§5.2)


class DutyView(RoleRequiredMixin, View):
    """County users confirm their heads are on duty; the office and leaders see who has not."""

    allowed_roles = DUTY_READERS
    write_roles = frozenset({Role.COUNTY})
    template_name = "publication/duty.html"

    def get(self, request):
        warning = Warning.objects.filter(status=Warning.Status.ACTIVE).first()
        if request.user.role == Role.COUNTY:
            rows = list(duty_for_user(request.user))
        else:
            rows = list(duty_current(warning))
        pending = [r for r in rows if r.confirmed_at is None]
        return render(
            request,
            self.template_name,
            {
                "warning": warning,
                "rows": rows,
                "pending": pending,
                "is_county": request.user.role == Role.COUNTY,
                "roles": DutyConfirmation.DutyRole,
            },
        )

    def post(self, request):
        try:
            confirmation = duty_confirm(
                actor=request.user,
                confirmation_id=int(request.POST.get("confirmation", "0")),
                note=request.POST.get("note", ""),
            )
        except (WarningError, ValueError) as exc:
            messages.error(request, str(exc) if isinstance(exc, WarningError) else _("请求无效。"))
        else:
            messages.success(request, _("已确认：%(who)s在岗指挥。") % {"who": confirmation.get_role_display()})
        return redirect("publication:duty")


# ----------------------------------------------------------------------------- written report (§5.4)


class WrittenReportView(RoleRequiredMixin, View):
    """The §5.4 written report to the city government and the provincial office, printable; the
    office marks it as sent (已报送), which meets the deadline and is audited."""

    allowed_roles = REPORT_READERS
    write_roles = OFFICE_AND_ADMIN
    template_name = "publication/report.html"

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
        return redirect("publication:report", warning_id=warning.pk)


# ----------------------------------------------------------------------------- the channels of a publication (§4.2.4)


class ChannelsView(RoleRequiredMixin, View):
    """Every channel of a published form (§4.2.4, warning-rules.md §11) with its status, who
    confirmed it and when; the office confirms each external one here (POST, audited). The
    publication clock is met by the last (§9)."""

    allowed_roles = CHANNEL_READERS
    write_roles = OFFICE_AND_ADMIN
    template_name = "publication/channels.html"

    def get(self, request, form_id: int):
        form = published_form(form_id)
        if form is None:
            raise Http404(_("没有这张已签发的审批表。"))
        rows = channel_rows(form)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "warning": form.warning,
                "rows": rows,
                "pending": [r for r in rows if not r["done"]],
                "can_confirm": request.user.role in OFFICE_AND_ADMIN,
            },
        )

    def post(self, request, form_id: int):
        form = published_form(form_id)
        if form is None:
            raise Http404(_("没有这张已签发的审批表。"))
        try:
            row = channel_confirm(
                actor=request.user,
                form_id=form.pk,
                channel=request.POST.get("channel", ""),
                note=request.POST.get("note", ""),
            )
        except ChannelError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已确认发布：%(channel)s。") % {"channel": BY_CODE[row.channel].name})
        return redirect("publication:channels", form_id=form.pk)
