"""Pages of the plan's upkeep (预案管理与更新, plan §9.1, §6). Thin: form → service → message →
redirect; a refusal is the form again or a message on the page it came from."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from alerts.models import Warning
from core.views_mixins import DomainErrorMessageMixin
from reviews.models import ResponseSummary

from . import selectors, services
from .access import OFFICE, READERS, TRAINING_READERS, TRAINING_WRITERS
from .exports import trainings_workbook
from .forms import AcceptForm, DecisionForm, DoneForm, RejectForm, SuggestionForm, TrainingForm, TriggerForm
from .models import Suggestion, Training


def _is_office(request: HttpRequest) -> bool:
    return request.user.role == Role.OFFICE


class IndexView(RoleRequiredMixin, View):
    """预案管理: the revision clock, the open suggestions and the latest trainings."""

    allowed_roles = TRAINING_READERS

    def get(self, request: HttpRequest) -> HttpResponse:
        staff = request.user.role in READERS
        return render(
            request,
            "upkeep/index.html",
            {
                "status": selectors.plan_status() if staff else None,
                "trainings": selectors.trainings_for(request.user)[:10],
                "can_train": request.user.role in TRAINING_WRITERS,
                "staff": staff,
            },
        )


# ----------------------------------------------------------------------------- trainings


def _year(request: HttpRequest) -> int | None:
    text = (request.GET.get("year") or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise Http404(_("年份无效。"))
    return int(text)


class TrainingListView(RoleRequiredMixin, View):
    allowed_roles = TRAINING_READERS

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = selectors.trainings_for(request.user)
        years = selectors.training_years(rows)
        year = _year(request)
        if year is not None:
            rows = rows.filter(held_on__year=year)
        rows = list(rows[:500])
        return render(
            request,
            "upkeep/trainings.html",
            {
                "trainings": rows,
                "totals": selectors.training_totals(rows),
                "years": years,
                "year": year,
                "can_write": request.user.role in TRAINING_WRITERS,
            },
        )


class TrainingExportView(RoleRequiredMixin, View):
    """The register (of a year, ?year=) as an Excel workbook."""

    allowed_roles = TRAINING_READERS
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = selectors.trainings_for(request.user)
        year = _year(request)
        if year is not None:
            rows = rows.filter(held_on__year=year)
        title = f"阳泉市重污染天气应急预案培训记录（{year}年）" if year else "阳泉市重污染天气应急预案培训记录"
        response = HttpResponse(
            trainings_workbook(rows, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"预案培训记录-{year}.xlsx" if year else "预案培训记录.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


class TrainingDetailView(RoleRequiredMixin, View):
    allowed_roles = TRAINING_READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        training = get_object_or_404(selectors.trainings_for(request.user), pk=pk)
        return render(
            request,
            "upkeep/training.html",
            {
                "training": training,
                "can_edit": selectors.can_edit_training(request.user, training),
            },
        )


def _training_data(form: TrainingForm) -> dict:
    data = dict(form.cleaned_data)
    data["attendee_units"] = list(data.get("attendee_units") or [])
    data["contents"] = list(data.get("contents") or [])
    return data


class _TrainingFormView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = TRAINING_WRITERS
    write_roles = TRAINING_WRITERS
    training: Training | None = None

    def _render(self, form, status=200):
        return render(
            self.request, "upkeep/training_form.html", {"form": form, "training": self.training}, status=status
        )

    def form_refused(self, form, exc):
        return self._render(form, status=exc.status)


class TrainingCreateView(_TrainingFormView):
    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"held_on": timezone.localdate(), "contents": ["reporting", "response_flow", "measures"]}
        return self._render(TrainingForm(user=request.user, initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form = TrainingForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(form, status=400)
        training = services.training_create(actor=request.user, **_training_data(form))
        messages.success(request, _("培训记录已保存。"))
        return redirect("upkeep:training", pk=training.pk)


class TrainingEditView(_TrainingFormView):
    def _training(self, request, pk: int) -> Training:
        training = get_object_or_404(selectors.trainings_for(request.user), pk=pk)
        if not selectors.can_edit_training(request.user, training):
            raise Http404(_("只能修改本单位组织的培训。"))
        self.training = training
        return training

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        training = self._training(request, pk)
        return self._render(TrainingForm(user=request.user, initial=TrainingForm.initial_from(training)))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        training = self._training(request, pk)
        form = self.form = TrainingForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(form, status=400)
        services.training_update(actor=request.user, training_id=training.pk, **_training_data(form))
        messages.success(request, _("培训记录已保存。"))
        return redirect("upkeep:training", pk=training.pk)


# ----------------------------------------------------------------------------- the plan's revision


class PlanView(RoleRequiredMixin, View):
    """预案修订 (§9.1.4): the edition in force, the next revision date, the situations recorded and
    the decisions taken."""

    allowed_roles = READERS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "upkeep/plan.html",
            {
                "status": selectors.plan_status(),
                "editions": selectors.editions(),
                "triggers": selectors.triggers(),
                "decisions": selectors.decisions(),
                "trigger_days": selectors.trigger_days(),
                "can_write": _is_office(request),
            },
        )


class _OfficeFormView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = OFFICE
    write_roles = OFFICE
    template_name = ""

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)

    def form_refused(self, form, exc):
        return self._render(form, status=exc.status)


class TriggerCreateView(_OfficeFormView):
    """Record a situation that calls for a prompt revision (§9.1.4, §6, §9.1.3)."""

    template_name = "upkeep/trigger_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(TriggerForm(initial={"occurred_on": timezone.localdate()}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form = TriggerForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        services.trigger_record(actor=request.user, **form.cleaned_data)
        messages.success(request, _("修订情形已登记，预案修订时限已相应提前。"))
        return redirect("upkeep:plan")


class DecisionCreateView(_OfficeFormView):
    """Record the office's revision decision (revised with a new edition, or no revision needed)."""

    template_name = "upkeep/decision_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(DecisionForm(initial={"decided_on": timezone.localdate()}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form = DecisionForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        data = dict(form.cleaned_data)
        data["trigger_ids"] = [t.pk for t in data.pop("triggers")]
        services.revision_decide(actor=request.user, **data)
        messages.success(request, _("修订决定已登记。"))
        return redirect("upkeep:plan")


# ----------------------------------------------------------------------------- suggestions (§6)


class SuggestionListView(RoleRequiredMixin, View):
    """The improvement suggestions awaiting a decision or being carried out (?status=all: every one)."""

    allowed_roles = READERS

    def get(self, request: HttpRequest) -> HttpResponse:
        show_all = request.GET.get("status") == "all"
        rows = selectors.suggestions().order_by("-recorded_at", "-id") if show_all else selectors.open_suggestions()
        return render(request, "upkeep/suggestions.html", {"suggestions": rows[:500], "show_all": show_all})


def _summary(warning_id: int) -> tuple[Warning, ResponseSummary | None]:
    warning = get_object_or_404(
        Warning.objects.filter(status__in=[Warning.Status.ACTIVE, Warning.Status.LIFTED]), pk=warning_id
    )
    return warning, ResponseSummary.objects.filter(warning=warning).first()


class SummarySuggestionsView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """One summary's suggestions with their states; the office records each suggestion as an item."""

    allowed_roles = READERS
    write_roles = OFFICE

    def _render(self, warning, summary, form, status=200):
        items = selectors.suggestions().filter(summary=summary) if summary else []
        return render(
            self.request,
            "upkeep/summary_suggestions.html",
            {
                "warning": warning,
                "summary": summary,
                "items": items,
                "form": form,
                "can_write": _is_office(self.request),
            },
            status=status,
        )

    def form_refused(self, form, exc):
        return self._render(self.warning, self.summary, form, status=exc.status)

    def get(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        warning, summary = _summary(warning_id)
        return self._render(warning, summary, SuggestionForm())

    def post(self, request: HttpRequest, warning_id: int) -> HttpResponse:
        self.warning, self.summary = _summary(warning_id)
        form = self.form = SuggestionForm(request.POST)
        if not form.is_valid():
            return self._render(self.warning, self.summary, form, status=400)
        services.suggestion_record(
            actor=request.user, summary_id=self.summary.pk if self.summary else 0, **form.cleaned_data
        )
        messages.success(request, _("改进建议已登记，待作出决定。"))
        return redirect("upkeep:summary-suggestions", warning_id=self.warning.pk)


class SuggestionDetailView(RoleRequiredMixin, View):
    allowed_roles = READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        suggestion = get_object_or_404(selectors.suggestions(), pk=pk)
        return render(
            request,
            "upkeep/suggestion.html",
            {
                "s": suggestion,
                "can_write": _is_office(request),
                "accept_form": AcceptForm(),
                "reject_form": RejectForm(),
                "done_form": DoneForm(initial={"done_on": timezone.localdate()}),
            },
        )


class _SuggestionAction(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = OFFICE
    write_roles = OFFICE
    domain_error_redirect = "upkeep:suggestion"
    form_class = AcceptForm

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        get_object_or_404(Suggestion, pk=pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
            return redirect("upkeep:suggestion", pk=pk)
        self.act(request, pk, form.cleaned_data)
        return redirect("upkeep:suggestion", pk=pk)


class SuggestionAcceptView(_SuggestionAction):
    def act(self, request, pk, data):
        services.suggestion_accept(actor=request.user, suggestion_id=pk, note=data["note"])
        messages.success(request, _("已采纳该建议，待责任单位落实。"))


class SuggestionRejectView(_SuggestionAction):
    form_class = RejectForm

    def act(self, request, pk, data):
        services.suggestion_reject(actor=request.user, suggestion_id=pk, reason=data["reason"])
        messages.success(request, _("已作出不予采纳的决定。"))


class SuggestionDoneView(_SuggestionAction):
    form_class = DoneForm

    def act(self, request, pk, data):
        services.suggestion_done(actor=request.user, suggestion_id=pk, done_on=data["done_on"], note=data["note"])
        messages.success(request, _("已登记落实情况。"))
