"""The admin site's plans, freezes and visits, and the pieces the sales app's membership admin
reuses (the validity filter, the freeze inline and its end-date shift).

Memberships are sold, so their admin is the sales app's (``sales/admin.py``). A freeze moves
the card's end date as one made on the card does; a visit is a check-in (``visit_check_in``).
"""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import (
    RECORD_FIELDS,
    ClubFieldsAdminMixin,
    CreatedByAdminMixin,
    ServiceSaveAdminMixin,
    at_most_one_inline_formset,
)

from .. import rules
from ..models import Freeze, MembershipPlan, Visit
from ..plan_departments_admin import PlanDepartmentAdminMixin, PlanDepartmentListFilter


@admin.register(MembershipPlan)
class MembershipPlanAdmin(PlanDepartmentAdminMixin, CreatedByAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "department",
        "duration_days",
        "visit_limit",
        "price",
        "max_freeze_days",
        "is_active",
    )
    list_filter = ("category", PlanDepartmentListFilter, "is_active")
    search_fields = ("name", "description")


class ValidityListFilter(admin.SimpleListFilter):
    """Where a membership stands today (the club's local date), by the rules of ``clients.rules``."""

    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        days = rules.EXPIRING_SOON_DAYS
        return (
            ("running", _("Running today")),
            ("frozen", _("Frozen today")),
            ("expiring", ngettext("Expiring soon (within %(days)d day)", "Expiring soon (within %(days)d days)", days)
             % {"days": days}),
            ("upcoming", _("Not started yet")),
            ("expired", _("Expired")),
        )

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "running":
                return queryset.filter(rules.running_q(today))
            case "frozen":
                return queryset.filter(rules.frozen_q(today))
            case "expiring":
                return queryset.filter(rules.expiring_q(today))
            case "upcoming":
                return queryset.filter(rules.not_started_q(today))
            case "expired":
                return queryset.filter(rules.ended_q(today))
        return queryset


class FreezeDaysMixin:
    """A freeze entered in the admin moves the membership's end date like one made on the
    card: adding, lengthening, shortening or deleting it moves the end date by the days."""

    @staticmethod
    def shift_for(freeze, old_days: int) -> None:
        from ..services import frozen_days, membership_end_shift

        membership_end_shift(
            membership_id=freeze.membership_id,
            days=frozen_days(freeze.start_date, freeze.end_date) - old_days,
        )


class FreezeInline(ClubFieldsAdminMixin, admin.TabularInline):
    model = Freeze
    club_date_fields = ("start_date", "end_date")
    fields = ("start_date", "end_date", "reason")
    formset = at_most_one_inline_formset(
        "freeze_one_open_per_membership", lambda row: row.get("end_date") is None
    )
    extra = 0


@admin.register(Freeze)
class FreezeAdmin(FreezeDaysMixin, CreatedByAdminMixin, admin.ModelAdmin):
    club_date_fields = ("start_date", "end_date")
    list_display = ("membership", "client", "start_date", "end_date", "reason")
    list_select_related = ("membership__client", "membership__plan")
    search_fields = (
        "membership__card_number",
        "membership__client__first_name",
        "membership__client__last_name",
    )
    date_hierarchy = "start_date"
    autocomplete_fields = ("membership",)

    @admin.display(description=_("client"), ordering="membership__client__last_name")
    def client(self, obj):
        return obj.membership.client

    def save_model(self, request, obj, form, change):
        from ..services import frozen_days

        old = frozen_days(form.initial.get("start_date"), form.initial.get("end_date")) if change else 0
        super().save_model(request, obj, form, change)
        self.shift_for(obj, old)

    def delete_model(self, request, obj):
        from ..services import frozen_days, membership_end_shift

        membership_end_shift(membership_id=obj.membership_id, days=-frozen_days(obj.start_date, obj.end_date))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for freeze in queryset:
            self.delete_model(request, freeze)


class VisitCheckInForm(forms.ModelForm):
    """A visit entered by hand: checked in as the card's check-in does (``visit_check_in``)."""

    again = forms.BooleanField(
        label=_("Check in again the same day"),
        required=False,
        help_text=_("Tick when the card was checked in already that day and the client came again."),
    )

    class Meta:
        model = Visit
        fields = ["client", "membership", "checked_in_at", "note"]
        help_texts = {
            "membership": _("Leave empty: the card the check-in would use that day."),
        }


@admin.register(Visit)
class VisitAdmin(ServiceSaveAdminMixin, CreatedByAdminMixin, admin.ModelAdmin):
    """A visit added here is a check-in: it counts against the client's card usable that day
    (the one chosen, or the one the card's check-in finds), or is refused with the check-in's
    words. Its client and card stay as counted; deleting it gives the visit back."""

    club_date_fields = ("checked_in_at", "checked_out_at")
    list_display = ("checked_in_at", "client", "membership", "kind", "checked_out_at", "note")
    list_filter = ("kind",)
    list_select_related = ("client", "membership__plan")
    search_fields = (
        "client__first_name",
        "client__last_name",
        "client__phone",
        "membership__card_number",
    )
    date_hierarchy = "checked_in_at"
    autocomplete_fields = ("client", "membership")
    add_form = VisitCheckInForm

    def get_changeform_initial_data(self, request):
        """A visit opened from a client (``?client=<id>``) shows the card the check-in counts it
        against, as the front desk does (``rules.check_in_cards``); the time is now."""
        initial = super().get_changeform_initial_data(request)
        client_id = str(initial.get("client", ""))
        if client_id.isdigit() and "membership" not in initial:
            card = rules.check_in_cards(int(client_id), timezone.localdate()).first()
            if card is not None:
                initial["membership"] = card.pk
        return initial

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["client", "membership", "checked_in_at", "again", "note"]
        return ["client", "membership", "checked_in_at", "checked_out_at", "kind", "note", *RECORD_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "client", "membership") if obj is not None else readonly

    def service_save(self, request, form, change):
        from ..services import visit_check_in

        data = form.cleaned_data
        return visit_check_in(
            client=data["client"], user=request.user, at=data["checked_in_at"],
            membership=data.get("membership"), again=data.get("again", False), note=data.get("note", ""),
        )

    def service_refused(self, request, form, error):
        from ..services import AlreadyCheckedIn

        if isinstance(error, AlreadyCheckedIn):
            form.add_error("again", " ".join([error.message, str(_("Tick to check in again."))]))
            return True
        return False

    def delete_model(self, request, obj):
        from ..services import visits_used_adjust

        visits_used_adjust(membership_id=obj.membership_id, delta=-1)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for visit in queryset:
            self.delete_model(request, visit)
