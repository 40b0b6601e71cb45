from django.contrib import admin

from .models import Annex11Note, Enterprise, Industry, IndustryMeasure, ReductionTarget, ResponseMeasure


class IndustryMeasureInline(admin.TabularInline):
    model = IndustryMeasure
    extra = 0
    fields = ("level", "grade", "subtype", "text", "order")


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("seq", "name", "single_measure")
    search_fields = ("name",)
    inlines = [IndustryMeasureInline]


@admin.register(IndustryMeasure)
class IndustryMeasureAdmin(admin.ModelAdmin):
    list_display = ("industry", "level", "grade", "subtype", "text", "order")
    list_filter = ("level", "grade", "industry")
    search_fields = ("text", "subtype", "industry__name")
    list_select_related = ("industry",)


@admin.register(Annex11Note)
class Annex11NoteAdmin(admin.ModelAdmin):
    list_display = ("level", "number", "text")
    list_filter = ("level",)


@admin.register(ResponseMeasure)
class ResponseMeasureAdmin(admin.ModelAdmin):
    list_display = ("level", "order", "category", "title", "text", "audience")
    list_filter = ("level", "category", "audience")
    search_fields = ("text", "title")
    filter_horizontal = ("units",)


@admin.register(ReductionTarget)
class ReductionTargetAdmin(admin.ModelAdmin):
    list_display = ("level", "percent")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "area",
        "industry",
        "subtype",
        "grade",
        "so2_t",
        "nox_t",
        "pm_t",
        "vocs_t",
        "fuel",
        "responsible_unit",
        "active",
    )
    list_filter = ("area", "industry", "grade", "fuel", "active", "seasonal")
    search_fields = ("name", "subtype")
    list_select_related = ("area", "industry", "responsible_unit")
    autocomplete_fields = ("industry",)
