"""The admin site for the front desk: clients, memberships, visits, tasks and the outbox.

Also the import/export mixin every app's admin shares (``ImportExportAllOrNothingMixin``).
"""

import contextlib
import logging
import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm
from import_export.tmp_storages import CacheStorage, TempFolderStorage

from core import roles
from core.admin import (
    ClubFieldsAdminMixin,
    CreatedByAdminMixin,
    DirectorHistoryAdmin,
    at_most_one_inline_formset,
)

from . import rules
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
from .resources import IMPORT_FORMATS, ClientResource, ImportFileError, MembershipResource
from .selectors import client_search_q, clients_visible_to, current_membership_subquery

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Import and export (the rows' rules are in each app's resources.py)
# ---------------------------------------------------------------------------------------------
IMPORTING_ROLES = {roles.DIRECTOR, roles.ADMINISTRATOR}


UPLOAD_GONE = _("The uploaded file is no longer on the server: upload it again.")


class UploadedFileStorage(TempFolderStorage):
    """Keeps the uploaded file between the preview and the confirmation; a file that is gone
    (imported already, or cleaned away) is said so in words, not with an error page."""

    def read(self):
        try:
            return super().read()
        except OSError:
            raise ImportFileError(UPLOAD_GONE) from None

    def remove(self):
        with contextlib.suppress(FileNotFoundError):
            super().remove()


class UploadedFileCacheStorage(CacheStorage):
    """The same, kept in the shared cache (Redis) for an hour: the confirmation may reach
    another web server than the preview did."""

    CACHE_LIFETIME = 60 * 60

    def read(self):
        data = super().read()
        if data is None:
            raise ImportFileError(UPLOAD_GONE)
        return data


def uploaded_file_storage():
    """Redis when the club runs it (several web servers share it), else the local temp folder."""
    return UploadedFileCacheStorage if settings.REDIS_URL else UploadedFileStorage


class ConfirmImportFileForm(ConfirmImportForm):
    def clean_format(self):
        value = self.cleaned_data["format"]
        if value not in {str(index) for index in range(len(IMPORT_FORMATS))}:
            raise ValidationError(_("Unknown file format."))
        return value


class ImportExportAllOrNothingMixin(ImportExportMixin):
    """Import and export buttons on the changelist: CSV or Excel .xlsx, columns and rules from
    the admin's resource (``resource_classes``).

    Import is all or nothing. The preview (a dry run: nothing of it is kept) lists every refused
    row with its number and reasons and offers no confirm button while any row is refused. The
    confirmed import reads the file again and runs in one transaction, rolled back — and the
    refused rows shown — if any row is refused then (a tampered confirmation, or data changed
    since the preview): a file is imported whole or not at all, never in part.

    Directors and administrators who may add and change the model import; anyone who may
    view it exports (the rows they see).
    """

    import_formats = export_formats = IMPORT_FORMATS
    confirm_form_class = ConfirmImportFileForm
    tmp_storage_class = uploaded_file_storage()

    def has_import_permission(self, request) -> bool:
        return (
            bool(roles.user_roles(request.user) & IMPORTING_ROLES)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        return super().get_import_data_kwargs(**kwargs) | {
            "use_transactions": True,
            "rollback_on_validation_errors": True,
        }

    def choose_import_resource_class(self, form, request):
        try:
            return super().choose_import_resource_class(form, request)
        except IndexError:  # a forged confirmation
            raise ImportFileError(_("Unknown kind of import.")) from None

    def add_data_read_fail_error_to_form(self, form, e):
        if not isinstance(e, ImportFileError):
            logger.warning("An uploaded import file could not be read", exc_info=e)
            e = _("This file cannot be read in the chosen format: choose CSV or Excel .xlsx as the file is.")
        form.add_error("import_file", str(e))

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except ImportFileError as error:
            return self.import_refused(request, file_error=str(error))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            return self.import_refused(request, result=result)  # rolled back already
        return super().process_result(result, request)

    def import_refused(self, request, **context) -> TemplateResponse:
        """The import page again, with a fresh upload form and why nothing was imported."""
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        resource_kwargs = self.get_import_resource_kwargs(request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (resource.get_display_name(), resource(**resource_kwargs).columns())
                for resource in self.get_import_resource_classes(request)
            ],
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)


# ---------------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------------
@admin.register(Contraindication)
class ContraindicationAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code", "description")
    prepopulated_fields = {"code": ("name",)}


class MembershipInline(admin.TabularInline):
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
    # Cancelling needs a date and a reason: that is done on the membership's own page.
    readonly_fields = ("status",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")


class MeasurementInline(admin.TabularInline):
    model = Measurement
    fields = ("measured_on", *Measurement.VALUE_FIELDS)
    extra = 0
    show_change_link = True


def _logging_health_data(response, request, client_id):
    """Log the look at a client's health data that a successful admin page gave."""
    if response.status_code == 200 and str(client_id).isdigit():
        from .services import health_data_opened

        health_data_opened(user=request.user, clients=[int(client_id)], place=HealthDataAccess.Place.ADMIN)
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

    def get_data_for_export(self, request, queryset, **kwargs):
        """An export with the health notes shows them: logged for every client exported."""
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        if "health_notes" in dataset.headers:
            from .services import health_data_opened

            health_data_opened(
                user=request.user,
                clients=queryset.values_list("pk", flat=True),
                place=HealthDataAccess.Place.EXPORT,
            )
        return dataset

    list_display = (
        "full_name",
        "phone",
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

    def get_queryset(self, request):
        """The clients this user may see (a manager: their own), with today's card."""
        today = timezone.localdate()
        visible = super().get_queryset(request) & clients_visible_to(request.user)
        return visible.annotate(
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
class MeasurementAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("client", "measured_on", "weight_kg", "body_fat_percent", "waist_cm")
    list_select_related = ("client",)
    search_fields = ("client__first_name", "client__last_name", "client__phone")
    date_hierarchy = "measured_on"
    autocomplete_fields = ("client",)


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


@admin.register(Membership)
class MembershipAdmin(
    ImportExportAllOrNothingMixin, FreezeDaysMixin, CreatedByAdminMixin, DirectorHistoryAdmin
):
    resource_classes = [MembershipResource]
    club_date_fields = ("start_date", "end_date", "cancelled_on")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A membership the ledger refuses to book (no department to book it to…) is not saved:
        the whole save is rolled back and the reason is shown, instead of an error page."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(
                request, _("Nothing was saved: %(reason)s") % {"reason": " ".join(error.messages)},
                level=messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    list_display = (
        "card_number",
        "client",
        "plan",
        "start_date",
        "end_date",
        "days_left",
        "status",
        "visits",
    )
    list_filter = (ValidityListFilter, "status", "plan")
    list_select_related = ("client", "plan")
    search_fields = (
        "card_number",
        "client__first_name",
        "client__last_name",
        "client__phone",
        "client__email",
    )
    date_hierarchy = "end_date"
    autocomplete_fields = ("client", "sold_by")
    inlines = (FreezeInline,)
    fieldsets = (
        (None, {"fields": ("client", "plan", "card_number", "price", "sold_by")}),
        (_("Validity"), {"fields": (("start_date", "end_date"), ("visit_limit", "visits_used"))}),
        (_("Status"), {"fields": ("status", "cancelled_on", "cancel_reason", "notes")}),
    )

    def save_model(self, request, obj, form, change):
        """A membership added here is a sale like one sold from the card: the ledger gets its
        row in the same transaction (the admin saves inside one)."""
        super().save_model(request, obj, form, change)
        if not change:
            from .services import membership_sold

            membership_sold.send(
                sender=Membership, membership=obj, seller=obj.sold_by or request.user
            )

    def save_formset(self, request, form, formset, change):
        """Freezes added, changed or deleted inline move the end date (after the membership's
        own fields are saved)."""
        from .services import frozen_days, membership_end_shift

        if formset.model is not Freeze:
            return super().save_formset(request, form, formset, change)
        before = {
            f.instance.pk: frozen_days(f.initial.get("start_date"), f.initial.get("end_date"))
            for f in formset.initial_forms
        }
        super().save_formset(request, form, formset, change)
        for freeze in formset.new_objects + [obj for obj, _fields in formset.changed_objects]:
            self.shift_for(freeze, before.get(freeze.pk, 0))
        for freeze in formset.deleted_objects:
            membership_end_shift(membership_id=form.instance.pk, days=-before.get(freeze.pk, 0))

    @admin.display(description=_("days left"), ordering="end_date")
    def days_left(self, obj):
        return max(obj.days_left(), 0)

    @admin.display(description=_("visits used"))
    def visits(self, obj):
        limit = "∞" if obj.visit_limit is None else obj.visit_limit
        return f"{obj.visits_used} / {limit}"


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


class VisitAdminForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        membership, client = cleaned.get("membership"), cleaned.get("client")
        if membership and client and membership.client_id != client.pk:
            self.add_error("membership", _("This membership belongs to another client."))
        elif membership and membership.pk != self.initial.get("membership"):
            if membership.visit_limit is not None and membership.visits_used >= membership.visit_limit:
                self.add_error("membership", _("This membership has no visits left."))
        return cleaned


@admin.register(Visit)
class VisitAdmin(CreatedByAdminMixin, admin.ModelAdmin):
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
    form = VisitAdminForm

    def save_model(self, request, obj, form, change):
        """A visit entered here counts against its membership like a check-in on the card."""
        from .services import visits_used_adjust

        old_membership = form.initial.get("membership") if change else None
        super().save_model(request, obj, form, change)
        if old_membership != obj.membership_id:
            visits_used_adjust(membership_id=old_membership, delta=-1)
            visits_used_adjust(membership_id=obj.membership_id, delta=1)

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
class InteractionAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "client", "kind", "direction", "manager", "summary")
    list_filter = ("kind", "direction", ("manager", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("client", "manager")
    search_fields = ("client__first_name", "client__last_name", "summary", "outcome")
    date_hierarchy = "occurred_at"
    autocomplete_fields = ("client", "manager")


@admin.register(Task)
class TaskAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("title", "client", "kind", "due_date", "status", "assigned_to")
    list_filter = ("status", "kind", ("assigned_to", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("client", "assigned_to")
    search_fields = ("title", "description", "client__first_name", "client__last_name")
    date_hierarchy = "due_date"
    autocomplete_fields = ("client", "assigned_to", "interaction")


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
        ("created_at", "sent_at"),
        ("content_type", "object_id"),
    )
    delivery_fields = (
        "status",
        "attempts",
        "channels_tried",
        "reason",
        "created_at",
        "sent_at",
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

    @admin.action(
        description=_("Send the selected failed or skipped messages again"),
        permissions=["change"],
    )
    def retry(self, request, queryset):
        """Queue them again with a fresh round of attempts; the outbox sweep (every minute)
        sends them, checking consent and quiet hours anew."""
        count = queryset.filter(
            status__in=(Notification.Status.FAILED, Notification.Status.SKIPPED)
        ).update(status=Notification.Status.QUEUED, reason="", attempts=0, not_before=None)
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
