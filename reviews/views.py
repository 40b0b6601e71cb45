"""Pages of the after-action record (总结评估): the response statistics table and summary report
(附件6), the effect evaluation (附件8) and drill records (附件7), each with a printable page.

The office and administrators write; the leaders and the supervision group read."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from accounts.permissions import RoleRequiredMixin
from accounts.roles import LEADERS, OFFICE_AND_ADMIN, Role
from alerts.models import Warning
from core.views_mixins import DomainErrorMessageMixin

from . import domain, selectors, services
from .forms import DrillForm, EvaluationForm, SummaryForm, SummaryReopenForm
from .models import OFFICE_NAME, DrillRecord

WRITERS: frozenset[str] = OFFICE_AND_ADMIN
READERS: frozenset[str] = frozenset({*OFFICE_AND_ADMIN, *LEADERS, Role.SUPERVISOR})


def _can_write(request: HttpRequest) -> bool:
    return request.user.role in WRITERS


def _warning(warning_id: int) -> Warning:
    try:
        return selectors.warning_for_review(warning_id)
    except Warning.DoesNotExist as exc:
        raise Http404(_("没有这个已发布的预警。")) from exc


def _dash(value, unit: str = "") -> str:
    return "—" if value is None else f"{value}{unit}"


def data_rows(figures: dict) -> list[dict]:
    """The figures assembled from the other apps, as (heading, text) rows for the table."""
    rows = []
    not_found = _("未找到该预警的应急响应记录")
    orders = figures.get("orders")
    if orders is None:
        rows.append({"label": _("指令下达"), "text": _("暂无数据（应急响应模块未提供）"), "missing": True})
    elif not orders.get("found", True):
        rows.append({"label": _("指令下达"), "text": not_found, "missing": True})
    else:
        rows.append(
            {
                "label": _("指令下达"),
                "text": _(
                    "向 %(units)s 个成员单位下达指令 %(issued)s 条（%(rounds)s 轮），已签收 %(ack)s 条，已落实到位 %(in_place)s 条，"
                    "其中2小时内按时到位 %(on_time)s 条、超时 %(late)s 条"
                )
                % {
                    "issued": orders["issued"],
                    "units": _dash(orders.get("units")),
                    "rounds": _dash(orders.get("rounds")),
                    "ack": _dash(orders.get("acknowledged")),
                    "in_place": _dash(orders.get("in_place")),
                    "on_time": _dash(orders.get("on_time")),
                    "late": _dash(orders.get("late")),
                },
            }
        )
    reports = figures.get("reports")
    if reports is None:
        rows.append({"label": _("每日报送"), "text": _("暂无数据（应急响应模块未提供）"), "missing": True})
    elif not reports.get("found", True):
        rows.append({"label": _("每日报送"), "text": not_found, "missing": True})
    else:
        text = _("应报 %(expected)s 份（%(days)s 天），按时 %(on_time)s 份、迟报 %(late)s 份、缺报 %(missing)s 份") % {
            "expected": _dash(reports.get("expected")),
            "days": _dash(reports.get("days")),
            "on_time": _dash(reports.get("on_time")),
            "late": _dash(reports.get("late")),
            "missing": _dash(reports.get("missing")),
        }
        if reports.get("pending"):
            text += _("、待报 %(n)s 份") % {"n": reports["pending"]}
        text += _("；成员单位报送检查 %(inspections)s 次、检查企业 %(enterprises)s 家、发现问题 %(violations)s 个") % {
            "inspections": _dash(reports.get("inspections")),
            "enterprises": _dash(reports.get("enterprises_checked")),
            "violations": _dash(reports.get("violations")),
        }
        rows.append({"label": _("每日报送"), "text": text})
    supervision = figures.get("supervision")
    if supervision is None:
        rows.append({"label": _("督导检查"), "text": _("暂无数据（督导检查模块未提供）"), "missing": True})
    else:
        rows.append(
            {
                "label": _("督导检查"),
                "text": _(
                    "督导检查 %(inspections)s 次，发现违规 %(violations)s 起；公众举报 %(tipoffs)s 条，经核查属实 %(verified)s 条"
                )
                % {
                    "inspections": _dash(supervision.get("inspections")),
                    "violations": _dash(supervision.get("violations")),
                    "tipoffs": _dash(supervision.get("tipoffs")),
                    "verified": _dash(supervision.get("tipoffs_verified")),
                },
            }
        )
        rows.append(
            {
                "label": _("执法处置"),
                "text": _(
                    "责令停产 %(stops)s 起，罚款 %(fines)s 起（合计 %(total)s 元），移送 %(referrals)s 起；屡查屡犯 %(repeat)s 家"
                )
                % {
                    "stops": _dash(supervision.get("stops")),
                    "fines": _dash(supervision.get("fines")),
                    "total": _dash(supervision.get("fine_total")),
                    "referrals": _dash(supervision.get("referrals")),
                    "repeat": _dash(supervision.get("repeat_offenders")),
                },
            }
        )
    county = figures.get("county_measures")
    if county and county.get("count"):
        rows.append(
            {
                "label": _("县区加强措施"),
                "text": _("%(n)s 条（%(areas)s）")
                % {"n": county["count"], "areas": "、".join(f"{a['area']} {a['count']}" for a in county["areas"])},
            }
        )
    elif county is not None:
        rows.append({"label": _("县区加强措施"), "text": _("县区未填报加强应急减排措施"), "missing": True})
    reduction = figures.get("reduction")
    if reduction:
        rows.append({"label": _("减排测算"), "text": "；".join(selectors.reduction_lines(reduction))})
    else:
        rows.append({"label": _("减排测算"), "text": _("暂无数据（应急减排清单未提供该级别的测算）"), "missing": True})
    return rows


def _summary_context(warning: Warning) -> dict:
    summary = selectors.summary_for(warning)
    if summary is not None and summary.is_final and summary.snapshot:
        figures, live = summary.snapshot, False
    else:
        figures, live = selectors.summary_figures(warning), True
    return {
        "warning": warning,
        "summary": summary,
        "figures": figures,
        "live": live,
        "data_rows": data_rows(figures),
        "office_name": OFFICE_NAME,
    }


# --------------------------------------------------------------------------- index


class ReviewIndexView(RoleRequiredMixin, View):
    """Warnings that started a response, with the state of their 附件6 and 附件8, and the drills."""

    allowed_roles = READERS
    template_name = "reviews/index.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        warnings = list(selectors.reviewable_warnings()[:200])
        rows = []
        for warning in warnings:
            ep = selectors.episode(warning)
            rows.append(
                {
                    "warning": warning,
                    "episode": ep,
                    "level": domain.highest_level(ep.steps),
                    "summary": getattr(warning, "response_summary", None),
                    "evaluation": getattr(warning, "effect_evaluation", None),
                    "start_text": domain.hour_text(ep.start),
                    "end_text": domain.hour_text(ep.end),
                    "hours_text": domain.duration_text(ep.hours),
                }
            )
        for row in rows:
            row["level_label"] = domain.level_label(row["level"])
        return render(
            request,
            self.template_name,
            {
                "rows": rows,
                "drills": selectors.drills()[:10],
                "can_write": _can_write(request),
            },
        )


# --------------------------------------------------------------------------- 附件6


class SummaryView(RoleRequiredMixin, View):
    allowed_roles = READERS
    template_name = "reviews/summary.html"

    def get(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        context = _summary_context(_warning(warning_id))
        context["can_write"] = _can_write(request)
        context["reopen_form"] = SummaryReopenForm()
        return render(request, self.template_name, context)


class SummaryPrintView(SummaryView):
    template_name = "reviews/summary_print.html"


class SummaryEditView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = WRITERS
    write_roles = WRITERS
    template_name = "reviews/summary_edit.html"

    def get(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning = _warning(warning_id)
        summary = selectors.summary_for(warning)
        if summary is not None and summary.is_final:
            messages.error(request, _("统计表已定稿，不能修改；如需修改请先撤销定稿。"))
            return redirect("reviews:summary", warning_id=warning.pk)
        initial = (
            {f: getattr(summary, f) for f in services.SUMMARY_TEXTS}
            if summary
            else {"filled_by_name": request.user.get_full_name() or request.user.username}
        )
        return self._render(request, warning, SummaryForm(initial=initial))

    def _render(self, request, warning, form, status=200):
        context = _summary_context(warning)
        context["form"] = form
        return render(request, self.template_name, context, status=status)

    def form_refused(self, form, exc):
        return self._render(self.request, self.warning, form, status=exc.status)

    def post(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning = self.warning = _warning(warning_id)
        form = self.form = SummaryForm(request.POST)
        if not form.is_valid():
            return self._render(request, warning, form, status=400)
        services.summary_save(actor=request.user, warning_id=warning.pk, **form.cleaned_data)
        messages.success(request, _("统计表已保存。"))
        return redirect("reviews:summary", warning_id=warning.pk)


class SummaryFinalizeView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """GET: the confirmation page showing the figures that will be frozen; POST: finalise."""

    allowed_roles = WRITERS
    write_roles = WRITERS
    template_name = "reviews/summary_finalize.html"
    domain_error_redirect = "reviews:summary"

    def get(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning = _warning(warning_id)
        context = _summary_context(warning)
        if context["summary"] is not None and context["summary"].is_final:
            messages.info(request, _("统计表已定稿。"))
            return redirect("reviews:summary", warning_id=warning.pk)
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning = _warning(warning_id)
        services.summary_finalize(actor=request.user, warning_id=warning.pk)
        messages.success(request, _("统计表已定稿，统计数据已固定。"))
        return redirect("reviews:summary", warning_id=warning.pk)


class SummaryReopenView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = WRITERS
    write_roles = WRITERS
    domain_error_redirect = "reviews:summary"

    def post(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning = _warning(warning_id)
        form = SummaryReopenForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
            return redirect("reviews:summary", warning_id=warning.pk)
        services.summary_reopen(actor=request.user, warning_id=warning.pk, reason=form.cleaned_data["reason"])
        messages.success(request, _("已撤销定稿，统计数据恢复为实时计算。"))
        return redirect("reviews:summary", warning_id=warning.pk)


# --------------------------------------------------------------------------- 附件8


class EvaluationView(RoleRequiredMixin, View):
    allowed_roles = READERS
    template_name = "reviews/evaluation.html"

    def get(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning = _warning(warning_id)
        evaluation = selectors.evaluation_for(warning)
        if evaluation is None and _can_write(request) and self.template_name == EvaluationView.template_name:
            return redirect("reviews:evaluation-edit", warning_id=warning.pk)
        return render(
            request,
            self.template_name,
            {
                "warning": warning,
                "evaluation": evaluation,
                "can_write": _can_write(request),
            },
        )


class EvaluationPrintView(EvaluationView):
    template_name = "reviews/evaluation_print.html"


class EvaluationEditView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = WRITERS
    write_roles = WRITERS
    template_name = "reviews/evaluation_edit.html"

    def get(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning = _warning(warning_id)
        evaluation = selectors.evaluation_for(warning)
        prefill = None
        if evaluation is None:
            prefill = selectors.evaluation_prefill(warning)
            initial = {
                "organiser": OFFICE_NAME,
                "level": prefill["level"],
                "content": prefill["content"],
                "evaluated_on": timezone.localdate(),
            }
        else:
            initial = {f: getattr(evaluation, f) for f in services.EVALUATION_FIELDS}
            initial["experts"] = list(evaluation.experts.all())
        return self._render(request, warning, EvaluationForm(initial=initial), evaluation, prefill)

    def _render(self, request, warning, form, evaluation, prefill, status=200):
        figures = prefill["figures"] if prefill else (evaluation.figures if evaluation else {})
        return render(
            request,
            self.template_name,
            {
                "warning": warning,
                "form": form,
                "evaluation": evaluation,
                "figures": figures,
            },
            status=status,
        )

    def form_refused(self, form, exc):
        return self._render(self.request, self.warning, form, self.evaluation, None, status=exc.status)

    def post(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning = self.warning = _warning(warning_id)
        evaluation = self.evaluation = selectors.evaluation_for(warning)
        form = self.form = EvaluationForm(request.POST)
        if not form.is_valid():
            return self._render(request, warning, form, evaluation, None, status=400)
        data = dict(form.cleaned_data)
        experts = list(data.pop("experts"))
        services.evaluation_save(actor=request.user, warning_id=warning.pk, experts=experts, **data)
        messages.success(request, _("应急效果评估表已保存。"))
        return redirect("reviews:evaluation", warning_id=warning.pk)


# --------------------------------------------------------------------------- 附件7


class DrillListView(RoleRequiredMixin, View):
    allowed_roles = READERS
    template_name = "reviews/drill_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"drills": selectors.drills(), "can_write": _can_write(request)})


def _drill_context(form: DrillForm, record: DrillRecord | None) -> dict:
    groups = {
        "basic_fields": (
            "plan_name",
            "location",
            "organiser",
            "commander",
            "held_at",
            "participants",
            "mode",
            "replay",
        ),
        "plan_fields": ("suitability", "adequacy"),
        "effect_fields": ("presence", "proficiency", "materials", "protection", "coordination", "effect", "support"),
        "closing_fields": ("problems", "improvements", "recorder", "reviewer", "recorded_on"),
    }
    context = {name: [form[f] for f in fields] for name, fields in groups.items()}
    return {**context, "form": form, "record": record}


def _drill_data(form: DrillForm) -> dict:
    data = dict(form.cleaned_data)
    data["support"] = list(data.get("support") or [])
    return data


class _DrillFormView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = WRITERS
    write_roles = WRITERS
    template_name = "reviews/drill_form.html"
    record = None

    def form_refused(self, form, exc):
        return render(self.request, self.template_name, _drill_context(form, self.record), status=exc.status)


class DrillCreateView(_DrillFormView):
    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"recorder": request.user.get_full_name() or request.user.username}
        replay = request.GET.get("replay")
        if replay and replay.isdigit():
            initial["replay"] = replay
        return render(request, self.template_name, _drill_context(DrillForm(initial=initial), None))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form = DrillForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, _drill_context(form, None), status=400)
        record = services.drill_create(actor=request.user, **_drill_data(form))
        messages.success(request, _("演练记录已保存。"))
        return redirect("reviews:drill", pk=record.pk)


class DrillEditView(_DrillFormView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(DrillRecord, pk=pk)
        form = DrillForm(initial=DrillForm.initial_from(record))
        return render(request, self.template_name, _drill_context(form, record))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.record = get_object_or_404(DrillRecord, pk=pk)
        form = self.form = DrillForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, _drill_context(form, record), status=400)
        services.drill_update(actor=request.user, drill_id=record.pk, **_drill_data(form))
        messages.success(request, _("演练记录已保存。"))
        return redirect("reviews:drill", pk=record.pk)


class DrillDetailView(RoleRequiredMixin, View):
    allowed_roles = READERS
    template_name = "reviews/drill.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(selectors.drills(), pk=pk)
        return render(
            request,
            self.template_name,
            {"record": record, "can_write": _can_write(request), "items": drill_items(record)},
        )


class DrillPrintView(DrillDetailView):
    template_name = "reviews/drill_print.html"


def drill_items(record: DrillRecord) -> dict:
    """Each review item's check boxes, by field name, for the annex layout."""
    return {field: record.ticks(field) for field, _group, _choices in DrillRecord.REVIEW_ITEMS}


# --------------------------------------------------------------------------- 附件6 yearly statistics

#: The years the statistics page offers (the plan is of 2023; a year outside is refused).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def statistics_year(request: HttpRequest) -> int:
    """?year=2026, else the current year (local time)."""
    text = (request.GET.get("year") or "").strip()
    if not text:
        return timezone.localdate().year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise Http404(_("年份无效。"))
    return int(text)


def year_statistics(year: int, *, now: dt.datetime | None = None) -> dict:
    """附件6 for a year: every response (a warning published and active or lifted) that started in
    the year, with its level steps, start, end and hours, and the year's cumulative count and hours.
    The figures are those of the summary table (reviews.selectors.episode, reviews.domain): hours
    from the hour of publication to the hour of lifting; a response counts in the year it started;
    the totals count ended responses (a response in progress is listed, with its hours so far)."""
    now = timezone.localtime(now or timezone.now())
    # A wide net on stored times; the year of each response is decided on its local start.
    lo = dt.datetime(year - 1, 12, 30, tzinfo=dt.UTC)
    hi = dt.datetime(year + 1, 1, 2, tzinfo=dt.UTC)
    candidates = selectors.reviewable_warnings().filter(
        Q(published_at__gte=lo, published_at__lt=hi)
        | Q(published_at__isnull=True, created_at__gte=lo - dt.timedelta(days=7), created_at__lt=hi)
    )
    rows, episodes = [], []
    for warning in candidates:
        ep = selectors.episode(warning)
        if ep.start is None or ep.start.year != year:
            continue
        episodes.append(ep)
        level = domain.highest_level(ep.steps)
        ongoing = ep.end is None
        hours = ep.hours if not ongoing else domain.hours_between(ep.start, now)
        rows.append(
            {
                "warning": warning,
                "episode": ep,
                "level": level,
                "level_label": domain.level_label(level),
                "steps": [
                    {
                        "at": step.at,
                        "at_text": domain.hour_text(step.at),
                        "action_label": domain.ACTION_NAMES.get(step.action, step.action),
                        "level": step.level,
                        "level_label": domain.level_label(step.level),
                    }
                    for step in ep.steps
                ],
                "start": ep.start,
                "end": ep.end,
                "start_text": domain.hour_text(ep.start),
                "end_text": domain.hour_text(ep.end),
                "ongoing": ongoing,
                "hours": hours,
                "hours_text": domain.duration_text(hours),
            }
        )
    rows.sort(key=lambda row: (row["start"], row["warning"].pk))
    for number, row in enumerate(rows, start=1):
        row["seq"] = number
    year_end = dt.datetime(year, 12, 31, 23, 59, 59, tzinfo=now.tzinfo)
    count, hours = domain.year_totals(episodes, year=year, upto=year_end)
    return {
        "year": year,
        "rows": rows,
        "count": count,
        "hours": hours,
        "hours_text": domain.duration_text(hours),
        "ongoing": sum(1 for row in rows if row["ongoing"]),
        "computed_at": now,
    }


class StatisticsView(RoleRequiredMixin, View):
    """应急响应统计（附件6）of a year: per response its level(s), start, end and hours; the year's
    cumulative count and hours; a link to the Excel workbook."""

    allowed_roles = READERS
    template_name = "reviews/statistics.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        year = statistics_year(request)
        current = timezone.localdate().year
        context = year_statistics(year)
        context["years"] = list(range(max(current, year), min(current, year) - 6, -1))
        return render(request, self.template_name, context)


#: Column headings of the workbook, as in 附件6.
XLSX_HEADER = (
    "序号",
    "预警编号",
    "响应级别（最高）",
    "级别变化",
    "响应开始时间",
    "响应结束时间",
    "持续响应时间（小时）",
    "状态",
)


def statistics_workbook(stats: dict) -> bytes:
    """The year's statistics as an .xlsx: a title, one row per response (times as Excel date-times
    written to the hour, hours as numbers), and the year's totals."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{stats['year']}年应急响应统计"
    sheet["A1"] = f"阳泉市{stats['year']}年重污染天气应急响应统计（附件6）"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(XLSX_HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)

    def excel_time(moment: dt.datetime | None):
        # Excel has no time zones: the local time, cut to its hour (附件6: 精确到小时).
        return domain.floor_hour(moment).replace(tzinfo=None) if moment else None

    for row in stats["rows"]:
        steps = "→".join(f"{step['action_label']}{step['level_label']}（{step['at_text']}）" for step in row["steps"])
        sheet.append(
            [
                row["seq"],
                row["warning"].number,
                row["level_label"],
                steps,
                excel_time(row["start"]),
                excel_time(row["end"]),
                row["hours"],
                "响应中" if row["ongoing"] else "已终止",
            ]
        )
        for column in (5, 6):
            sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd hh:mm"
    sheet.append([])
    sheet.append(["年度累计响应次数", stats["count"]])
    sheet.append(["年度累计响应时间（小时）", stats["hours"]])
    if stats["ongoing"]:
        sheet.append([f"另有 {stats['ongoing']} 次响应正在进行，未计入年度累计"])
    for index, width in enumerate((8, 30, 20, 60, 18, 18, 12, 10), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class StatisticsExportView(RoleRequiredMixin, View):
    """The same statistics as an Excel workbook (?year=)."""

    allowed_roles = READERS
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        stats = year_statistics(statistics_year(request))
        response = HttpResponse(
            statistics_workbook(stats),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(True, f"应急响应统计-{stats['year']}.xlsx")
        return response
