"""View-only admin: every write goes through reviews.services (audited; a final summary's
snapshot is never edited by hand)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import DrillRecord, EffectEvaluation, ResponseSummary


@admin.register(ResponseSummary)
class ResponseSummaryAdmin(ReadOnlyAdmin):
    list_display = ("warning", "status", "filled_by_name", "finalized_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("warning__number", "filled_by_name")


@admin.register(EffectEvaluation)
class EffectEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("warning", "level", "leader", "evaluated_on")
    list_filter = ("level",)
    search_fields = ("warning__number", "leader", "content")


@admin.register(DrillRecord)
class DrillRecordAdmin(ReadOnlyAdmin):
    list_display = ("held_at", "location", "mode", "commander", "recorder", "recorded_on")
    search_fields = ("location", "participants", "problems", "improvements")
    date_hierarchy = "held_at"
