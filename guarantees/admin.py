from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ContactConfirmation, DutySlot, SupplyItem


@admin.register(DutySlot)
class DutySlotAdmin(ReadOnlyAdmin):
    list_display = ["id", "response", "unit", "person", "phone", "starts_at", "ends_at"]


@admin.register(ContactConfirmation)
class ContactConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["id", "unit", "confirmed_at", "confirmed_by", "changed"]


@admin.register(SupplyItem)
class SupplyItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "name", "quantity", "measure", "keeper", "last_checked_on", "active"]
