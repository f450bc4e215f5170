"""The client's side in the admin site, read only: covers (set on the Covers page), the links
given to clients, and the Telegram updates as received (what a webhook post carried)."""

from django.contrib import admin

from ..models import ClientLink, ManagerCover, TelegramUpdate


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the product's pages and services; the admin site shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ManagerCover)
class ManagerCoverAdmin(ReadOnlyAdmin):
    list_display = ["absent", "covering", "starts_on", "ends_on", "created_by", "created_at"]
    list_select_related = ["absent", "covering", "created_by"]
    date_hierarchy = "starts_on"


@admin.register(ClientLink)
class ClientLinkAdmin(ReadOnlyAdmin):
    list_display = ["client", "purpose", "created_at", "expires_at", "used_at", "revoked_at", "created_by"]
    list_filter = ["purpose"]
    list_select_related = ["client", "created_by"]
    search_fields = ["client__last_name", "client__first_name"]
    exclude = ["token_id"]


@admin.register(TelegramUpdate)
class TelegramUpdateAdmin(ReadOnlyAdmin):
    list_display = ["update_id", "received_at", "processed_at", "outcome"]
    search_fields = ["update_id", "outcome"]
    date_hierarchy = "received_at"
