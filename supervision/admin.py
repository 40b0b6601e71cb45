"""Read-only admin views: inspections and tip-offs change through the services, with audit."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import EnforcementAction, Inspection, InspectionPhoto, TipOff


class PhotoInline(ReadOnlyInline):
    model = InspectionPhoto
    readonly_fields = ("name", "size", "content_type", "uploaded_by", "uploaded_at")
    exclude = ("file",)


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("date", "enterprise_name", "place", "county", "violation", "follow_up_status")
    list_filter = ("violation", "follow_up_status", "county")
    search_fields = ("enterprise_name", "place", "findings")
    inlines = [PhotoInline]


@admin.register(TipOff)
class TipOffAdmin(ReadOnlyAdmin):
    list_display = ("reference", "created_at", "channel", "category", "place", "assigned_unit", "status", "reward")
    list_filter = ("status", "channel", "category", "real_name", "reward")
    exclude = ("check_code_hash",)
    search_fields = ("reference", "place", "description")


@admin.register(EnforcementAction)
class EnforcementActionAdmin(ReadOnlyAdmin):
    list_display = ("ordered_at", "inspection", "kind", "fine_amount", "decision_number", "referred_to", "status")
    list_filter = ("kind", "status")
    search_fields = ("decision_number", "referred_to", "inspection__enterprise_name", "inspection__place")
