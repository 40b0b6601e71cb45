from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import OzoneOrder, OzonePrompt, So2Task


@admin.register(OzonePrompt)
class OzonePromptAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "period_start", "period_end", "confirmed_at", "ended_at"]


@admin.register(OzoneOrder)
class OzoneOrderAdmin(ReadOnlyAdmin):
    list_display = ["id", "prompt", "unit", "status", "issued_at"]


@admin.register(So2Task)
class So2TaskAdmin(ReadOnlyAdmin):
    list_display = ["id", "area", "status", "start", "end", "max_so2"]
