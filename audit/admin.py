from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is append-only (审计日志): read here, written only by audit_record."""

    list_display = ("created_at", "actor_label", "action", "target_type", "target_repr", "ip_address")
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "action", "target_repr", "target_id")
    date_hierarchy = "created_at"
