"""The admin site for program templates, client programs and their sessions.

What the pages write through a service is written through it here too
(``core.admin.ServiceSaveAdminMixin``): a service added to a program goes through
``program_add_item`` (a contraindicated one only with the reason, recorded with who confirmed
it), a program's status through ``program_set_status`` (activating plans the sessions), a
session's through ``session_mark`` (the time it was marked, the survey after it, and never done
or missed before it started).
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core.admin import CreatedByAdminMixin, DirectorHistoryAdmin, ServiceSaveAdminMixin

from . import scheduling, services
from .models import CalendarFeed, Program, ProgramItem, ProgramTemplate, ProgramTemplateItem, Session

CLIENT_SEARCH = ("client__first_name", "client__last_name", "client__phone")


class ProgramTemplateItemInline(admin.TabularInline):
    model = ProgramTemplateItem
    fields = ("position", "service", "sessions_count", "sessions_per_week", "notes")
    autocomplete_fields = ("service",)
    extra = 0


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    ordering = ("name",)
    list_display = ("name", "department", "duration_weeks", "item_count", "is_active")
    list_filter = ("department", "is_active")
    list_select_related = ("department",)
    search_fields = ("name", "goal", "description")
    inlines = (ProgramTemplateItemInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("services"), ordering="item_count")
    def item_count(self, obj):
        return obj.item_count


@admin.register(ProgramTemplateItem)
class ProgramTemplateItemAdmin(admin.ModelAdmin):
    list_display = ("template", "position", "service", "sessions_count", "sessions_per_week")
    list_filter = ("template",)
    list_select_related = ("template", "service")
    search_fields = ("template__name", "service__name")
    autocomplete_fields = ("template", "service")


def item_draft(data) -> services.ItemDraft:
    """A program item form's values as the programs service takes them."""
    return services.ItemDraft(
        service=data["service"], sessions_count=data["sessions_count"],
        sessions_per_week=data["sessions_per_week"], specialist=data.get("specialist"),
        notes=data.get("notes", ""), override_reason=data.get("contraindication_override", ""),
    )


class ProgramItemAdminForm(forms.ModelForm):
    """A service added to a program is checked as the program builder checks it: a specialist
    of its department, and a contraindicated service only with the reason (next to the field).
    An item's service stays as it was added: another service is another item."""

    class Meta:
        model = ProgramItem
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "service" in self.fields:
            self.fields["service"].disabled = True

    def clean(self):
        cleaned = super().clean()
        program = cleaned.get("program") or getattr(self.instance, "program", None)
        if self.instance.pk is None and program is not None and program.client_id and cleaned.get("service") \
                and cleaned.get("sessions_count") and cleaned.get("sessions_per_week"):
            for field, message in services.item_errors(program.client, item_draft(cleaned)).items():
                self.add_error("contraindication_override" if field == "override_reason" else field, message)
        return cleaned


class ProgramItemFormSet(BaseInlineFormSet):
    """Services added inline are added through ``program_add_item``."""

    def save_new(self, form, commit=True):
        return services.program_add_item(program=self.instance, draft=item_draft(form.cleaned_data), user=self.user)


def confirm_overrides(forms_of_items, user) -> None:
    """Who confirmed a contraindication's reason: the user who typed or changed it."""
    for form in forms_of_items:
        if "contraindication_override" in form.changed_data:
            reason = form.cleaned_data.get("contraindication_override")
            form.instance.override_confirmed_by = user if reason else None


class ProgramItemInline(admin.TabularInline):
    model = ProgramItem
    form = ProgramItemAdminForm
    formset = ProgramItemFormSet
    fields = (
        "position",
        "service",
        "specialist",
        "sessions_count",
        "sessions_per_week",
        "notes",
        "contraindication_override",
    )
    autocomplete_fields = ("service", "specialist")
    extra = 0
    show_change_link = True


class StatusThroughServiceAdminMixin(ServiceSaveAdminMixin):
    """A row is added in its first status; afterwards its fields are saved as typed, but its
    status changes only through ``status_change`` (the app's service, as the pages call it).
    ``service_fields`` are what that service sets beside the status: never typed."""

    service_fields: tuple[str, ...] = ()

    def status_change(self, request, row, status: str):
        raise NotImplementedError

    def get_exclude(self, request, obj=None):
        return ("status", *self.service_fields) if obj is None else super().get_exclude(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + self.service_fields if obj is not None else readonly

    def saves_through_service(self, request, obj):
        return obj is not None

    def service_save(self, request, form, change):
        row = form.instance
        before, after = form.initial.get("status"), form.cleaned_data.get("status", row.status)
        row.status = before
        row.save()
        return row if after == before else self.status_change(request, row, after)


@admin.register(Program)
class ProgramAdmin(StatusThroughServiceAdminMixin, CreatedByAdminMixin, DirectorHistoryAdmin):
    """A program is added as a draft; its status changes through ``program_set_status``, as on
    the program's page (activating plans its sessions, completing or cancelling cancels the
    sessions still planned); its services are added through ``program_add_item``."""

    list_display = ("name", "client", "status", "start_date", "end_date", "manager", "template")
    list_filter = ("status", "template", ("manager", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("client", "manager", "template")
    search_fields = ("name", *CLIENT_SEARCH)
    date_hierarchy = "start_date"
    autocomplete_fields = ("client", "manager", "template")
    inlines = (ProgramItemInline,)
    service_fields = ("end_date",)

    def status_change(self, request, row, status):
        return services.program_set_status(program=row, status=status, user=request.user)

    def save_formset(self, request, form, formset, change):
        formset.user = request.user  # who confirms a contraindicated service added inline
        if formset.model is ProgramItem:  # a reason changed on an item already there
            confirm_overrides(formset.initial_forms, request.user)
        super().save_formset(request, form, formset, change)


@admin.register(ProgramItem)
class ProgramItemAdmin(ServiceSaveAdminMixin, admin.ModelAdmin):
    """A service added here is added through ``program_add_item``, as from the program's page."""

    form = ProgramItemAdminForm
    list_display = (
        "program",
        "client",
        "service",
        "specialist",
        "sessions_count",
        "sessions_per_week",
    )
    list_filter = ("service__department",)
    list_select_related = ("program__client", "service", "specialist")
    search_fields = ("program__name", "service__name", "program__client__last_name")
    autocomplete_fields = ("program", "service", "specialist")
    readonly_fields = ("override_confirmed_by",)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + ("program",) if obj is not None else readonly

    def service_save(self, request, form, change):
        data = form.cleaned_data
        return services.program_add_item(program=data["program"], draft=item_draft(data), user=request.user)

    def save_model(self, request, obj, form, change):
        """A reason changed on an item already in the program: who confirmed it is recorded."""
        if change:
            confirm_overrides([form], request.user)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("client"), ordering="program__client__last_name")
    def client(self, obj):
        return obj.program.client


@admin.register(Session)
class SessionAdmin(StatusThroughServiceAdminMixin, CreatedByAdminMixin, admin.ModelAdmin):
    """A session is booked, moved and cancelled through ``programs.scheduling`` (no overlap, inside
    the working hours, a free room; a refusal names the session in the way and the free slots
    nearby); its status changes through ``session_mark`` (the time it was marked, the survey after
    a session done; done or missed only once it has started)."""

    list_display = ("scheduled_at", "ends_at", "service", "client", "specialist", "room", "status")
    list_filter = ("status", "item__service__department", "room")
    list_select_related = ("item__service", "client", "specialist", "room")
    search_fields = (
        "item__service__name",
        "item__program__client__first_name",
        "item__program__client__last_name",
        "specialist__last_name",
    )
    date_hierarchy = "scheduled_at"
    autocomplete_fields = ("item", "specialist", "room")
    readonly_fields = ("feedback",)  # left by the client after the session, never typed here
    service_fields = ("completed_at", "ends_at", "duration_minutes")

    def saves_through_service(self, request, obj):
        return True

    def get_exclude(self, request, obj=None):
        excluded = tuple(super().get_exclude(request, obj) or ())
        return excluded + ("ends_at", "duration_minutes", "cancel_reason") if obj is None else excluded

    def service_save(self, request, form, change):
        data = form.cleaned_data
        if not change:
            return scheduling.session_book(item=data["item"], start=data["scheduled_at"], user=request.user,
                                           specialist=data.get("specialist"), room=data.get("room"))
        row = form.instance
        Session.objects.filter(pk=row.pk).update(notes=data.get("notes", ""))
        if {"scheduled_at", "specialist", "room"} & set(form.changed_data):
            row = scheduling.session_move(session=row, start=data["scheduled_at"], user=request.user,
                                          specialist=data.get("specialist"), room=data.get("room"))
        status = data.get("status", form.initial.get("status"))
        if status == form.initial.get("status"):
            return row
        if status == Session.Status.CANCELLED:
            return scheduling.session_cancel(session=row, reason=data.get("cancel_reason", ""), user=request.user)
        return services.session_mark(session=row, status=status, user=request.user, notes=data.get("notes", ""))

    @admin.display(description=_("service"), ordering="item__service__name")
    def service(self, obj):
        return obj.item.service



@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Specialists' private calendar feeds (``programs.feed``): the secret is never shown here;
    deleting a row turns the feed off (a specialist who left, a phone lost) until the
    specialist asks for a new link on *My sessions*."""

    list_display = ["staff_member", "issued_at"]
    list_select_related = ["staff_member"]
    search_fields = ["staff_member__last_name", "staff_member__first_name"]
    fields = ["staff_member", "issued_at"]
    readonly_fields = ["staff_member", "issued_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from .classes import admin as _classes_admin  # noqa: E402,F401  (group classes' admins)
