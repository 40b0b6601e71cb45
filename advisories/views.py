"""Pages of the ozone prompt and the SO2 tasks (warning-rules.md §10). Thin: form → service →
message → redirect; a refusal is a message on the page it came from."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from core.views_mixins import DomainErrorMessageMixin
from deadlines import keys as deadline_keys
from deadlines.models import Deadline

from . import selectors, services
from .access import COUNTY_USERS, OFFICE, READERS, UNIT_USERS
from .forms import AnswerForm, ConfirmForm, EndForm, InPlaceForm


class AdvisoryListView(RoleRequiredMixin, View):
    """臭氧预警提示 and 二氧化硫预警任务: the prompts, the caller's ozone orders and SO2 tasks."""

    allowed_roles = READERS

    def get(self, request):
        return render(
            request,
            "advisories/list.html",
            {
                "prompts": selectors.prompts()[:20],
                "orders": selectors.ozone_orders_for(request.user)[:100]
                if request.user.role in (Role.UNIT, Role.COUNTY)
                else [],
                "tasks": selectors.so2_tasks_for(request.user)[:100],
            },
        )


class OzonePromptView(RoleRequiredMixin, View):
    allowed_roles = READERS

    def get(self, request, pk: int):
        prompt = get_object_or_404(selectors.prompts(), pk=pk)
        return render(
            request,
            "advisories/ozone.html",
            {
                "prompt": prompt,
                "orders": prompt.orders.select_related("unit").order_by("unit__order", "id"),
                "can_decide": request.user.role == Role.OFFICE and prompt.is_open,
                "confirm_form": ConfirmForm(initial={"text": services.ozone_prompt_text(prompt)}),
                "end_form": EndForm(),
            },
        )


class _OfficeAction(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = OFFICE
    write_roles = OFFICE
    domain_error_redirect = "advisories:ozone"


class OzoneConfirmView(_OfficeAction):
    def post(self, request, pk: int):
        get_object_or_404(selectors.prompts(), pk=pk)
        form = ConfirmForm(request.POST)
        text = form.cleaned_data["text"] if form.is_valid() else ""
        services.ozone_prompt_confirm(actor=request.user, prompt_id=pk, text=text)
        messages.success(request, _("臭氧预警提示已确认发布，臭氧污染减排指令已下达。"))
        return redirect("advisories:ozone", pk=pk)


class OzoneEndView(_OfficeAction):
    def post(self, request, pk: int):
        get_object_or_404(selectors.prompts(), pk=pk)
        form = EndForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        services.ozone_prompt_end(actor=request.user, prompt_id=pk, note=note)
        messages.success(request, _("臭氧预警提示已结束，相关指令同时结束。"))
        return redirect("advisories:ozone", pk=pk)


def _deadline(key: str) -> Deadline | None:
    return Deadline.objects.filter(key=key).first()


class OzoneOrderView(RoleRequiredMixin, View):
    allowed_roles = READERS

    def get(self, request, pk: int):
        order = get_object_or_404(selectors.ozone_orders_for(request.user), pk=pk)
        return render(
            request,
            "advisories/ozone_order.html",
            {
                "order": order,
                "deadline": _deadline(deadline_keys.ozone_order(order.pk)),
                "in_place_form": InPlaceForm(),
                "can_act": request.user.role == Role.UNIT and order.is_open,
            },
        )


class _UnitAction(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = UNIT_USERS
    write_roles = UNIT_USERS
    domain_error_redirect = "advisories:ozone-order"

    def domain_error_response(self, exc):
        if isinstance(exc, services.NotYourAdvisoryError):
            raise Http404(exc.message) from exc
        return super().domain_error_response(exc)


class OzoneOrderAcknowledgeView(_UnitAction):
    def post(self, request, pk: int):
        get_object_or_404(selectors.ozone_orders_for(request.user), pk=pk)
        services.ozone_order_acknowledge(actor=request.user, order_id=pk)
        messages.success(request, _("已签收臭氧污染减排指令。"))
        return redirect("advisories:ozone-order", pk=pk)


class OzoneOrderInPlaceView(_UnitAction):
    def post(self, request, pk: int):
        get_object_or_404(selectors.ozone_orders_for(request.user), pk=pk)
        form = InPlaceForm(request.POST)
        services.ozone_order_confirm_in_place(
            actor=request.user, order_id=pk, note=form.cleaned_data["note"] if form.is_valid() else ""
        )
        messages.success(request, _("已确认臭氧污染减排措施落实到位。"))
        return redirect("advisories:ozone-order", pk=pk)


class So2TaskView(RoleRequiredMixin, View):
    allowed_roles = READERS

    def get(self, request, pk: int):
        task = get_object_or_404(selectors.so2_tasks_for(request.user), pk=pk)
        return render(
            request,
            "advisories/so2.html",
            {
                "task": task,
                "summary": services.so2_task_summary(task),
                "deadline": _deadline(deadline_keys.so2_task(task.pk)),
                "answer_form": AnswerForm(),
                "can_act": request.user.role == Role.COUNTY and task.answered_at is None,
            },
        )


class _CountyAction(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = COUNTY_USERS
    write_roles = COUNTY_USERS
    domain_error_redirect = "advisories:so2"

    def domain_error_response(self, exc):
        if isinstance(exc, services.NotYourAdvisoryError):
            raise Http404(exc.message) from exc
        return super().domain_error_response(exc)


class So2AcknowledgeView(_CountyAction):
    def post(self, request, pk: int):
        get_object_or_404(selectors.so2_tasks_for(request.user), pk=pk)
        services.so2_task_acknowledge(actor=request.user, task_id=pk)
        messages.success(request, _("已签收二氧化硫预警任务。"))
        return redirect("advisories:so2", pk=pk)


class So2AnswerView(_CountyAction):
    def post(self, request, pk: int):
        get_object_or_404(selectors.so2_tasks_for(request.user), pk=pk)
        form = AnswerForm(request.POST)
        services.so2_task_answer(
            actor=request.user, task_id=pk, answer=form.cleaned_data["answer"] if form.is_valid() else ""
        )
        messages.success(request, _("已反馈采取的管控措施。"))
        return redirect("advisories:so2", pk=pk)
