"""The admin site for program templates, client programs and their sessions."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin import CreatedByAdminMixin, DirectorHistoryAdmin
from staff.rules import contraindication_form_check

from .models import Program, ProgramItem, ProgramTemplate, ProgramTemplateItem, Session

CLIENT_SEARCH = ("client__first_name", "client__last_name", "client__phone")


class ProgramTemplateItemInline(admin.TabularInline):
    model = ProgramTemplateItem
    fields = ("position", "service", "sessions_count", "sessions_per_week", "notes")
    autocomplete_fields = ("service",)
    extra = 0


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(CreatedByAdminMixin, admin.ModelAdmin):
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


class ProgramItemAdminForm(forms.ModelForm):
    """A program item typed in the admin site follows the program builder's rule
    (``staff.rules``): a service contraindicated for the client is refused, the flags named
    next to the reason, unless a reason is given; the reason is kept only then."""

    class Meta:
        model = ProgramItem
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        program = cleaned.get("program") or _program_of(self.instance)
        if program is not None and program.client_id is not None:
            contraindication_form_check(
                self, client=program.client, service=cleaned.get("service"),
                field="contraindication_override", given_by={"program", "service"},
            )
        return cleaned


def _program_of(item: ProgramItem):
    """The item's program, also when it is the unsaved parent of an inline row (or none yet)."""
    try:
        return item.program
    except Program.DoesNotExist:
        return None


def confirm_overrides(forms_of_items, user) -> None:
    """Who confirmed a contraindication's reason: the user who typed or changed it."""
    for form in forms_of_items:
        if "contraindication_override" in form.changed_data:
            reason = form.cleaned_data.get("contraindication_override")
            form.instance.override_confirmed_by = user if reason else None


class ProgramItemInline(admin.TabularInline):
    model = ProgramItem
    form = ProgramItemAdminForm
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


@admin.register(Program)
class ProgramAdmin(CreatedByAdminMixin, DirectorHistoryAdmin):
    list_display = ("name", "client", "status", "start_date", "end_date", "manager", "template")
    list_filter = ("status", "template", ("manager", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("client", "manager", "template")
    search_fields = ("name", *CLIENT_SEARCH)
    date_hierarchy = "start_date"
    autocomplete_fields = ("client", "manager", "template")
    inlines = (ProgramItemInline,)

    def save_formset(self, request, form, formset, change):
        if formset.model is ProgramItem:
            confirm_overrides(formset.forms, request.user)
        super().save_formset(request, form, formset, change)


@admin.register(ProgramItem)
class ProgramItemAdmin(admin.ModelAdmin):
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

    def save_model(self, request, obj, form, change):
        confirm_overrides([form], request.user)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("client"), ordering="program__client__last_name")
    def client(self, obj):
        return obj.program.client


@admin.register(Session)
class SessionAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("scheduled_at", "service", "client", "specialist", "duration_minutes", "status")
    list_filter = ("status", "item__service__department")
    list_select_related = ("item__service", "item__program__client", "specialist")
    search_fields = (
        "item__service__name",
        "item__program__client__first_name",
        "item__program__client__last_name",
        "specialist__last_name",
    )
    date_hierarchy = "scheduled_at"
    autocomplete_fields = ("item", "specialist")

    @admin.display(description=_("service"), ordering="item__service__name")
    def service(self, obj):
        return obj.item.service

    @admin.display(description=_("client"), ordering="item__program__client__last_name")
    def client(self, obj):
        return obj.item.program.client
