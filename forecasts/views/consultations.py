"""Consultations (会商, plan §4.2.1) and their record, the form of 附件4 (阳泉市环境气象预报及会商意见表)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from core.views_mixins import DomainErrorMessageMixin

from .. import selectors, services
from ..forms import ConsultationConcludeForm
from ..models import Consultation, Level
from .pages import CONSULTATION_READERS, CONSULTATION_WRITERS, evaluation_chart_query, label_evaluation

CONCLUDED_PER_PAGE = 25


def _consultations():
    return Consultation.objects.filter(replay__isnull=True).select_related("evaluation", "concluded_by")


class ConsultationListView(RoleRequiredMixin, TemplateView):
    """会商: the open consultations first, then the concluded ones (newest first)."""

    allowed_roles = CONSULTATION_READERS
    template_name = "forecasts/consultation_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        concluded = _consultations().filter(status=Consultation.Status.CONCLUDED).order_by("-concluded_at", "-id")
        page = Paginator(concluded, CONCLUDED_PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.update(
            open_consultations=list(selectors.open_consultations().order_by("-opened_at", "-id")),
            page_obj=page,
            concluded=page.object_list,
            can_open_realtime=self.request.user.role == Role.OFFICE,
        )
        return ctx


class ConsultationDetailView(RoleRequiredMixin, DomainErrorMessageMixin, TemplateView):
    """One consultation: the evaluation it rests on and, for the office and the forecasting group,
    the form of 附件4 while it is open; once concluded, the record as the printable annex table."""

    allowed_roles = CONSULTATION_READERS
    write_roles = CONSULTATION_WRITERS
    template_name = "forecasts/consultation_detail.html"
    domain_error_redirect = "forecasts:consultation"

    def get_consultation(self) -> Consultation:
        return get_object_or_404(_consultations(), pk=self.kwargs["pk"])

    def initial(self, consultation: Consultation) -> dict:
        user = self.request.user
        return {
            # The level the evaluation proposes, not its headline level (that of any process, past ones too).
            "concluded_level": consultation.evaluation.proposed_level if consultation.evaluation else Level.NONE,
            "reporter": user.get_full_name() or user.username,
            "reported_on": timezone.localdate(),
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        consultation = kwargs.get("consultation") or self.get_consultation()
        evaluation = label_evaluation(consultation.evaluation) if consultation.evaluation else None
        can_write = self.request.user.role in CONSULTATION_WRITERS and consultation.status == Consultation.Status.OPEN
        form = kwargs.get("form")
        if can_write and form is None:
            form = ConsultationConcludeForm(initial=self.initial(consultation))
        ctx.update(
            consultation=consultation,
            evaluation=evaluation,
            chart_query=evaluation_chart_query(evaluation) if evaluation else "",
            form=form if can_write else None,
        )
        return ctx

    def post(self, request, *args, **kwargs):
        consultation = self.get_consultation()
        form = ConsultationConcludeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(consultation=consultation, form=form))
        services.consultation_conclude(consultation_id=consultation.pk, actor=request.user, **form.cleaned_data)
        messages.success(request, _("会商意见已记录。"))
        return redirect("forecasts:consultation", pk=consultation.pk)


class ConsultationRealtimeView(RoleRequiredMixin, DomainErrorMessageMixin, TemplateView):
    """发起实时会商: a confirmation page, and the POST that opens the consultation (the office)."""

    allowed_roles = frozenset({Role.OFFICE})
    template_name = "forecasts/consultation_realtime.html"
    domain_error_redirect = "forecasts:consultations"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        latest = selectors.latest_evaluation()
        ctx["evaluation"] = label_evaluation(latest) if latest else None
        return ctx

    def post(self, request, *args, **kwargs):
        consultation = services.consultation_open_realtime(actor=request.user)
        messages.success(request, _("已发起实时会商，并已通知应急指挥部办公室和预报预警组。"))
        return redirect("forecasts:consultation", pk=consultation.pk)
