"""Pages of the guarantees (plan §8). Thin: form → service → message → redirect; a refusal is the
form again with its message, or a message on the page the action came from."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from core.views_mixins import DomainErrorMessageMixin
from notifications.models import UnitContact
from response.models import Response

from . import exports, selectors, services
from .access import (
    CONTACT_KEEPERS,
    CONTACT_READERS,
    DUTY_READERS,
    DUTY_WRITERS,
    GAP_READERS,
    OFFICE,
    SUPPLY_READERS,
)
from .forms import ContactPersonForm, DutySlotForm, RetireForm, SupplyForm
from .models import DutySlot, SupplyItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    reply = HttpResponse(content, content_type=XLSX)
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply


class IndexView(RoleRequiredMixin, View):
    """应急保障: the roster now, the contacts overdue, the register, as each role may see them."""

    allowed_roles = CONTACT_READERS

    def get(self, request):
        role = request.user.role
        response = selectors.response_or_current(None)
        gaps = selectors.duty_gaps(response) if response is not None and role in GAP_READERS else []
        entries = selectors.contact_entries() if role in GAP_READERS else []
        return render(
            request,
            "guarantees/index.html",
            {
                "response": response,
                "gaps": gaps,
                "can_duty": role in DUTY_READERS,
                "can_supplies": role in SUPPLY_READERS,
                "is_keeper": role in CONTACT_KEEPERS,
                "stale": [e for e in entries if e.stale],
                "supplies_count": selectors.supplies().count() if role in SUPPLY_READERS else 0,
                "stale_days": selectors.stale_days(),
            },
        )


# ----------------------------------------------------------------------------- the roster


class DutyView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """值班值守: the response's roster (?response=id, default the one in force), the board of who is
    on duty now and the gaps (office and leaders), and the form to add a slot (office, unit, county)."""

    allowed_roles = DUTY_READERS
    write_roles = DUTY_WRITERS

    def _response(self):
        return selectors.response_or_current(self.request.GET.get("response") or self.request.POST.get("response"))

    def _page(self, form=None, status=200):
        request, response = self.request, self._response()
        user = request.user
        can_write = user.role in DUTY_WRITERS and response is not None and response.status == Response.Status.ACTIVE
        if user.role != Role.OFFICE and services.own_unit(user) is None:
            can_write = False
        board = selectors.duty_board(response) if response is not None and user.role in GAP_READERS else []
        return render(
            request,
            "guarantees/duty.html",
            {
                "response": response,
                "responses": selectors.responses()[:20],
                "slots": selectors.duty_slots_for(user, response),
                "board": board,
                "gaps": [row for row in board if row.gap],
                "own_unit": services.own_unit(user),
                "can_write": can_write,
                "form": form or DutySlotForm(choose_unit=user.role == Role.OFFICE),
                "now": timezone.now(),
            },
            status=status,
        )

    def get(self, request):
        return self._page()

    def post(self, request):
        response = self._response()
        if response is None:
            raise Http404(_("没有应急响应。"))
        office = request.user.role == Role.OFFICE
        self.form = form = DutySlotForm(request.POST, choose_unit=office)
        if not form.is_valid():
            return self._page(form, status=400)
        data = form.cleaned_data
        unit = data.get("unit") if office else services.own_unit(request.user)
        services.duty_slot_add(
            actor=request.user,
            response_id=response.pk,
            unit_id=unit.pk if unit else None,
            **form.service_values(),
        )
        messages.success(request, _("已登记值班安排。"))
        return redirect(f"{reverse('guarantees:duty')}?response={response.pk}")

    def form_refused(self, form, exc):
        return self._page(form, status=exc.status)


class DutySlotEditView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = DUTY_WRITERS

    def _slot(self, pk: int) -> DutySlot:
        slot = get_object_or_404(DutySlot.objects.select_related("unit", "response__warning"), pk=pk)
        if not services.may_keep_duty(self.request.user, slot.unit):
            raise Http404(_("没有这条值班安排。"))
        return slot

    def _page(self, slot, form, status=200):
        return render(self.request, "guarantees/duty_edit.html", {"slot": slot, "form": form}, status=status)

    def get(self, request, pk: int):
        slot = self._slot(pk)
        form = DutySlotForm(
            initial={
                "person": slot.person,
                "position": slot.position,
                "phone": slot.phone,
                "note": slot.note,
                "starts_at": timezone.localtime(slot.starts_at),
                "ends_at": timezone.localtime(slot.ends_at),
            }
        )
        return self._page(slot, form)

    def post(self, request, pk: int):
        slot = self._slot(pk)
        self.form = form = DutySlotForm(request.POST)
        if not form.is_valid():
            return self._page(slot, form, status=400)
        services.duty_slot_change(actor=request.user, slot_id=slot.pk, **form.service_values())
        messages.success(request, _("已修改值班安排。"))
        return redirect(f"{reverse('guarantees:duty')}?response={slot.response_id}")

    def form_refused(self, form, exc):
        return self._page(self._slot(self.kwargs["pk"]), form, status=exc.status)


class DutySlotRemoveView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = DUTY_WRITERS

    def domain_error_url(self, exc):
        return reverse("guarantees:duty")

    def post(self, request, pk: int):
        slot = get_object_or_404(DutySlot.objects.select_related("unit"), pk=pk)
        if not services.may_keep_duty(request.user, slot.unit):
            raise Http404(_("没有这条值班安排。"))
        response_id = slot.response_id
        services.duty_slot_remove(actor=request.user, slot_id=slot.pk)
        messages.success(request, _("已删除值班安排。"))
        return redirect(f"{reverse('guarantees:duty')}?response={response_id}")


class DutyExcelView(RoleRequiredMixin, View):
    """值班表 of a response as Excel: the office's and every unit's; a unit its own."""

    allowed_roles = DUTY_READERS

    def get(self, request):
        response = selectors.response_or_current(request.GET.get("response"))
        if response is None:
            raise Http404(_("没有应急响应。"))
        if request.user.role in GAP_READERS:
            rows = selectors.duty_board(response)
        else:
            own = services.own_unit(request.user)
            slots = list(selectors.duty_slots_for(request.user, response))
            rows = [selectors.DutyRow(unit=own, expected=False, slots=slots)] if own else []
        return _xlsx(exports.roster_workbook(response, rows), f"duty-roster-{response.pk}.xlsx")


# ----------------------------------------------------------------------------- the contacts


class ContactListView(RoleRequiredMixin, View):
    """应急组织机构通讯录 (§8.5): every member unit's contacts and phones, the last confirmation;
    the entries not confirmed for longer than the set number of days are flagged (?stale=1: only them)."""

    allowed_roles = CONTACT_READERS

    def get(self, request):
        entries = selectors.contact_entries()
        only_stale = request.GET.get("stale") == "1"
        shown = [e for e in entries if e.stale] if only_stale else entries
        return render(
            request,
            "guarantees/contacts.html",
            {
                "entries": shown,
                "stale_count": sum(1 for e in entries if e.stale),
                "only_stale": only_stale,
                "stale_days": selectors.stale_days(),
                "is_keeper": request.user.role in CONTACT_KEEPERS,
                "own_unit": services.own_unit(request.user),
            },
        )


class OwnContactView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """本单位通讯录: a unit (a county for its government) confirms its entry unchanged, or adds,
    changes or removes its responsible persons and liaisons; either resets the last-confirmed date."""

    allowed_roles = CONTACT_KEEPERS

    def _unit(self):
        unit = services.own_unit(self.request.user)
        if unit is None:
            raise Http404(_("您的账户未关联成员单位或县区。"))
        return unit

    def _page(self, form=None, status=200):
        unit = self._unit()
        entry = selectors.contact_entries(unit=unit)[0]
        return render(
            self.request,
            "guarantees/contact_mine.html",
            {
                "entry": entry,
                "form": form or ContactPersonForm(),
                "history": selectors.confirmations(unit)[:20],
                "stale_days": selectors.stale_days(),
            },
            status=status,
        )

    def get(self, request):
        return self._page()

    def post(self, request):
        self._unit()
        self.form = form = ContactPersonForm(request.POST)
        if not form.is_valid():
            return self._page(form, status=400)
        services.contact_person_add(actor=request.user, **form.cleaned_data)
        messages.success(request, _("已登记联系人，本单位通讯录已确认。"))
        return redirect("guarantees:contact-mine")

    def form_refused(self, form, exc):
        return self._page(form, status=exc.status)


class ContactConfirmView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = CONTACT_KEEPERS
    domain_error_redirect = "guarantees:contact-mine"

    def post(self, request):
        services.contact_confirm(actor=request.user)
        messages.success(request, _("已确认本单位通讯录信息无变化。"))
        return redirect("guarantees:contact-mine")


class _OwnContactPerson(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = CONTACT_KEEPERS

    def _contact(self, pk: int) -> UnitContact:
        unit = services.own_unit(self.request.user)
        return get_object_or_404(
            UnitContact.objects.select_related("unit"), pk=pk, active=True, unit_id=unit.pk if unit else None
        )

    def domain_error_url(self, exc):
        return reverse("guarantees:contact-mine")


class ContactPersonEditView(_OwnContactPerson):
    def _page(self, contact, form, status=200):
        return render(self.request, "guarantees/contact_person.html", {"contact": contact, "form": form}, status=status)

    def get(self, request, pk: int):
        contact = self._contact(pk)
        return self._page(
            contact,
            ContactPersonForm(
                initial={
                    "duty_role": contact.duty_role,
                    "name": contact.name,
                    "position": contact.position,
                    "mobile": contact.mobile,
                }
            ),
        )

    def post(self, request, pk: int):
        contact = self._contact(pk)
        self.form = form = ContactPersonForm(request.POST)
        if not form.is_valid():
            return self._page(contact, form, status=400)
        services.contact_person_change(actor=request.user, contact_id=contact.pk, **form.cleaned_data)
        messages.success(request, _("已修改联系人，本单位通讯录已确认。"))
        return redirect("guarantees:contact-mine")

    def form_refused(self, form, exc):
        return self._page(self._contact(self.kwargs["pk"]), form, status=exc.status)


class ContactPersonRemoveView(_OwnContactPerson):
    def post(self, request, pk: int):
        contact = self._contact(pk)
        services.contact_person_remove(actor=request.user, contact_id=contact.pk)
        messages.success(request, _("已删除联系人，本单位通讯录已确认。"))
        return redirect("guarantees:contact-mine")


class ContactExcelView(RoleRequiredMixin, View):
    allowed_roles = CONTACT_READERS

    def get(self, request):
        return _xlsx(exports.contacts_workbook(selectors.contact_entries()), "contacts.xlsx")


# ----------------------------------------------------------------------------- supplies and funds


class SupplyListView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """应急物资与经费登记 (§8.2–8.6): the register (?kind=, ?retired=1), the office adds items."""

    allowed_roles = SUPPLY_READERS
    write_roles = OFFICE

    def _page(self, form=None, status=200):
        kind = self.request.GET.get("kind", "")
        retired = self.request.GET.get("retired") == "1"
        return render(
            self.request,
            "guarantees/supplies.html",
            {
                "items": selectors.supplies(
                    include_retired=retired, kind=kind if kind in SupplyItem.Kind.values else ""
                ),
                "kinds": SupplyItem.Kind.choices,
                "kind": kind,
                "retired": retired,
                "can_write": self.request.user.role == Role.OFFICE,
                "form": form or SupplyForm(),
                "retire_form": RetireForm(),
            },
            status=status,
        )

    def get(self, request):
        return self._page()

    def post(self, request):
        self.form = form = SupplyForm(request.POST)
        if not form.is_valid():
            return self._page(form, status=400)
        services.supply_add(actor=request.user, **form.service_values())
        messages.success(request, _("已登记。"))
        return redirect("guarantees:supplies")

    def form_refused(self, form, exc):
        return self._page(form, status=exc.status)


class SupplyEditView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = OFFICE

    def _page(self, item, form, status=200):
        return render(self.request, "guarantees/supply_edit.html", {"item": item, "form": form}, status=status)

    def get(self, request, pk: int):
        item = get_object_or_404(SupplyItem, pk=pk, active=True)
        return self._page(
            item,
            SupplyForm(
                initial={
                    "kind": item.kind,
                    "name": item.name,
                    "quantity": item.quantity,
                    "measure": item.measure,
                    "keeper": item.keeper_id,
                    "location": item.location,
                    "last_checked_on": item.last_checked_on,
                    "note": item.note,
                }
            ),
        )

    def post(self, request, pk: int):
        item = get_object_or_404(SupplyItem, pk=pk, active=True)
        self.form = form = SupplyForm(request.POST)
        if not form.is_valid():
            return self._page(item, form, status=400)
        services.supply_change(actor=request.user, item_id=item.pk, **form.service_values())
        messages.success(request, _("已修改登记。"))
        return redirect("guarantees:supplies")

    def form_refused(self, form, exc):
        return self._page(get_object_or_404(SupplyItem, pk=self.kwargs["pk"]), form, status=exc.status)


class _SupplyAction(RoleRequiredMixin, DomainErrorMessageMixin, View):
    allowed_roles = OFFICE

    def domain_error_url(self, exc):
        return reverse("guarantees:supplies")


class SupplyCheckView(_SupplyAction):
    def post(self, request, pk: int):
        get_object_or_404(SupplyItem, pk=pk)
        services.supply_checked(actor=request.user, item_id=pk)
        messages.success(request, _("已记录今天检查。"))
        return redirect("guarantees:supplies")


class SupplyRetireView(_SupplyAction):
    def post(self, request, pk: int):
        get_object_or_404(SupplyItem, pk=pk)
        form = RetireForm(request.POST)
        services.supply_retire(
            actor=request.user, item_id=pk, note=form.cleaned_data["note"] if form.is_valid() else ""
        )
        messages.success(request, _("已注销该项登记。"))
        return redirect("guarantees:supplies")


class SupplyExcelView(RoleRequiredMixin, View):
    allowed_roles = SUPPLY_READERS

    def get(self, request):
        return _xlsx(exports.supplies_workbook(selectors.supplies()), "supplies.xlsx")
