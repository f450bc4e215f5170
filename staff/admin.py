"""The admin site for departments, services, staff, feedback, surveys and assessments."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin import CreatedByAdminMixin, DirectorHistoryAdmin, at_most_one_inline_formset
from core.spreadsheets.admin import ImportExportAllOrNothingMixin

from .models import (
    DEFAULT_TOOL,
    Competency,
    CompetencyAssessment,
    CompetencyScore,
    Department,
    Feedback,
    Holiday,
    OpeningHours,
    PayRate,
    Room,
    Service,
    StaffMember,
    SurveyResponse,
    WorkException,
    WorkingHours,
)
from .resources import ServiceResource, StaffMemberResource

STAFF_MEMBER_SEARCH = ("staff_member__first_name", "staff_member__last_name")
CLIENT_SEARCH = ("client__first_name", "client__last_name", "client__phone")
NPS_CATEGORY_LABELS = {
    "promoter": _("Promoter"),
    "passive": _("Passive"),
    "detractor": _("Detractor"),
}


class StaffMemberInline(admin.TabularInline):
    model = StaffMember
    fields = ("last_name", "first_name", "role", "position", "is_head_of_department", "is_active")
    formset = at_most_one_inline_formset(
        "staff_one_head_per_department", lambda row: row.get("is_head_of_department")
    )
    extra = 0
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "staff_count", "service_count", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = (StaffMemberInline,)

    def get_deleted_objects(self, objs, request):
        """A department that membership plans belong to is not deleted (their sales would have
        nowhere to go): the plans are listed as protected, as Django lists protected rows."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for department in objs:
            protected += [
                format_html("{}: {}", capfirst(plan._meta.verbose_name), plan) for plan in department.plans()
            ]
        return deleted, counts, perms_needed, protected

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                staff_count=Count("staff_members", distinct=True),
                service_count=Count("services", distinct=True),
            )
        )

    @admin.display(description=_("staff"), ordering="staff_count")
    def staff_count(self, obj):
        return obj.staff_count

    @admin.display(description=_("services"), ordering="service_count")
    def service_count(self, obj):
        return obj.service_count


@admin.register(Service)
class ServiceAdmin(ImportExportAllOrNothingMixin, CreatedByAdminMixin, admin.ModelAdmin):
    resource_classes = [ServiceResource]
    list_display = ("name", "department", "kind", "duration_minutes", "buffer_minutes", "room_kind", "price",
                    "is_active")
    list_filter = ("department", "kind", "room_kind", "is_active")
    list_select_related = ("department",)
    search_fields = ("name", "description", "department__name")
    filter_horizontal = ("contraindications",)


class PayRateInline(admin.TabularInline):
    model = PayRate
    fields = ("effective_from", "monthly_salary", "head_rate", "profit_share_percent")
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(ImportExportAllOrNothingMixin, CreatedByAdminMixin, admin.ModelAdmin):
    resource_classes = [StaffMemberResource]
    list_display = (
        "full_name",
        "role",
        "department",
        "position",
        "is_head_of_department",
        "user",
        "is_active",
    )
    list_filter = ("role", "department", "is_head_of_department", "is_active")
    list_select_related = ("department", "user")
    search_fields = ("first_name", "last_name", "position", "phone", "email", "user__username")
    autocomplete_fields = ("user",)
    filter_horizontal = ("services",)
    inlines = (PayRateInline,)

    @admin.display(description=pgettext_lazy("person", "name"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name


@admin.register(PayRate)
class PayRateAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = (
        "staff_member",
        "effective_from",
        "monthly_salary",
        "head_rate",
        "profit_share_percent",
    )
    list_filter = ("staff_member__department",)
    list_select_related = ("staff_member",)
    search_fields = STAFF_MEMBER_SEARCH
    date_hierarchy = "effective_from"
    autocomplete_fields = ("staff_member",)


@admin.register(Feedback)
class FeedbackAdmin(CreatedByAdminMixin, DirectorHistoryAdmin):
    list_display = (
        "received_at",
        "kind",
        "client",
        "staff_member",
        "service",
        "rating",
        "status",
    )
    list_filter = ("kind", "status", "channel", "rating", "staff_member__department")
    list_select_related = ("client", "staff_member", "service")
    search_fields = (*CLIENT_SEARCH, *STAFF_MEMBER_SEARCH, "service__name", "text")
    date_hierarchy = "received_at"
    autocomplete_fields = ("client", "staff_member", "service", "relayed_by", "resolved_by")
    fieldsets = (
        (None, {"fields": ("client", ("staff_member", "service"), ("kind", "rating"), "text")}),
        (_("Received"), {"fields": (("channel", "received_at"),)}),
        (
            _("Handling"),
            {
                "fields": (
                    "status",
                    ("relayed_at", "relayed_by"),
                    ("staff_response", "responded_at"),
                    "resolution",
                    ("resolved_at", "resolved_by"),
                )
            },
        ),
    )


@admin.register(SurveyResponse)
class SurveyResponseAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("answered_at", "client", "score", "category", "staff_member", "service")
    list_filter = ("score", "staff_member__department")
    list_select_related = ("client", "staff_member", "service")
    search_fields = (*CLIENT_SEARCH, *STAFF_MEMBER_SEARCH, "comment")
    date_hierarchy = "answered_at"
    autocomplete_fields = ("client", "staff_member", "service")

    @admin.display(description=_("NPS category"), ordering="score")
    def category(self, obj):
        return NPS_CATEGORY_LABELS[obj.category]


class CompetencyScoreInline(admin.TabularInline):
    """One row per competency; a new assessment starts with all six, each with its tool."""

    model = CompetencyScore
    fields = ("competency", "tool", "score", "notes")
    max_num = len(Competency)
    extra = 0

    @staticmethod
    def unscored(assessment) -> list[Competency]:
        scored = set()
        if assessment is not None and assessment.pk:
            scored = set(assessment.scores.values_list("competency", flat=True))
        return [competency for competency in Competency if competency not in scored]

    def get_extra(self, request, obj=None, **kwargs):
        return len(self.unscored(obj))


@admin.register(CompetencyAssessment)
class CompetencyAssessmentAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("subject", "position", "occasion", "assessed_on", "decision", "assessor")
    list_filter = ("occasion", "decision", "position")
    list_select_related = ("staff_member", "assessor")
    search_fields = ("candidate_name", *STAFF_MEMBER_SEARCH, "position")
    date_hierarchy = "assessed_on"
    autocomplete_fields = ("staff_member", "assessor")
    inlines = (CompetencyScoreInline,)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, CompetencyScoreInline):
            kwargs["initial"] = [
                {"competency": competency, "tool": DEFAULT_TOOL[competency]}
                for competency in inline.unscored(obj)
            ]
        return kwargs

    @admin.display(description=_("assessed"), ordering="candidate_name")
    def subject(self, obj):
        return obj.subject_name


@admin.register(CompetencyScore)
class CompetencyScoreAdmin(admin.ModelAdmin):
    list_display = ("assessment", "competency", "tool", "score")
    list_filter = ("competency", "tool", "score")
    list_select_related = ("assessment__staff_member",)
    search_fields = ("assessment__candidate_name", "assessment__staff_member__last_name")
    autocomplete_fields = ("assessment",)


# --- Where and when people work (staff.schedule reads these) -------------------------------------------
@admin.register(Room)
class RoomAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("name", "department", "kind", "capacity", "is_active")
    list_filter = ("department", "kind", "is_active")
    list_select_related = ("department",)
    search_fields = ("name",)


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ("weekday", "opens_at", "closes_at")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name")
    date_hierarchy = "day"


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("staff_member", "valid_from", "weekday", "starts_at", "ends_at")
    list_filter = ("weekday", "staff_member__department")
    list_select_related = ("staff_member",)
    autocomplete_fields = ("staff_member",)
    search_fields = STAFF_MEMBER_SEARCH


@admin.register(WorkException)
class WorkExceptionAdmin(admin.ModelAdmin):
    list_display = ("staff_member", "kind", "starts_on", "ends_on", "starts_at", "ends_at", "note")
    list_filter = ("kind", "staff_member__department")
    list_select_related = ("staff_member",)
    autocomplete_fields = ("staff_member",)
    search_fields = STAFF_MEMBER_SEARCH
