from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import PlanEdition, RevisionDecision, RevisionTrigger, Suggestion, Training


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ["id", "held_on", "topic", "unit", "attendee_count", "assessment", "passed_count"]


@admin.register(PlanEdition)
class PlanEditionAdmin(ReadOnlyAdmin):
    list_display = ["id", "number", "issued_on"]


@admin.register(RevisionTrigger)
class RevisionTriggerAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "occurred_on", "decision"]


@admin.register(RevisionDecision)
class RevisionDecisionAdmin(ReadOnlyAdmin):
    list_display = ["id", "outcome", "decided_on", "edition"]


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["id", "summary", "unit", "status", "recorded_at"]
