"""The admin site's outbox: every message with its status and reason, the *retry* action, and
a message written by hand."""

import uuid

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-mostly: a message is written by the app and delivered by the sender; here one can
    see why it was not sent, queue a failed or skipped one again, or write one by hand."""

    list_display = (
        "created_at",
        "kind",
        "channel",
        "recipient",
        "to_address",
        "subject",
        "status",
        "reason_in_short",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "kind", "channel")
    list_select_related = ("client", "user")
    search_fields = (
        "dedup_key",
        "to_address",
        "subject",
        "client__first_name",
        "client__last_name",
        "user__username",
    )
    date_hierarchy = "created_at"
    autocomplete_fields = ("client", "user")
    actions = ("retry",)
    fields = (
        ("client", "user"),
        ("kind", "channel", "language"),
        "to_address",
        "subject",
        "body",
        "body_html",
        "not_before",
        "dedup_key",
        ("status", "attempts", "channels_tried"),
        "reason",
        ("created_at", "sending_since", "sending_by", "sent_at"),
        "message_id",
        ("content_type", "object_id"),
    )
    delivery_fields = (
        "status",
        "attempts",
        "channels_tried",
        "reason",
        "created_at",
        "sending_since",
        "sending_by",
        "sent_at",
        "message_id",
        "content_type",
        "object_id",
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # a message written by hand: the sender fills in the delivery
            return self.delivery_fields
        return [name for row in self.fields for name in (row if isinstance(row, tuple) else (row,))]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("dedup_key", f"manual:{uuid.uuid4().hex}")
        return initial

    @admin.display(description=_("to"))
    def recipient(self, obj):
        return obj.client or obj.user

    @admin.display(description=_("Message-ID (the same on every attempt)"))
    def message_id(self, obj):
        return obj.message_id if obj.pk else ""

    @admin.display(description=_("reason"))
    def reason_in_short(self, obj):
        return Truncator(obj.reason).chars(100)

    @admin.action(
        description=_("Send the selected failed, skipped or unconfirmed messages again"),
        permissions=["change"],
    )
    def retry(self, request, queryset):
        """Queue them again with a fresh round of attempts; the outbox sweep (every minute)
        sends them, checking consent and quiet hours anew. An unconfirmed message may have
        arrived already: it goes again with the same Message-ID (the same SMS client id)."""
        count = queryset.filter(
            status__in=(
                Notification.Status.FAILED, Notification.Status.SKIPPED, Notification.Status.UNCONFIRMED
            )
        ).update(
            status=Notification.Status.QUEUED, reason="", attempts=0, not_before=None,
            sending_since=None, sending_by="",
        )
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
        )
