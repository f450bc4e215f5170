"""The admin site for the front desk: clients, plans, freezes, visits, tasks and the outbox.

Memberships are sold, so their admin is the sales app's (``sales/admin.py``). Rows that the
pages write through a service (a visit, a measurement, an interaction, a task) are written
through the same service here (``core.admin.ServiceSaveAdminMixin``).

Clients and memberships are imported and exported with the spreadsheet framework's mixin
(``core.spreadsheets.admin.ImportExportAllOrNothingMixin``); their columns are in resources.py.
"""

import uuid

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.admin import (
    RECORD_FIELDS,
    ClubFieldsAdminMixin,
    CreatedByAdminMixin,
    DirectorHistoryAdmin,
    ServiceSaveAdminMixin,
    at_most_one_inline_formset,
)
from core.spreadsheets.admin import ImportExportAllOrNothingMixin
from core.templatetags.crm import phone_link

from . import health_data, rules
from .models import (
    Client,
    ClientErasure,
    Contraindication,
    Freeze,
    HealthDataAccess,
    Interaction,
    Measurement,
    Membership,
    MembershipPlan,
    Notification,
    Task,
    UserPreference,
    Visit,
)
from .resources import ClientResource
from .selectors import client_search_q, current_membership_subquery


# ---------------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------------
@admin.register(Contraindication)
class ContraindicationAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code", "description")
    prepopulated_fields = {"code": ("name",)}


class MembershipInline(admin.TabularInline):
    """The client's cards, to read: a card is sold on the membership's add page (its sale goes
    to the ledger) and changed on its own page."""

    model = Membership
    fields = (
        "card_number",
        "plan",
        "start_date",
        "end_date",
        "visit_limit",
        "visits_used",
        "price",
        "status",
    )
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")


class MeasurementInlineFormSet(forms.BaseInlineFormSet):
    """A measurement added inline is recorded as on the card (``measurement_add``)."""

    def save_new(self, form, commit=True):
        from .services import measurement_add

        data = form.cleaned_data
        return measurement_add(
            client=self.instance, measured_on=data["measured_on"], user=self.user,
            readings={name: data.get(name) for name in Measurement.VALUE_FIELDS},
        )


class MeasurementInline(admin.TabularInline):
    model = Measurement
    formset = MeasurementInlineFormSet
    fields = ("measured_on", *Measurement.VALUE_FIELDS)
    extra = 0
    show_change_link = True


def _logging_health_data(response, request, client_id):
    """Log the look at a client's health data that a successful admin page gave."""
    if response.status_code == 200 and str(client_id).isdigit():
        from .services import health_data_opened

        health_data_opened(user=request.user, clients=[int(client_id)], place=health_data.ADMIN_SITE)
    return response


@admin.register(Client)
class ClientAdmin(ImportExportAllOrNothingMixin, CreatedByAdminMixin, DirectorHistoryAdmin):
    resource_classes = [ClientResource]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change page shows the health notes and flags: opening it is logged."""
        return _logging_health_data(super().change_view(request, object_id, form_url, extra_context),
                                    request, object_id)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An old version shows the health notes it had: opening it is logged too."""
        return _logging_health_data(super().history_form_view(request, object_id, version_id, extra_context),
                                    request, object_id)

    def has_change_permission(self, request, obj=None):
        """A client whose personal data were erased is kept as it is (read only)."""
        if obj is not None and obj.erased_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        formset.user = request.user  # who records a measurement added inline
        super().save_formset(request, form, formset, change)

    def get_data_for_export(self, request, queryset, **kwargs):
        """An export with the health notes shows them: logged for every client exported."""
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        if "health_notes" in dataset.headers:
            from .services import health_data_opened

            health_data_opened(
                user=request.user,
                clients=queryset.values_list("pk", flat=True),
                place=health_data.DATA_EXPORT,
            )
        return dataset

    list_display = (
        "full_name",
        "phone_number",
        "email",
        "current_card",
        "current_card_ends",
        "stage",
        "assigned_manager",
        "created_at",
    )
    list_filter = (
        "stage",
        "source",
        "preferred_channel",
        ("assigned_manager", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("assigned_manager",)
    search_fields = (
        "first_name",
        "last_name",
        "middle_name",
        "phone",
        "email",
        "memberships__card_number",
    )
    search_help_text = _("Name, phone, e-mail or membership card number.")
    date_hierarchy = "created_at"
    autocomplete_fields = ("referred_by", "assigned_manager")
    filter_horizontal = ("contraindications",)
    readonly_fields = ("stage",)
    inlines = (MembershipInline, MeasurementInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("last_name", "first_name", "middle_name"),
                    ("phone", "email"),
                    ("birth_date", "gender"),
                    "address",
                    "language",
                )
            },
        ),
        (
            _("Relationship"),
            {"fields": ("assigned_manager", "stage", ("source", "referred_by"), "notes")},
        ),
        (
            _("Goals and health"),
            {"fields": ("goals", "needs", "health_notes", "contraindications")},
        ),
        (
            _("Messages and consent"),
            {
                "fields": (
                    "preferred_channel",
                    ("consent_email", "consent_sms", "consent_telegram", "consent_calls"),
                    "telegram_chat_id",
                )
            },
        ),
    )

    @admin.display(description=_("phone"), ordering="phone")
    def phone_number(self, client):
        """As the club's region writes it, a tap-to-call link (``core.templatetags.crm``)."""
        return phone_link(client.phone)

    def get_queryset(self, request):
        """The clients (the site narrows them to those this user sees), with today's card."""
        today = timezone.localdate()
        return super().get_queryset(request).annotate(
            current_card=current_membership_subquery("card_number", today),
            current_card_ends=current_membership_subquery("end_date", today),
        )

    def get_search_results(self, request, queryset, search_term):
        """The admin's word-by-word search, plus the app's own client search (which also
        finds a phone typed in any format, e.g. "050 123 45 67")."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(client_search_q(search_term))
        return found, may_have_duplicates

    @admin.display(description=pgettext_lazy("person", "name"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("card"), ordering="current_card")
    def current_card(self, obj):
        return obj.current_card

    @admin.display(description=_("card valid until"), ordering="current_card_ends")
    def current_card_ends(self, obj):
        return obj.current_card_ends


@admin.register(Measurement)
class MeasurementAdmin(ServiceSaveAdminMixin, CreatedByAdminMixin, admin.ModelAdmin):
    """A measurement added here is recorded as on the card (``measurement_add``)."""

    list_display = ("client", "measured_on", "weight_kg", "body_fat_percent", "waist_cm")
    list_select_related = ("client",)
    search_fields = ("client__first_name", "client__last_name", "client__phone")
    date_hierarchy = "measured_on"
    autocomplete_fields = ("client",)

    def service_save(self, request, form, change):
        from .services import measurement_add

        data = form.cleaned_data
        return measurement_add(
            client=data["client"], measured_on=data["measured_on"], notes=data.get("notes", ""),
            readings={name: data.get(name) for name in Measurement.VALUE_FIELDS}, user=request.user,
        )


# ---------------------------------------------------------------------------------------------
# Plans, memberships, freezes, visits
# ---------------------------------------------------------------------------------------------
@admin.register(MembershipPlan)
class MembershipPlanAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "duration_days",
        "visit_limit",
        "price",
        "max_freeze_days",
        "is_active",
    )
    list_filter = ("category", "is_active")
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
        from .services import frozen_days, membership_end_shift

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
        from .services import frozen_days

        old = frozen_days(form.initial.get("start_date"), form.initial.get("end_date")) if change else 0
        super().save_model(request, obj, form, change)
        self.shift_for(obj, old)

    def delete_model(self, request, obj):
        from .services import frozen_days, membership_end_shift

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
    list_display = ("checked_in_at", "client", "membership", "checked_out_at", "note")
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
        return ["client", "membership", "checked_in_at", "checked_out_at", "note", *RECORD_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "client", "membership") if obj is not None else readonly

    def service_save(self, request, form, change):
        from .services import visit_check_in

        data = form.cleaned_data
        return visit_check_in(
            client=data["client"], user=request.user, at=data["checked_in_at"],
            membership=data.get("membership"), again=data.get("again", False), note=data.get("note", ""),
        )

    def service_refused(self, request, form, error):
        from .services import AlreadyCheckedIn

        if isinstance(error, AlreadyCheckedIn):
            form.add_error("again", " ".join([error.message, str(_("Tick to check in again."))]))
            return True
        return False

    def delete_model(self, request, obj):
        from .services import visits_used_adjust

        visits_used_adjust(membership_id=obj.membership_id, delta=-1)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for visit in queryset:
            self.delete_model(request, visit)


# ---------------------------------------------------------------------------------------------
# Relationship: interactions and tasks
# ---------------------------------------------------------------------------------------------
@admin.register(Interaction)
class InteractionAdmin(ServiceSaveAdminMixin, CreatedByAdminMixin, admin.ModelAdmin):
    """An interaction added here is logged as on the card (``interaction_log``)."""

    list_display = ("occurred_at", "client", "kind", "direction", "manager", "summary")
    list_filter = ("kind", "direction", ("manager", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("client", "manager")
    search_fields = ("client__first_name", "client__last_name", "summary", "outcome")
    date_hierarchy = "occurred_at"
    autocomplete_fields = ("client", "manager")

    def service_save(self, request, form, change):
        from .services import interaction_log

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
        from .services import task_create

        data = form.cleaned_data
        return task_create(
            client=data.get("client"), assigned_to=data.get("assigned_to"), title=data["title"],
            due_date=data["due_date"], user=request.user, kind=data["kind"],
            description=data.get("description", ""), interaction=data.get("interaction"),
        )


# ---------------------------------------------------------------------------------------------
# The outbox
# ---------------------------------------------------------------------------------------------
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


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    """Each staff user's interface language (set by the user with the language switcher)."""

    list_display = ["user", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


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
