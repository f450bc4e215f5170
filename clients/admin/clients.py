"""The admin site's clients: the client record with its cards (to read) and measurements,
the health flags' vocabulary and the measurements' own list.

Clients are imported and exported with the spreadsheet framework's mixin
(``core.spreadsheets.admin.ImportExportAllOrNothingMixin``); their columns are in
``clients/resources.py``. Opening a client's health data here is logged (``health_data``).
"""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin import CreatedByAdminMixin, DirectorHistoryAdmin, ServiceSaveAdminMixin
from core.spreadsheets.admin import ImportExportAllOrNothingMixin
from core.templatetags.crm import phone_link

from .. import health_data
from ..models import Client, Contraindication, Measurement, Membership
from ..resources import ClientResource
from ..selectors import client_search_q, current_membership_subquery


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
        from ..services import measurement_add

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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client")  # each row's name reads it


def _logging_health_data(response, request, client_id):
    """Log the look at a client's health data that a successful admin page gave."""
    if response.status_code == 200 and str(client_id).isdigit():
        from ..services import health_data_opened

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
        """A client whose personal data were erased is kept as it is (read only):
        ``client_change_refusal``, as on the client's form and in an imported file."""
        from ..services import client_change_refusal

        if obj is not None and client_change_refusal(obj):
            return False
        return super().has_change_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        formset.user = request.user  # who records a measurement added inline
        super().save_formset(request, form, formset, change)

    def get_data_for_export(self, request, queryset, **kwargs):
        """An export with the health notes shows them: logged for every client exported."""
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        if "health_notes" in dataset.headers:
            from ..services import health_data_opened

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
            {"fields": ("goals", "needs", "health_notes", "contraindications",
                        "preferred_weekdays", ("preferred_time_from", "preferred_time_to"))},
        ),
        (
            _("Messages and consent"),
            {
                "fields": (
                    "preferred_channel",
                    ("consent_email", "consent_sms", "consent_telegram", "consent_calls"),
                    ("service_email", "service_sms", "service_telegram"),
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
        from ..services import measurement_add

        data = form.cleaned_data
        return measurement_add(
            client=data["client"], measured_on=data["measured_on"], notes=data.get("notes", ""),
            readings={name: data.get(name) for name in Measurement.VALUE_FIELDS}, user=request.user,
        )
