from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import CountyBody, CountyContact, ExtraMeasure


@admin.register(CountyBody)
class CountyBodyAdmin(ReadOnlyAdmin):
    list_display = ["name", "area", "kind", "host", "duty_phone", "updated_at"]


@admin.register(CountyContact)
class CountyContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "post", "body", "phone", "mobile", "updated_at"]


@admin.register(ExtraMeasure)
class ExtraMeasureAdmin(ReadOnlyAdmin):
    list_display = ["area", "category", "response", "started_at", "filed_at"]
