"""The admin site for program templates, client programs and their sessions."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin import CreatedByAdminMixin, DirectorHistoryAdmin

from .models import Program, ProgramItem, ProgramTemplate, ProgramTemplateItem, Session

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


class ProgramItemInline(admin.TabularInline):
    model = ProgramItem
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


@admin.register(ProgramItem)
class ProgramItemAdmin(admin.ModelAdmin):
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
