"""Supervision pages: inspections (督导检查) by the supervision group with their enforcement
actions (停产, 罚款, 移送) and repeat offenders (屡查屡犯); the public tip-off page (公众举报, no
login) and its look-up by reference and check code; hotline tip-offs entered by staff; the
tip-off workflow (routing, the unit's answer, verification, reward). Thin: form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import PUBLIC
from command.models import Area
from core.middleware import client_address
from core.views_mixins import DomainErrorMessageMixin
from measures.models import Enterprise
from response.uploads import size_text

from . import exports, selectors, services
from .access import (
    ENFORCEMENT_READERS,
    ENFORCEMENT_WRITERS,
    INSPECTION_READERS,
    INSPECTION_WRITERS,
    TIPOFF_LIST_READERS,
    TIPOFF_UNIT_USERS,
    TIPOFF_WRITERS,
)
from .forms import (
    EnforcementForm,
    EnforcementStepForm,
    FollowUpForm,
    InspectionForm,
    StaffTipOffForm,
    TipOffActionForm,
    TipOffAnswerForm,
    TipOffForm,
    TipOffLookupForm,
    TipOffRouteForm,
    tipoff_started_token,
)
from .models import EnforcementAction, Inspection, InspectionPhoto, TipOff

TIPOFF_SESSION_KEY = "supervision_tipoff_reference"
TIPOFF_CODE_SESSION_KEY = "supervision_tipoff_check_code"


class InspectionListView(RoleRequiredMixin, View):
    allowed_roles = INSPECTION_READERS

    def get(self, request):
        filters = {key: request.GET.get(key, "") for key in ("county", "violation", "follow_up")}
        qs = selectors.inspections(**filters)
        if request.GET.get("repeat") == "1":
            qs = qs.filter(pk__in=selectors.repeat_inspection_ids())
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        return render(
            request,
            "supervision/inspections.html",
            {
                "page": page,
                "filters": filters,
                "repeat": request.GET.get("repeat", ""),
                "repeat_ids": selectors.repeat_inspection_ids(),
                "querystring": params.urlencode(),
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
            actor=request.user, photos=data["photos"], **services.editable_values(data)
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
            **services.editable_values(data),
        )
        messages.success(request, _("已保存。"))
        return redirect("supervision:inspection", pk=pk)


class InspectionDetailView(RoleRequiredMixin, View):
    allowed_roles = INSPECTION_READERS

    def get(self, request, pk: int):
        inspection = get_object_or_404(selectors.inspection_detail(), pk=pk)
        follow_up = FollowUpForm(initial={"status": inspection.follow_up_status, "due": inspection.follow_up_due})
        offender = selectors.repeat_offenders().get(selectors.inspection_key(inspection))
        return render(
            request,
            "supervision/inspection_detail.html",
            {
                "inspection": inspection,
                "follow_up_form": follow_up,
                "enforcement_form": EnforcementForm(),
                "offender": offender if offender and inspection.pk in offender.inspection_ids else None,
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
            area=data["area"],
        )
        request.session[TIPOFF_SESSION_KEY] = tipoff.reference
        request.session[TIPOFF_CODE_SESSION_KEY] = tipoff.check_code
        return redirect("supervision:tipoff-done")


class TipOffDoneView(RoleRequiredMixin, View):
    allowed_roles = PUBLIC

    def get(self, request):
        reference = request.session.get(TIPOFF_SESSION_KEY)
        code = request.session.get(TIPOFF_CODE_SESSION_KEY)
        return render(request, "supervision/tipoff_done.html", {"reference": reference, "code": code})


class TipOffListView(RoleRequiredMixin, View):
    """All tip-offs for the office, the supervision group and the leaders; a member unit (or a
    county) those routed to it."""

    allowed_roles = TIPOFF_LIST_READERS

    def get(self, request):
        filters = {key: request.GET.get(key, "") for key in ("status", "category", "channel")}
        page = Paginator(selectors.tipoffs_for(request.user, **filters), 50).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        return render(
            request,
            "supervision/tipoffs.html",
            {
                "page": page,
                "filters": filters,
                "querystring": params.urlencode(),
                "status_choices": TipOff.Status.choices,
                "category_choices": TipOff.Category.choices,
                "channel_choices": TipOff.Channel.choices,
                "can_write": request.user.role in TIPOFF_WRITERS,
                "own_only": request.user.role in TIPOFF_UNIT_USERS,
            },
        )


class TipOffDetailView(RoleRequiredMixin, View):
    allowed_roles = TIPOFF_LIST_READERS

    def get(self, request, pk: int):
        tipoff = get_object_or_404(selectors.tipoffs_for(request.user), pk=pk)
        return render(
            request,
            "supervision/tipoff_detail.html",
            {
                "tipoff": tipoff,
                "can_write": request.user.role in TIPOFF_WRITERS,
                # The sender's identity stays with the office (举报人信息保密); the unit sees "实名".
                "show_reporter": request.user.role not in TIPOFF_UNIT_USERS,
                "can_answer": services.tipoff_may_answer(request.user, tipoff)
                and tipoff.answered_at is None
                and tipoff.verified is None,
                "can_route": request.user.role in TIPOFF_WRITERS and tipoff.verified is None,
                "form": TipOffActionForm(),
                "answer_form": TipOffAnswerForm(),
                "route_form": TipOffRouteForm(
                    initial={"unit": tipoff.assigned_unit.slug if tipoff.assigned_unit_id else None}
                ),
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


class TipOffEnterView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """登记热线举报: the office or the supervision group enters a 12369 / 12345 tip-off; the page
    then shows the reference and the check code once, to read to the caller."""

    allowed_roles = TIPOFF_WRITERS
    write_roles = TIPOFF_WRITERS

    def _render(self, request, form, status=200):
        return render(request, "supervision/tipoff_enter.html", {"form": form}, status=status)

    def form_refused(self, form, exc):
        return self._render(self.request, form, status=exc.status)

    def get(self, request):
        return self._render(request, StaffTipOffForm())

    def post(self, request):
        form = self.form = StaffTipOffForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        tipoff = services.tipoff_enter(
            actor=request.user,
            channel=data["channel"],
            category=data["category"],
            area=data["area"],
            place=data["place"],
            description=data["description"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
        )
        unit = tipoff.assigned_unit.name if tipoff.assigned_unit_id else _("（未确定，请转办）")
        messages.success(
            request,
            _(
                "已登记举报，受理编号 %(reference)s，查询码 %(code)s（请告知举报人，查询码只显示这一次）；承办单位：%(unit)s。"
            )
            % {"reference": tipoff.reference, "code": tipoff.check_code, "unit": unit},
        )
        return redirect("supervision:tipoff-detail", pk=tipoff.pk)


class TipOffAnswerView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """办理答复: the unit the tip-off was routed to (server-checked: only that unit)."""

    allowed_roles = TIPOFF_UNIT_USERS
    write_roles = TIPOFF_UNIT_USERS
    domain_error_redirect = "supervision:tipoff-detail"

    def domain_error_response(self, exc):
        if isinstance(exc, services.NotYoursError):
            raise Http404(exc.message) from exc
        return super().domain_error_response(exc)

    def post(self, request, pk: int):
        get_object_or_404(selectors.tipoffs_for(request.user), pk=pk)
        form = TipOffAnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择核查结论并填写办理答复。"))
            return redirect("supervision:tipoff-detail", pk=pk)
        services.tipoff_answer(
            actor=request.user, tipoff_id=pk, verified=form.cleaned_data["verified"], answer=form.cleaned_data["answer"]
        )
        messages.success(request, _("已答复该举报。"))
        return redirect("supervision:tipoff-detail", pk=pk)


class TipOffRouteView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """转办: the office or the supervision group routes a tip-off to a member unit by hand."""

    allowed_roles = TIPOFF_WRITERS
    write_roles = TIPOFF_WRITERS
    domain_error_redirect = "supervision:tipoff-detail"

    def post(self, request, pk: int):
        get_object_or_404(TipOff, pk=pk)
        form = TipOffRouteForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择承办单位。"))
            return redirect("supervision:tipoff-detail", pk=pk)
        tipoff = services.tipoff_route_to(actor=request.user, tipoff_id=pk, unit=form.cleaned_data["unit"])
        messages.success(request, _("已转办%(unit)s。") % {"unit": tipoff.assigned_unit.name})
        return redirect("supervision:tipoff-detail", pk=pk)


class TipOffLookupView(RoleRequiredMixin, View):
    """举报查询 (public, no login): the state of a tip-off by its reference number and the check
    code given at submission; look-ups are rate-limited per address and an unknown reference and
    a wrong code get the same answer, so references cannot be enumerated."""

    allowed_roles = PUBLIC

    def get(self, request):
        return render(request, "supervision/tipoff_lookup.html", {"form": TipOffLookupForm()})

    def post(self, request):
        form = TipOffLookupForm(request.POST)
        context = {"form": form}
        if not form.is_valid():
            return render(request, "supervision/tipoff_lookup.html", context, status=400)
        if not services.tipoff_lookup_rate_allow(client_address(request)):
            context["refused"] = _("查询过于频繁，请一小时后再试。")
            return render(request, "supervision/tipoff_lookup.html", context, status=429)
        tipoff = services.tipoff_lookup(reference=form.cleaned_data["reference"], code=form.cleaned_data["code"])
        if tipoff is None:
            context["not_found"] = True
            return render(request, "supervision/tipoff_lookup.html", context, status=404)
        context["tipoff"] = tipoff
        return render(request, "supervision/tipoff_lookup.html", context)


# ----------------------------------------------------------------------------- enforcement (§7.2)


class EnforcementOrderView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """下达执法措施 on an inspection's finding (POST from the inspection page)."""

    allowed_roles = ENFORCEMENT_WRITERS
    write_roles = ENFORCEMENT_WRITERS
    domain_error_redirect = "supervision:inspection"

    def post(self, request, pk: int):
        get_object_or_404(Inspection, pk=pk)
        form = EnforcementForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("执法措施填写有误。"))
            return redirect("supervision:inspection", pk=pk)
        data = form.cleaned_data
        action = services.enforcement_order(
            actor=request.user,
            inspection_id=pk,
            kind=data["kind"],
            fine_amount=data["fine_amount"],
            decision_number=data["decision_number"],
            referred_to=data["referred_to"],
            note=data["note"],
        )
        messages.success(request, _("已下达执法措施：%(kind)s。") % {"kind": action.get_kind_display()})
        return redirect("supervision:enforcement", pk=action.pk)


class EnforcementListView(RoleRequiredMixin, View):
    allowed_roles = ENFORCEMENT_READERS

    def get(self, request):
        kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
        qs = selectors.enforcement_actions(kind=kind, status=status)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "supervision/enforcement_list.html",
            {
                "page": page,
                "kind": kind,
                "status": status,
                "counts": selectors.enforcement_counts(qs),
                "kind_choices": EnforcementAction.Kind.choices,
                "status_choices": EnforcementAction.Status.choices,
                "repeat_ids": selectors.repeat_inspection_ids(),
            },
        )


class EnforcementDetailView(RoleRequiredMixin, View):
    allowed_roles = ENFORCEMENT_READERS

    def get(self, request, pk: int):
        action = get_object_or_404(selectors.enforcement_actions().select_related("followed_up_by", "closed_by"), pk=pk)
        step = {"ordered": "follow_up", "followed_up": "close"}.get(action.status)
        return render(
            request,
            "supervision/enforcement_detail.html",
            {
                "action": action,
                "step": step,
                "step_form": EnforcementStepForm(initial={"step": step}),
                "can_write": request.user.role in ENFORCEMENT_WRITERS and step is not None,
            },
        )


class EnforcementStepView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """跟进 (ordered → followed up) or 办结 (followed up → closed), with a note."""

    allowed_roles = ENFORCEMENT_WRITERS
    write_roles = ENFORCEMENT_WRITERS
    domain_error_redirect = "supervision:enforcement"

    def post(self, request, pk: int):
        get_object_or_404(EnforcementAction, pk=pk)
        form = EnforcementStepForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写说明。"))
            return redirect("supervision:enforcement", pk=pk)
        step = form.cleaned_data["step"]
        services.ENFORCEMENT_STEPS[step](actor=request.user, action_id=pk, note=form.cleaned_data["note"])
        messages.success(request, _("已跟进。") if step == "follow_up" else _("已办结。"))
        return redirect("supervision:enforcement", pk=pk)


class InspectionExportView(RoleRequiredMixin, View):
    """The supervision list as an Excel workbook, with the repeat-offender flags and the
    enforcement actions of each inspection (the filters of the page apply)."""

    allowed_roles = INSPECTION_READERS

    def get(self, request):
        filters = {key: request.GET.get(key, "") for key in ("county", "violation", "follow_up")}
        qs = selectors.inspections(**filters)
        repeat_ids = selectors.repeat_inspection_ids()
        if request.GET.get("repeat") == "1":
            qs = qs.filter(pk__in=repeat_ids)
        reply = HttpResponse(
            exports.inspections_workbook(qs[:5000], repeat_ids=repeat_ids),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        reply["Content-Disposition"] = content_disposition_header(True, f"督导检查-{timezone.localdate():%Y%m%d}.xlsx")
        return reply


class EnterpriseRecordView(RoleRequiredMixin, View):
    """An enterprise's supervision record (督查档案): its inspections and enforcement actions,
    flagged when it is a repeat offender (屡查屡犯)."""

    allowed_roles = INSPECTION_READERS

    def get(self, request, pk: int):
        enterprise = get_object_or_404(Enterprise.objects.select_related("area", "industry", "responsible_unit"), pk=pk)
        return render(
            request,
            "supervision/enterprise.html",
            {"enterprise": enterprise, **selectors.enterprise_record(enterprise.pk)},
        )
