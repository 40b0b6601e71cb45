"""Pages of the measures app: §5.3 measures per level, the 附件11 table, the enterprise list
(应急减排清单) with its Excel import, obligations and reduction estimate during a response, and
the public lookup for enterprises."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import LEADERS, OFFICE_AND_ADMIN, PUBLIC, STAFF, Role
from core.staging import UploadStage
from core.views_mixins import DomainErrorMessageMixin
from supervision.selectors import repeat_enterprise_ids

from . import selectors, services
from .charts import reduction_chart
from .demo import template_workbook
from .domain.constants import GRADES, LEVEL_NAMES, LEVELS, POLLUTANT_NAMES, POLLUTANT_SYMBOLS, POLLUTANTS
from .domain.registry import TEMPLATE_HEADERS
from .forms import EnterpriseFilterForm, EnterpriseUploadForm, IndustryFilterForm, LookupForm
from .models import Enterprise, ResponseMeasure

#: Who sees obligations: the office, leaders, the supervision group, administrators, and member
#: units and counties (each its own slice).
OBLIGATION_READERS: frozenset[str] = frozenset(
    {Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, Role.UNIT, Role.COUNTY, *LEADERS}
)
FUEL_NAMES = dict(Enterprise.Fuel.choices)
STAGE = UploadStage(prefix="measures:enterprise-import", session_key="enterprise_import_token")


def _level(request: HttpRequest, default: str | None = None) -> str:
    level = request.GET.get("level", "")
    return level if level in LEVELS else (default or LEVELS[0])


def _tabs(level: str) -> list[dict]:
    return [{"level": lv, "name": LEVEL_NAMES[lv] + "响应", "active": lv == level} for lv in LEVELS]


class IndexView(RoleRequiredMixin, TemplateView):
    """§5.3 measures of one level (tabs Ⅲ/Ⅱ/Ⅰ), grouped by category, with their units."""

    allowed_roles = STAFF
    template_name = "measures/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        in_force = selectors.response_in_force()
        level = _level(self.request, in_force)
        sections: list[dict] = []
        for measure in selectors.measures_for_level(level):
            if not sections or sections[-1]["category"] != measure.category or sections[-1]["title"] != measure.title:
                sections.append(
                    {
                        "category": measure.category,
                        "label": measure.get_category_display(),
                        "title": measure.title,
                        "measures": [],
                    }
                )
            sections[-1]["measures"].append(measure)
        target = selectors.reduction_targets().get(level)
        ctx.update(
            level=level,
            level_name=LEVEL_NAMES[level],
            tabs=_tabs(level),
            sections=sections,
            target=target,
            ozone=selectors.ozone_measures(),
            in_force=in_force,
            in_force_name=LEVEL_NAMES.get(in_force or "", ""),
            mandatory=ResponseMeasure.Category.MANDATORY_INDUSTRY,
        )
        return ctx


class IndustryTableView(RoleRequiredMixin, TemplateView):
    """附件11 at one level: industries × grades, sub-types inside the cells, the notes; filters."""

    allowed_roles = STAFF
    template_name = "measures/industry.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = IndustryFilterForm(self.request.GET or None)
        values = form.cleaned_data if form.is_valid() else {}
        level = values.get("level") or LEVELS[0]
        industry = values.get("industry") or None
        grade = values.get("grade") or None
        query = (values.get("q") or "").strip()
        rows = selectors.annex11_table(level, industry=industry, grade=grade, query=query)
        ctx.update(
            form=form,
            level=level,
            level_name=LEVEL_NAMES[level],
            tabs=_tabs(level),
            rows=rows,
            grades=[grade] if grade else list(GRADES),
            notes=selectors.annex11_notes(level),
            query=query,
            filtered=bool(industry or grade or query),
            querystring=self.request.GET.urlencode(),
        )
        return ctx


class EnterpriseListView(RoleRequiredMixin, View):
    """The enterprise list (应急减排清单) with filters, and the Excel upload (POST → preview)."""

    allowed_roles = OFFICE_AND_ADMIN
    write_roles = OFFICE_AND_ADMIN
    template_name = "measures/enterprises.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, EnterpriseUploadForm())

    def _render(self, request: HttpRequest, upload_form: EnterpriseUploadForm, status: int = 200) -> HttpResponse:
        form = EnterpriseFilterForm(request.GET or None)
        values = form.cleaned_data if form.is_valid() else {}
        qs = selectors.enterprises(
            area=values.get("area") or None,
            industry=values.get("industry") or None,
            grade=values.get("grade") or None,
            query=(values.get("q") or "").strip(),
        )
        page = Paginator(qs, 100).get_page(request.GET.get("page"))
        for enterprise in page.object_list:
            enterprise.exemption = selectors.enterprise_exemption(enterprise)
        params = request.GET.copy()
        params.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "upload_form": upload_form,
                "page": page,
                "total": qs.count(),
                "querystring": params.urlencode(),
                "headers": TEMPLATE_HEADERS,
                "repeat_ids": repeat_enterprise_ids(),  # 屡查屡犯 (supervision, plan §7.2)
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        upload_form = EnterpriseUploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self._render(request, upload_form, status=400)
        upload = upload_form.cleaned_data["file"]
        data = upload.read()
        result = services.enterprise_preview(data=data, name=upload.name)
        STAGE.put(request, {"name": upload.name, "data": data})
        return _render_preview(request, result)


def _render_preview(request: HttpRequest, result) -> HttpResponse:
    counts = services.classify_rows(result)
    areas = dict(selectors.areas_for_filter().values_list("code", "name"))
    industry_names = dict(selectors.industries().values_list("seq", "name"))
    rows = [
        {
            "row": r.row,
            "name": r.name,
            "area": areas.get(r.area_code, r.area_code),
            "industry": industry_names.get(r.industry_seq, r.industry_seq),
            "subtype": r.subtype,
            "grade": r.grade,
            "so2_t": r.so2_t,
            "nox_t": r.nox_t,
            "pm_t": r.pm_t,
            "vocs_t": r.vocs_t,
            "fuel": FUEL_NAMES.get(r.fuel, r.fuel),
        }
        for r in result.rows[:200]
    ]
    return render(
        request,
        "measures/enterprise_preview.html",
        {
            "result": result,
            "errors": [e.as_dict() for e in result.errors],
            "counts": counts,
            "rows": rows,
            "can_confirm": result.ok and (counts["created"] or counts["updated"]),
        },
        status=200 if result.ok else 400,
    )


class EnterpriseImportConfirmView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """Confirm (or cancel) the staged upload; GET shows the preview again (and a list refused at
    confirmation, with its errors)."""

    allowed_roles = OFFICE_AND_ADMIN
    write_roles = OFFICE_AND_ADMIN
    domain_error_redirect = "measures:enterprise-import"

    def get(self, request: HttpRequest) -> HttpResponse:
        staged = STAGE.get(request)
        if staged is None:
            messages.warning(request, _("没有待确认的上传文件，或预览已过期，请重新上传。"))
            return redirect("measures:enterprises")
        return _render_preview(request, services.enterprise_preview(data=staged["data"], name=staged["name"]))

    def post(self, request: HttpRequest) -> HttpResponse:
        staged = STAGE.get(request)
        if staged is None:
            messages.warning(request, _("没有待确认的上传文件，或预览已过期，请重新上传。"))
            return redirect("measures:enterprises")
        if request.POST.get("action") == "cancel":
            STAGE.discard(request)
            messages.info(request, _("已取消，未导入任何企业。"))
            return redirect("measures:enterprises")
        outcome = services.enterprise_import(data=staged["data"], name=staged["name"], actor=request.user)
        STAGE.discard(request)
        messages.success(
            request,
            _("已导入「%(name)s」：%(rows)s 家企业，新增 %(created)s 家，更新 %(updated)s 家，未变 %(unchanged)s 家。")
            % {
                "name": outcome.name,
                "rows": outcome.row_count,
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            },
        )
        return redirect("measures:enterprises")


class EnterpriseTemplateView(RoleRequiredMixin, View):
    """An empty 应急减排清单 workbook with the expected headers."""

    allowed_roles = OFFICE_AND_ADMIN

    def get(self, request: HttpRequest) -> HttpResponse:
        buffer = io.BytesIO()
        template_workbook().save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            "attachment; filename*=UTF-8''%E5%BA%94%E6%80%A5%E5%87%8F%E6%8E%92%E6%B8%85%E5%8D%95%E6%A8%A1%E6%9D%BF.xlsx"
        )
        return response


class ObligationsView(RoleRequiredMixin, TemplateView):
    """Each enterprise's obligations at a level, by county or by responsible unit, and the
    expected reduction against the level's target. Units and counties see their own slice."""

    allowed_roles = OBLIGATION_READERS
    template_name = "measures/obligations.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        in_force = selectors.response_in_force()
        level = _level(self.request, in_force)
        group = self.request.GET.get("group", "area")
        group = group if group in ("area", "unit") else "area"
        user = self.request.user
        result = selectors.obligations_for(level, user=user)
        whole_city = user.role not in (Role.UNIT, Role.COUNTY)
        if user.role == Role.COUNTY:
            scope = user.area.name
        elif user.role == Role.UNIT:
            scope = user.unit.name
        else:
            scope = _("全市")
        lines = [
            {
                "key": line.pollutant,
                "name": POLLUTANT_NAMES[line.pollutant],
                "symbol": POLLUTANT_SYMBOLS[line.pollutant],
                "line": line,
                "top": result.estimate.top_sources.get(line.pollutant, []),
                "areas": result.estimate.by_area.get(line.pollutant, [])[:6],
                "industries": result.estimate.by_industry.get(line.pollutant, [])[:6],
            }
            for line in result.estimate.lines
        ]
        ctx.update(
            level=level,
            level_name=LEVEL_NAMES[level],
            tabs=_tabs(level),
            group=group,
            groups=result.by_area if group == "area" else result.by_unit,
            result=result,
            lines=lines,
            short=[line for line in lines if line["line"].short],
            reduction_chart=reduction_chart(result.estimate.lines, result.target_percent),
            in_force=in_force,
            in_force_name=LEVEL_NAMES.get(in_force or "", ""),
            scope=scope,
            whole_city=whole_city,
            pollutants=POLLUTANTS,
        )
        return ctx


class EnterpriseLookupView(RoleRequiredMixin, TemplateView):
    """For enterprises, no login: pick industry, grade and level, see what 附件11 obliges."""

    allowed_roles = PUBLIC
    template_name = "measures/lookup.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = LookupForm(self.request.GET or None)
        cell = None
        industry = None
        if form.is_bound and form.is_valid():
            industry = selectors.find_industry(form.cleaned_data["industry"])
            level = form.cleaned_data["level"]
            grade = form.cleaned_data["grade"]
            if industry.single_measure:
                grade_used = GRADES[0]
            else:
                grade_used = grade
            cell = {
                "industry": industry,
                "name": industry.name_at(level),
                "level": level,
                "level_name": LEVEL_NAMES[level],
                "grade": grade,
                "single": industry.single_measure,
                "entries": selectors.cell_for(level, industry, grade_used),
                "notes": selectors.annex11_notes(level),
                "target": selectors.reduction_targets().get(level),
            }
        ctx.update(form=form, cell=cell)
        return ctx
