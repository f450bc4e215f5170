"""The admin site's relationship rows: interactions and tasks, written through the same
services as on the card (``interaction_log``, ``task_create``)."""

from django.contrib import admin

from core.admin import CreatedByAdminMixin, ServiceSaveAdminMixin

from ..models import Interaction, Task


@admin.register(Interaction)
class InteractionAdmin(ServiceSaveAdminMixin, CreatedByAdminMixin, admin.ModelAdmin):
    """An interaction added here is logged as on the card (``interaction_log``)."""

    list_display = ("occurred_at", "client", "kind", "direction", "manager", "summary")
    list_filter = ("kind", "direction", ("manager", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("client", "manager")
    search_fields = ("client__first_name", "client__last_name", "summary", "outcome")
    date_hierarchy = "occurred_at"
    autocomplete_fields = ("client", "manager")
    # The message an interaction records is linked by the outbox, never typed (a list of every
    # message ever sent would not fit a page).
    readonly_fields = ("notification",)

    def service_save(self, request, form, change):
        from ..services import interaction_log

        data = form.cleaned_data
        return interaction_log(
            client=data["client"], manager=data.get("manager") or request.user, kind=data["kind"],
            direction=data["direction"], summary=data["summary"], outcome=data.get("outcome", ""),
            occurred_at=data.get("occurred_at"),
        )


@admin.register(Task)
class TaskAdmin(ServiceSaveAdminMixin, CreatedByAdminMixin, admin.ModelAdmin):
    """A task added here is created as on the card (``task_create``): open, about a client who
    may take one."""

    list_display = ("title", "client", "kind", "due_date", "status", "assigned_to")
    list_filter = ("status", "kind", ("assigned_to", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("client", "assigned_to")
    search_fields = ("title", "description", "client__first_name", "client__last_name")
    date_hierarchy = "due_date"
    autocomplete_fields = ("client", "assigned_to", "interaction")
    ADD_FIELDS = ("client", "assigned_to", "interaction", "kind", "title", "description", "due_date")

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.ADD_FIELDS
        return super().get_fields(request, obj)

    def service_save(self, request, form, change):
        from ..services import task_create

        data = form.cleaned_data
        return task_create(
            client=data.get("client"), assigned_to=data.get("assigned_to"), title=data["title"],
            due_date=data["due_date"], user=request.user, kind=data["kind"],
            description=data.get("description", ""), interaction=data.get("interaction"),
        )
