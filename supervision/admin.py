"""Read-only admin views: inspections and tip-offs change through the services, with audit."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Inspection, InspectionPhoto, TipOff


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
    list_display = ("reference", "created_at", "category", "place", "real_name", "status", "reward")
    list_filter = ("status", "category", "real_name", "reward")
    search_fields = ("reference", "place", "description")
