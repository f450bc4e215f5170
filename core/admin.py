"""Base classes every app's admin shares: who created a row, the club's date bounds, the
directors-only history of a row, an autocomplete that tolerates a forged value, an inline
formset keeping at most one row of a kind, and saving through the app's services."""

from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .capabilities import READ_HISTORY, can
from .dates import validate_club_date
from .forms import apply_service_errors
from .models import TimeStampedModel

RECORD_FIELDS = ("created_at", "updated_at", "created_by")


def stamp_creator(obj, user) -> None:
    """Remember who created a new row of a model that records it."""
    if isinstance(obj, TimeStampedModel) and obj._state.adding:
        obj.created_by = user


class ClubFieldsAdminMixin:
    """Form fields every admin of the club's records shares. Dates of the club's own records (a
    card, a visit, a freeze: ``club_date_fields``) lie between 2000 and 2100, as in every other
    form (``clients.dates``; a birth or hiring date is not one of them); a forged value that is
    not an id in an autocomplete box is a field error, not an error page."""

    club_date_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.club_date_fields:
            formfield.validators.append(validate_club_date)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CreatedByAdminMixin(ClubFieldsAdminMixin):
    """Sets ``created_by`` on rows added through the admin, inline rows included, and shows the
    who-and-when of a ``TimeStampedModel`` read-only (in a collapsed "Record" section when the
    admin declares fieldsets)."""

    def _records_creation(self) -> bool:
        return issubclass(self.model, TimeStampedModel)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self._records_creation():
            readonly += tuple(name for name in RECORD_FIELDS if name not in readonly)
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets and self._records_creation():
            record = (_("Who and when"), {"fields": RECORD_FIELDS, "classes": ["collapse"]})
            fieldsets = [*fieldsets, record]
        return fieldsets

    def save_model(self, request, obj, form, change):
        stamp_creator(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            stamp_creator(inline_form.instance, request.user)
        super().save_formset(request, form, formset, change)


class HistoryForDirectorsMixin:
    """The *History* of a row in the admin site — Django's log of admin changes, or
    django-simple-history's versions — only for those who may ``read_history`` (directors), only
    of rows their list shows them, and read only (``SIMPLE_HISTORY_REVERT_DISABLED``). Old
    versions hold what the row held — a client's old phone, old health notes — so they follow the
    same rule as the client's history page. The club's admin site mixes it into every admin."""

    def _history_allowed(self, request, object_id, version_id=None):
        if not can(request.user, READ_HISTORY):
            raise PermissionDenied
        if version_id is not None and not str(version_id).isdigit():
            raise Http404
        try:
            exists = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError, ValidationError):  # a forged id of the wrong type
            exists = False
        if not exists:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._history_allowed(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._history_allowed(request, object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class DirectorHistoryAdmin(HistoryForDirectorsMixin, SimpleHistoryAdmin):
    """An admin whose model keeps its versions (django-simple-history): *History* lists them."""


class TolerantAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete box, which shows a forged value that is not an id (``abc``) as
    nothing instead of failing to look it up: the field's own error then says what is wrong."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        usable = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


def at_most_one_inline_formset(constraint_name: str, is_the_one):
    """An inline formset class that keeps at most one row for which ``is_the_one(cleaned_data)``.

    A partial unique constraint ("one open freeze per membership") is checked form by form
    against the database only, so two such new rows sent together would reach the database
    and fail there. This refuses them next to the inline, with the constraint's own message.
    """

    class AtMostOneInlineFormSet(BaseInlineFormSet):
        def clean(self):
            super().clean()
            kept = [
                form.cleaned_data
                for form in self.forms
                if form.cleaned_data and not self._should_delete_form(form)
            ]
            if sum(1 for data in kept if is_the_one(data)) > 1:
                constraint = next(
                    c for c in self.model._meta.constraints if c.name == constraint_name
                )
                raise ValidationError(constraint.get_violation_error_message())

    return AtMostOneInlineFormSet


class _OnlyChecking(Exception):
    """Rolls back a service run whose only purpose was to check a form."""


class ServiceSaveAdminMixin:
    """An admin whose rows are written by the app's service, as the pages write them: the admin
    site is one more door, not a way round the rules.

    ``service_save(request, form, change)`` calls the service with the form's cleaned data and
    returns the row it saved; ``saves_through_service(request, obj)`` says for which forms (by
    default: adding). ``add_form`` is the add page's own form (what the service asks rather than
    the model's fields), ``full_add_form`` the one that asks more, for those who hold
    ``full_add_form_capability`` (a price for whoever may set prices…). The form is checked by running that same call in a savepoint that is then
    rolled back, so that each refusal of the service is a message next to its field, and saving
    runs it again, for real, in the admin's transaction. Should the service refuse only then
    (something changed in between), nothing is saved and the reason is shown on top of the page.
    """

    add_form = None
    full_add_form = None
    full_add_form_capability = None

    def service_save(self, request, form, change: bool):
        raise NotImplementedError

    def saves_through_service(self, request, obj) -> bool:
        return obj is None

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None and self.add_form is not None:
            full = self.full_add_form is not None and can(request.user, self.full_add_form_capability)
            kwargs["form"] = self.full_add_form if full else self.add_form
        form_class = super().get_form(request, obj, change, **kwargs)
        if not self.saves_through_service(request, obj):
            return form_class
        model_admin = self

        class CheckedByTheService(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        model_admin.service_save(request, self, change)
                        raise _OnlyChecking
                except _OnlyChecking:
                    pass
                except ValidationError as error:
                    if not model_admin.service_refused(request, self, error):
                        apply_service_errors(self, error)

        CheckedByTheService.__name__ = form_class.__name__
        return CheckedByTheService

    def service_refused(self, request, form, error: ValidationError) -> bool:
        """A refusal the form answers itself (True), or one to raise on to ``refused_response``.
        By default (False) each refusal is shown next to its field."""
        return False

    def refused_response(self, request, error: ValidationError):
        """The page for a refusal raised out of the form or the save; None: the form again,
        with the reason on top."""
        return None

    def save_model(self, request, obj, form, change):
        if not self.saves_through_service(request, obj if change else None):
            return super().save_model(request, obj, form, change)
        saved = self.service_save(request, form, change)
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            response = self.refused_response(request, error)
            if response is not None:
                return response
            self.message_user(
                request, _("Nothing was saved: %(reason)s") % {"reason": " ".join(error.messages)},
                level=messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
