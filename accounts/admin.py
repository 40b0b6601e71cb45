from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ApiToken, User


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The administrator sees every API token (never the token itself) and revokes them; tokens are
        issued only by POST /api/v1/auth/token/. Revoking keeps the row (and audits it); deleting is left
    possible so that deleting a user is not blocked by the user's tokens."""

    list_display = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "state")
    list_filter = ("revoke_reason", "user__role")
    search_fields = ("user__username", "user__last_name", "name", "prefix")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    )
    exclude = ("key_hash",)
    actions = ["revoke"]

    @admin.display(description=_("状态"))
    def state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return str(_("已撤销"))
        return str(_("有效")) if token.is_live(timezone.now()) else str(_("已过期"))

    @admin.action(description=_("撤销所选令牌"))
    def revoke(self, request, queryset):
        live = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        for pk in live:
            services.api_token_revoke(actor=request.user, token_id=pk, reason="admin")
        self.message_user(
            request,
            ngettext("已撤销 %(count)d 个令牌。", "已撤销 %(count)d 个令牌。", len(live)) % {"count": len(live)},
            messages.SUCCESS,
        )

    def has_add_permission(self, request) -> bool:
        return False
