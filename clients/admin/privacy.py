"""The admin site's privacy records, read only: who opened a client's health data, and the
erasures of clients' personal data."""

from django.contrib import admin

from ..models import ClientErasure, HealthDataAccess


@admin.register(HealthDataAccess)
class HealthDataAccessAdmin(admin.ModelAdmin):
    """The log of who opened a client's health data: read only, kept as it was written."""

    list_display = ["accessed_at", "client", "user", "place"]
    list_filter = ["place"]
    search_fields = ["client__last_name", "client__first_name", "user__username"]
    list_select_related = ["client", "user"]
    date_hierarchy = "accessed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClientErasure)
class ClientErasureAdmin(admin.ModelAdmin):
    """Erasures of clients' personal data (done from the client's card, by the director)."""

    list_display = ["erased_at", "client", "erased_by"]
    list_select_related = ["client", "erased_by"]
    readonly_fields = ["client", "erased_by", "erased_at", "reason", "summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
