"""Pages of the counties' headquarters and offices (§2, §8.1) and of their extra measures during a
response (§5.2). Thin: form → service → message → redirect; a refusal is the form again with its
message, or a message on the page it came from. A county user reaches only its own area (404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from core.views_mixins import DomainErrorMessageMixin

from . import exports, selectors, services
from .access import EDITORS, FILERS, MEASURE_READERS, PRINTERS, READERS
from .forms import BodyForm, ContactForm, MeasureForm
from .models import CountyBody

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _area(request, code: str):
    return get_object_or_404(selectors.areas_for(request.user), code=code)


def _kind(kind: str) -> str:
    if kind not in CountyBody.Kind.values:
        raise Http404(_("没有这个机构。"))
    return kind


def _can_edit(request, area) -> bool:
    role = request.user.role
    return role == Role.OFFICE or (role == Role.COUNTY and request.user.area_id == area.pk)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# ----------------------------------------------------------------------------- headquarters and offices


class CountyListView(RoleRequiredMixin, View):
    """县区应急指挥机构: every county-level area with its headquarters and office (a county: its own page)."""

    allowed_roles = READERS

    def get(self, request):
        if request.user.role == Role.COUNTY and request.user.area_id:
            area = selectors.areas_for(request.user).first()
            if area is not None:
                return redirect("counties:county", code=area.code)
        counts = selectors.contact_counts()
        areas = [{"area": a, "people": counts.get(a.pk, 0)} for a in selectors.areas_for(request.user)]
        return render(request, "counties/list.html", {"areas": areas, "can_print": request.user.role in PRINTERS})


class CountyDetailView(RoleRequiredMixin, View):
    """One county's headquarters and office: the people with their posts and phones, and the forms."""

    allowed_roles = READERS

    def get(self, request, code: str):
        area = _area(request, code)
        can_edit = _can_edit(request, area)
        bodies = selectors.bodies_of(area)
        for body in bodies:  # one add form per body, with ids of its own
            body.contact_form = ContactForm(auto_id=f"id_{body.kind}_%s") if can_edit else None
        return render(
            request,
            "counties/county.html",
            {
                "area": area,
                "bodies": bodies,
                "can_edit": can_edit,
                "can_print": request.user.role in PRINTERS,
            },
        )


class _EditView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = EDITORS
    write_roles = EDITORS
    template_name = ""

    def refuse_unless_editor(self, request, area) -> None:
        if not _can_edit(request, area):
            raise Http404(_("没有这个县区。"))

    def form_refused(self, form, exc):
        return render(self.request, self.template_name, {**self.context, "form": form}, status=exc.status)


class BodyEditView(_EditView):
    """Name, host unit and duty phone of a county's headquarters or office."""

    template_name = "counties/body_form.html"

    def _setup(self, request, code, kind):
        area = _area(request, code)
        self.refuse_unless_editor(request, area)
        body = next(b for b in selectors.bodies_of(area) if b.kind == _kind(kind))
        self.context = {"area": area, "body": body}
        return area, body

    def get(self, request, code: str, kind: str):
        _unused, body = self._setup(request, code, kind)
        return render(request, self.template_name, {**self.context, "form": BodyForm(instance=body)})

    def post(self, request, code: str, kind: str):
        area, body = self._setup(request, code, kind)
        self.form = BodyForm(request.POST, instance=CountyBody(area=area, kind=kind))
        if not self.form.is_valid():
            return render(request, self.template_name, {**self.context, "form": self.form}, status=400)
        services.county_body_save(actor=request.user, area_id=area.pk, kind=kind, **self.form.cleaned_data)
        messages.success(request, _("已保存%(body)s的信息。") % {"body": self.form.cleaned_data["name"]})
        return redirect("counties:county", code=area.code)


class ContactCreateView(_EditView):
    template_name = "counties/contact_form.html"

    def _setup(self, request, code, kind):
        area = _area(request, code)
        self.refuse_unless_editor(request, area)
        body = next(b for b in selectors.bodies_of(area) if b.kind == _kind(kind))
        self.context = {"area": area, "body": body, "contact": None}
        return area

    def get(self, request, code: str, kind: str):
        self._setup(request, code, kind)
        return render(request, self.template_name, {**self.context, "form": ContactForm()})

    def post(self, request, code: str, kind: str):
        area = self._setup(request, code, kind)
        self.form = ContactForm(request.POST)
        if not self.form.is_valid():
            return render(request, self.template_name, {**self.context, "form": self.form}, status=400)
        contact = services.county_contact_add(actor=request.user, area_id=area.pk, kind=kind, **self.form.cleaned_data)
        messages.success(request, _("已添加 %(name)s。") % {"name": contact.name})
        return redirect("counties:county", code=area.code)


class ContactEditView(_EditView):
    template_name = "counties/contact_form.html"

    def _setup(self, request, pk):
        contact = get_object_or_404(selectors.contacts_for(request.user), pk=pk)
        self.refuse_unless_editor(request, contact.body.area)
        self.context = {"area": contact.body.area, "body": contact.body, "contact": contact}
        return contact

    def get(self, request, pk: int):
        contact = self._setup(request, pk)
        return render(request, self.template_name, {**self.context, "form": ContactForm(instance=contact)})

    def post(self, request, pk: int):
        contact = self._setup(request, pk)
        self.form = ContactForm(request.POST, instance=contact)
        if not self.form.is_valid():
            return render(request, self.template_name, {**self.context, "form": self.form}, status=400)
        services.county_contact_update(actor=request.user, contact_id=pk, **self.form.cleaned_data)
        messages.success(request, _("已修改 %(name)s 的信息。") % {"name": self.form.cleaned_data["name"]})
        return redirect("counties:county", code=contact.body.area.code)


class ContactDeleteView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = EDITORS
    write_roles = EDITORS

    def post(self, request, pk: int):
        contact = get_object_or_404(selectors.contacts_for(request.user), pk=pk)
        code = contact.body.area.code
        self.domain_error_url = lambda exc: reverse("counties:county", kwargs={"code": code})
        services.county_contact_remove(actor=request.user, contact_id=pk)
        messages.success(request, _("已删除 %(name)s。") % {"name": contact.name})
        return redirect("counties:county", code=code)


class CountyPrintView(RoleRequiredMixin, View):
    """The printable contact list of a county (A4, the browser's print)."""

    allowed_roles = PRINTERS

    def get(self, request, code: str):
        area = _area(request, code)
        return render(request, "counties/county_print.html", {"area": area, "bodies": selectors.bodies_of(area)})


class CountyExcelView(RoleRequiredMixin, View):
    allowed_roles = PRINTERS

    def get(self, request, code: str):
        area = _area(request, code)
        data = exports.contacts_workbook(
            [(area, selectors.bodies_of(area))], title=f"{area.name}重污染天气应急指挥部及办公室人员名单"
        )
        return _xlsx(data, f"{area.name}应急指挥部人员名单.xlsx")


class AllCountiesExcelView(RoleRequiredMixin, View):
    """Every county's headquarters and office people in one workbook (a county: its own)."""

    allowed_roles = PRINTERS

    def get(self, request):
        areas = [(area, selectors.bodies_of(area)) for area in selectors.areas_for(request.user)]
        data = exports.contacts_workbook(areas, title="各县区重污染天气应急指挥部及办公室人员名单")
        return _xlsx(data, "县区应急指挥部人员名单.xlsx")


# ----------------------------------------------------------------------------- extra measures (§5.2)


class MeasureResponsesView(RoleRequiredMixin, View):
    """县区加强措施: the responses, the one in force first, with how many extra measures each has."""

    allowed_roles = MEASURE_READERS

    def get(self, request):
        counts = selectors.measure_counts(request.user)
        rows = [{"response": r, "count": counts.get(r.pk, 0)} for r in selectors.responses()[:100]]
        return render(request, "counties/responses.html", {"rows": rows})


def _response(warning_id: int):
    return get_object_or_404(selectors.response_for_warning(warning_id))


def _grouped(measures) -> list[dict]:
    groups: dict[int, dict] = {}
    for m in measures:
        groups.setdefault(m.area_id, {"area": m.area, "measures": []})["measures"].append(m)
    return list(groups.values())


class ResponseMeasuresView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """The extra measures of one response: the office sees every county's; a county its own, with
    the form to file one while the response is in force."""

    allowed_roles = MEASURE_READERS
    write_roles = FILERS

    def _context(self, request, response, form=None):
        measures = list(selectors.measures_for(request.user).filter(response=response))
        can_file = request.user.role == Role.COUNTY and response.status == response.Status.ACTIVE
        return {
            "response": response,
            "groups": _grouped(measures),
            "count": len(measures),
            "can_file": can_file,
            "form": form or (MeasureForm() if can_file else None),
            "is_county": request.user.role == Role.COUNTY,
        }

    def get(self, request, warning_id: int):
        response = _response(warning_id)
        return render(request, "counties/measures.html", self._context(request, response))

    def post(self, request, warning_id: int):
        response = _response(warning_id)
        self.form = MeasureForm(request.POST)
        self.response = response
        if not self.form.is_valid():
            return render(request, "counties/measures.html", self._context(request, response, self.form), status=400)
        services.extra_measure_file(actor=request.user, response_id=response.pk, **self.form.cleaned_data)
        messages.success(request, _("已填报加强应急减排措施。"))
        return redirect("counties:measures", warning_id=warning_id)

    def form_refused(self, form, exc):
        return render(
            self.request, "counties/measures.html", self._context(self.request, self.response, form), status=exc.status
        )


class MeasureEditView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = FILERS
    write_roles = FILERS

    def _measure(self, request, pk):
        return get_object_or_404(selectors.measures_for(request.user), pk=pk)

    def get(self, request, pk: int):
        measure = self._measure(request, pk)
        return render(
            request, "counties/measure_form.html", {"measure": measure, "form": MeasureForm(instance=measure)}
        )

    def post(self, request, pk: int):
        self.measure = self._measure(request, pk)
        self.form = MeasureForm(request.POST, instance=self.measure)
        if not self.form.is_valid():
            return self.form_refused(self.form, None)
        services.extra_measure_update(actor=request.user, measure_id=pk, **self.form.cleaned_data)
        messages.success(request, _("已修改加强应急减排措施。"))
        return redirect("counties:measures", warning_id=self.measure.response.warning_id)

    def form_refused(self, form, exc):
        self.measure.refresh_from_db()
        return render(
            self.request,
            "counties/measure_form.html",
            {"measure": self.measure, "form": form},
            status=exc.status if exc is not None else 400,
        )


class MeasureDeleteView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = FILERS
    write_roles = FILERS

    def post(self, request, pk: int):
        measure = get_object_or_404(selectors.measures_for(request.user), pk=pk)
        warning_id = measure.response.warning_id
        self.domain_error_url = lambda exc: reverse("counties:measures", kwargs={"warning_id": warning_id})
        services.extra_measure_withdraw(actor=request.user, measure_id=pk)
        messages.success(request, _("已撤回该条加强措施。"))
        return redirect("counties:measures", warning_id=warning_id)


class MeasuresPrintView(RoleRequiredMixin, View):
    allowed_roles = MEASURE_READERS

    def get(self, request, warning_id: int):
        response = _response(warning_id)
        measures = list(selectors.measures_for(request.user).filter(response=response))
        return render(
            request,
            "counties/measures_print.html",
            {"response": response, "groups": _grouped(measures), "count": len(measures)},
        )


class MeasuresExcelView(RoleRequiredMixin, View):
    allowed_roles = MEASURE_READERS

    def get(self, request, warning_id: int):
        response = _response(warning_id)
        measures = list(selectors.measures_for(request.user).filter(response=response))
        return _xlsx(exports.measures_workbook(response, measures), f"{response.warning.number}县区加强措施.xlsx")
