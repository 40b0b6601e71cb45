"""Admin pieces for every app: rows that only the services write (and audit) are read in the
admin, never added, changed or deleted there."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only: every change goes through the app's services, with its audit entry."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """The rows of a read-only parent (its attachments, photos, changes): shown, never added or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False
