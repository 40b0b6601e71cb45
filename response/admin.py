"""Read-only admin views: every change goes through the services (orders, reports) and is audited."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import DailyReport, Order, ReportAttachment, Response, ResponseChange


class ResponseChangeInline(ReadOnlyInline):
    model = ResponseChange
    readonly_fields = ("form", "action", "from_level", "to_level", "applied_at", "skipped")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("warning", "level", "status", "started_at", "ended_at")
    list_filter = ("status", "level")
    inlines = [ResponseChangeInline]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("unit", "level", "status", "issued_at", "acknowledged_at", "in_place_at")
    list_filter = ("status", "level")
    search_fields = ("unit__name",)


class AttachmentInline(ReadOnlyInline):
    model = ReportAttachment
    readonly_fields = ("name", "size", "content_type", "uploaded_at")
    exclude = ("file",)


@admin.register(DailyReport)
class DailyReportAdmin(ReadOnlyAdmin):
    list_display = ("unit", "report_date", "submitted_at", "late")
    list_filter = ("late", "report_date")
    search_fields = ("unit__name", "content")
    inlines = [AttachmentInline]
