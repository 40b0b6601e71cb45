from django.contrib import admin

from .models import Area, CommandBody, Expert, MemberUnit, Post, WorkingGroup


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "order")


@admin.register(MemberUnit)
class MemberUnitAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "short_name", "slug", "kind", "area", "phones_display", "active")
    list_display_links = ("name",)
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "slug", "duties")


class PostInline(admin.TabularInline):
    model = Post
    extra = 0


@admin.register(CommandBody)
class CommandBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "host_unit")
    inlines = [PostInline]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "lead_text")
    list_display_links = ("name",)
    filter_horizontal = ("lead_units", "member_units")


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("seq", "name", "organisation", "title", "phone")
    search_fields = ("name", "organisation")
