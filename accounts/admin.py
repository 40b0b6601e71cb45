from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "unit", "area", "is_active", "last_login")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "first_name", "last_name", "mobile")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("角色与所属"), {"fields": ("role", "unit", "area", "mobile", "position")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("角色与所属"), {"fields": ("role", "unit", "area", "mobile", "position")}),
    )
