"""Supervision pages: inspections (督导检查) by the supervision group, the public tip-off page
(公众举报, no login) and the tip-off verification workflow. Thin: form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import PUBLIC
from command.models import Area
from core.middleware import client_address
from core.views_mixins import DomainErrorMessageMixin
from response.uploads import size_text

from . import selectors, services
from .access import INSPECTION_READERS, INSPECTION_WRITERS, TIPOFF_READERS, TIPOFF_WRITERS
from .forms import FollowUpForm, InspectionForm, TipOffActionForm, TipOffForm, tipoff_started_token
from .models import Inspection, InspectionPhoto, TipOff

TIPOFF_SESSION_KEY = "supervision_tipoff_reference"


class InspectionListView(RoleRequiredMixin, View):
    allowed_roles = INSPECTION_READERS

    def get(self, request):
        filters = {key: request.GET.get(key, "") for key in ("county", "violation", "follow_up")}
        page = Paginator(selectors.inspections(**filters), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "supervision/inspections.html",
            {
                "page": page,
                "filters": filters,
                "areas": Area.objects.exclude(kind=Area.Kind.CITY).order_by("order"),
                "follow_up_choices": Inspection.FollowUp.choices,
                "can_write": request.user.role in INSPECTION_WRITERS,
                "open_tipoffs": TipOff.objects.filter(
                    status__in=[TipOff.Status.RECEIVED, TipOff.Status.VERIFYING]
                ).count(),
            },
        )


class _InspectionFormView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = INSPECTION_WRITERS
    write_roles = INSPECTION_WRITERS
    inspection = None

    def form_refused(self, form, exc):
        return self._render(self.request, form, self.inspection, status=exc.status)

    def _render(self, request, form, inspection=None, status=200):
        return render(
            request,
            "supervision/inspection_form.html",
            {
                "form": form,
                "inspection": inspection,
                "max_text": size_text(services.photo_max_bytes()),
            },
            status=status,
        )


class InspectionCreateView(_InspectionFormView):
    def get(self, request):
        return self._render(request, InspectionForm(initial={"date": timezone.localdate()}))

    def post(self, request):
        form = self.form = InspectionForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        inspection = services.inspection_create(
            actor=request.user,
            date=data["date"],
            place=data["place"],
            findings=data["findings"],
            enterprise=data["enterprise"],
            enterprise_name=data["enterprise_name"],
            county=data["county"],
            violation=data["violation"],
            violation_description=data["violation_description"],
            photos=data["photos"],
        )
        messages.success(request, _("已记录督导检查。"))
        return redirect("supervision:inspection", pk=inspection.pk)


class InspectionEditView(_InspectionFormView):
    def get(self, request, pk: int):
        inspection = get_object_or_404(Inspection, pk=pk)
        initial = {key: getattr(inspection, key) for key in services.EDITABLE}
        initial["county"] = inspection.county.code if inspection.county_id else None
        return self._render(request, InspectionForm(initial=initial), inspection)

    def post(self, request, pk: int):
        inspection = self.inspection = get_object_or_404(Inspection, pk=pk)
        form = self.form = InspectionForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, inspection, status=400)
        data = form.cleaned_data
        services.inspection_update(
            actor=request.user,
            inspection_id=pk,
            photos=data["photos"],
            **{key: data[key] for key in services.EDITABLE},
        )
        messages.success(request, _("已保存。"))
        return redirect("supervision:inspection", pk=pk)


class InspectionDetailView(RoleRequiredMixin, View):
    allowed_roles = INSPECTION_READERS

    def get(self, request, pk: int):
        inspection = get_object_or_404(selectors.inspection_detail(), pk=pk)
        follow_up = FollowUpForm(initial={"status": inspection.follow_up_status, "due": inspection.follow_up_due})
        return render(
            request,
            "supervision/inspection_detail.html",
            {
                "inspection": inspection,
                "follow_up_form": follow_up,
                "can_write": request.user.role in INSPECTION_WRITERS,
            },
        )


class InspectionFollowUpView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = INSPECTION_WRITERS
    write_roles = INSPECTION_WRITERS
    domain_error_redirect = "supervision:inspection"

    def post(self, request, pk: int):
        get_object_or_404(Inspection, pk=pk)
        form = FollowUpForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("处理情况填写有误。"))
            return redirect("supervision:inspection", pk=pk)
        data = form.cleaned_data
        services.inspection_follow_up(
            actor=request.user, inspection_id=pk, status=data["status"], due=data["due"], notes=data["notes"]
        )
        messages.success(request, _("已更新处理情况。"))
        return redirect("supervision:inspection", pk=pk)


class InspectionDeleteView(RoleRequiredMixin, View):
    """GET: the confirmation page; POST: delete (the audit log keeps the record's content)."""

    allowed_roles = INSPECTION_WRITERS
    write_roles = INSPECTION_WRITERS

    def get(self, request, pk: int):
        inspection = get_object_or_404(Inspection, pk=pk)
        return render(request, "supervision/inspection_delete.html", {"inspection": inspection})

    def post(self, request, pk: int):
        get_object_or_404(Inspection, pk=pk)
        services.inspection_delete(actor=request.user, inspection_id=pk)
        messages.success(request, _("已删除该检查记录。"))
        return redirect("supervision:inspections")


class PhotoView(RoleRequiredMixin, View):
    """A photo, to those who may read inspections; its type was checked when it was stored."""

    allowed_roles = INSPECTION_READERS

    def get(self, request, pk: int, photo_id: int):
        photo = get_object_or_404(InspectionPhoto, pk=photo_id, inspection_id=pk)
        try:
            handle = photo.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("文件不存在。")) from exc
        reply = FileResponse(handle, content_type=photo.content_type, filename=photo.name)
        reply["Content-Security-Policy"] = "default-src 'none'"
        return reply


# ----------------------------------------------------------------------------- tip-offs


class TipOffCreateView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """The public tip-off page (no login): rate-limited per client address, a honeypot field
    and a minimum fill time against bots; the sender gets a reference number."""

    allowed_roles = PUBLIC

    def _render(self, request, form, status=200):
        if form.is_bound:
            # A fresh stamp for the corrected attempt (the old one may have expired).
            form.data = form.data.copy()
            form.data["started"] = tipoff_started_token()
        return render(request, "supervision/tipoff_form.html", {"form": form}, status=status)

    def form_refused(self, form, exc):
        return self._render(self.request, form, status=exc.status)

    def get(self, request):
        return self._render(request, TipOffForm(initial={"started": tipoff_started_token()}))

    def post(self, request):
        form = self.form = TipOffForm(request.POST)
        valid = form.is_valid()
        if form.bot:
            # Said plainly but vaguely: nothing stored, nothing to learn for the bot.
            return render(
                request,
                "supervision/tipoff_form.html",
                {
                    "form": TipOffForm(initial={"started": tipoff_started_token()}),
                    "refused": _("提交未成功，请稍后重新填写。"),
                },
                status=400,
            )
        if not valid:
            return self._render(request, form, status=400)
        address = client_address(request)
        if not services.tipoff_rate_allow(address):
            return render(
                request,
                "supervision/tipoff_form.html",
                {
                    "form": form,
                    "refused": _("提交过于频繁，请一小时后再试，或拨打举报热线。"),
                },
                status=429,
            )
        data = form.cleaned_data
        tipoff = services.tipoff_submit(
            category=data["category"],
            place=data["place"],
            description=data["description"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            client_address=address,
        )
        request.session[TIPOFF_SESSION_KEY] = tipoff.reference
        return redirect("supervision:tipoff-done")


class TipOffDoneView(RoleRequiredMixin, View):
    allowed_roles = PUBLIC

    def get(self, request):
        reference = request.session.get(TIPOFF_SESSION_KEY)
        return render(request, "supervision/tipoff_done.html", {"reference": reference})


class TipOffListView(RoleRequiredMixin, View):
    allowed_roles = TIPOFF_READERS

    def get(self, request):
        status, category = request.GET.get("status", ""), request.GET.get("category", "")
        page = Paginator(selectors.tipoffs(status=status, category=category), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "supervision/tipoffs.html",
            {
                "page": page,
                "status": status,
                "category": category,
                "status_choices": TipOff.Status.choices,
                "category_choices": TipOff.Category.choices,
            },
        )


class TipOffDetailView(RoleRequiredMixin, View):
    allowed_roles = TIPOFF_READERS

    def get(self, request, pk: int):
        tipoff = get_object_or_404(selectors.tipoffs(), pk=pk)
        return render(
            request,
            "supervision/tipoff_detail.html",
            {
                "tipoff": tipoff,
                "can_write": request.user.role in TIPOFF_WRITERS,
                "form": TipOffActionForm(),
            },
        )


class TipOffActionView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """One step of the workflow: start, true, false, reward, no_reward (with a note)."""

    allowed_roles = TIPOFF_WRITERS
    write_roles = TIPOFF_WRITERS
    domain_error_redirect = "supervision:tipoff-detail"

    def post(self, request, pk: int):
        get_object_or_404(TipOff, pk=pk)
        form = TipOffActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("操作无效。"))
            return redirect("supervision:tipoff-detail", pk=pk)
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        if action == "start":
            services.tipoff_start_verification(actor=request.user, tipoff_id=pk)
        elif action in ("true", "false"):
            services.tipoff_conclude(actor=request.user, tipoff_id=pk, verified=action == "true", note=note)
        else:
            services.tipoff_reward(actor=request.user, tipoff_id=pk, reward=action == "reward", note=note)
        messages.success(request, _("已记录。"))
        return redirect("supervision:tipoff-detail", pk=pk)
