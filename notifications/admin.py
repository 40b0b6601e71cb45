from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Delivery, SmsSubscriber, UnitContact


@admin.register(UnitContact)
class UnitContactAdmin(admin.ModelAdmin):
    """Member units' contacts (联络员/负责人) and the county heads of plan §5.2, kept by the office."""

    list_display = (
        "unit",
        "name",
        "position",
        "mobile",
        "duty_role",
        "is_government_head",
        "is_party_secretary",
        "active",
    )
    list_filter = ("duty_role", "is_government_head", "is_party_secretary", "active", "unit__kind")
    search_fields = ("name", "mobile", "position", "unit__name", "unit__short_name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


@admin.register(SmsSubscriber)
class SmsSubscriberAdmin(admin.ModelAdmin):
    """Citizens' subscriptions; the office may unsubscribe a number on request, not add one (opt-in only)."""

    list_display = ("__str__", "confirmed", "created_at", "confirmed_at", "unsubscribed_at")
    list_filter = ("confirmed", ("unsubscribed_at", admin.EmptyFieldListFilter))
    search_fields = ("phone",)
    readonly_fields = ("phone", "confirmed", "created_at", "confirmed_at", "pending")
    fields = ("phone", "confirmed", "created_at", "confirmed_at", "unsubscribed_at", "pending")

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Read-only: deliveries change only by sending, receipts and the office's retry."""

    list_display = (
        "key",
        "name",
        "masked_phone",
        "channel",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "delivered_at",
    )
    list_filter = ("status", "channel", "retryable")
    search_fields = ("key", "name", "provider_id")
    date_hierarchy = "created_at"
