"""The admin's import and export: ``ImportExportAllOrNothingMixin`` for every app's ModelAdmin,
the upload form with its limits, and where the uploaded file waits between the preview and
the confirmation (the temp folder, or Redis when the club runs it)."""

import contextlib
import logging

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import RowResult
from import_export.tmp_storages import CacheStorage, TempFolderStorage

from core.capabilities import IMPORT_DATA, can

from .errors import ImportFileError
from .inserts import log_entries_insert
from .formats import IMPORT_FORMATS, check_size, size_refusal, too_many_rows
from .validated import validated_key, validated_take

logger = logging.getLogger(__name__)

UPLOAD_GONE = _("The uploaded file is no longer on the server: upload it again.")


# ---------------------------------------------------------------------------------------------
# Where the upload waits between the preview and the confirmation
# ---------------------------------------------------------------------------------------------
class UploadedFileStorage(TempFolderStorage):
    """Keeps the uploaded file between the preview and the confirmation in the temp folder,
    never more than IMPORT_MAX_BYTES; a file that is gone (imported already, or cleaned away)
    is said so in words, not with an error page."""

    def save(self, data):
        check_size(len(data))
        super().save(data)

    def read(self):
        try:
            return super().read()
        except OSError:
            raise ImportFileError(UPLOAD_GONE) from None

    def remove(self):
        with contextlib.suppress(FileNotFoundError):
            super().remove()


class UploadedFileCacheStorage(CacheStorage):
    """The same, kept in the shared cache (Redis) for an hour at the most, and never more than
    IMPORT_MAX_BYTES: the confirmation may reach another web server than the preview did."""

    CACHE_LIFETIME = 60 * 60

    def save(self, data):
        check_size(len(data))
        super().save(data)

    def read(self):
        data = super().read()
        if data is None:
            raise ImportFileError(UPLOAD_GONE)
        return data


def uploaded_file_storage():
    """Redis when the club runs it (several web servers share it), else the local temp folder."""
    return UploadedFileCacheStorage if settings.REDIS_URL else UploadedFileStorage


# ---------------------------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------------------------
class ImportFileForm(ImportForm):
    """The upload: a file over IMPORT_MAX_BYTES is refused next to the file field before it is
    read; the field says the limits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _(
            "At most %(size)s and %(rows)s rows below the header."
        ) % {
            "size": filesizeformat(settings.IMPORT_MAX_BYTES),
            "rows": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True),
        }

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if message := size_refusal(upload.size):
            raise ValidationError(message, code="too_large")
        return upload


class ConfirmImportFileForm(ConfirmImportForm):
    def clean_format(self):
        value = self.cleaned_data["format"]
        if value not in {str(index) for index in range(len(IMPORT_FORMATS))}:
            raise ValidationError(_("Unknown file format."))
        return value


# ---------------------------------------------------------------------------------------------
# The mixin
# ---------------------------------------------------------------------------------------------
class ImportExportAllOrNothingMixin(ImportExportMixin):
    """Import and export buttons on the changelist: CSV or Excel .xlsx, columns and rules from
    the admin's resource (``resource_classes``).

    Import is all or nothing. The preview (a dry run: nothing of it is written) lists every
    refused row with its number and reasons and offers no confirm button while any row is
    refused; when none is, it keeps the rows it validated (``core.spreadsheets.validated``). The
    confirmation reads the file back: the same file confirmed by the same person writes the
    kept rows, set-based, in one transaction. Otherwise (another file, the rows no longer kept,
    the database changed under them) it validates the file again and imports it in one
    transaction, rolled back — and the refused rows shown — if any row is refused then: a file
    is imported whole or not at all, never in part. A file over the limits (IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS) is refused before any row is parsed, at the confirmation too.

    Directors and administrators who may add and change the model import; anyone who may
    view it exports (the rows they see).
    """

    import_formats = export_formats = IMPORT_FORMATS
    import_form_class = ImportFileForm
    confirm_form_class = ConfirmImportFileForm
    tmp_storage_class = uploaded_file_storage()

    def has_import_permission(self, request) -> bool:
        return (
            can(request.user, IMPORT_DATA)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        """All or nothing; a preview keeps the rows it validates under the file's key."""
        request, form = kwargs.get("request"), kwargs.get("form")
        key = {}
        if form is not None and (upload := form.cleaned_data.get("import_file")) is not None:
            key["validated_key"] = validated_key(
                b"".join(upload.chunks()), user=request.user,
                resource_class=self.choose_import_resource_class(form, request),
                file_format=form.cleaned_data["format"],
            )
        return super().get_import_data_kwargs(**kwargs) | key | {
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

    def import_action(self, request, **kwargs):
        try:
            return super().import_action(request, **kwargs)
        except ImportFileError as error:  # e.g. the storage refusing a file over the limit
            return self.import_refused(request, file_error=str(error))

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation: the rows the preview of this same file kept, only written; else
        the file validated and imported again (django-import-export's own way)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        try:
            if not form.is_valid():
                return super().process_import(request, **kwargs)  # the form's errors
            input_format = self.get_import_formats()[int(form.cleaned_data["format"])](encoding=self.from_encoding)
            storage = self.get_tmp_storage_class()(
                name=form.cleaned_data["import_file_name"],
                encoding=None if input_format.is_binary() else self.from_encoding,
                read_mode=input_format.get_read_mode(),
                **self.get_tmp_storage_class_kwargs(),
            )
            data = storage.read()
            check_size(len(data))
            resource = self.choose_import_resource_class(form, request)(
                **self.get_import_resource_kwargs(request, form=form, **kwargs)
            )
            kept = validated_take(validated_key(
                data, user=request.user, resource_class=type(resource), file_format=form.cleaned_data["format"]
            ))
            result = None
            if kept is not None:
                if kept.total_rows > settings.IMPORT_MAX_ROWS:
                    raise too_many_rows()
                result = resource.import_validated(
                    kept, user=request.user, file_name=form.cleaned_data["original_file_name"]
                )
            if result is None:
                result = self.process_dataset(input_format.create_dataset(data), form, request, **kwargs)
            storage.remove()
            return self.process_result(result, request)
        except ImportFileError as error:
            return self.import_refused(request, file_error=str(error))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            return self.import_refused(request, result=result)  # rolled back already
        return super().process_result(result, request)

    LOG_FLAGS = {RowResult.IMPORT_TYPE_NEW: ADDITION, RowResult.IMPORT_TYPE_UPDATE: CHANGE,
                 RowResult.IMPORT_TYPE_DELETE: DELETION}

    def generate_log_entries(self, result, request):
        """The admin log's entries of the rows imported, as django-import-export writes them,
        in a few statements (``log_entries_insert``) however many rows there are."""
        if self.get_skip_admin_log():
            return
        imported: dict[str, list] = {}
        for row in result:
            if row.import_type in self.LOG_FLAGS:
                imported.setdefault(row.import_type, []).append(row.instance)
        for import_type, instances in imported.items():
            message = "%s through import_export" % import_type  # django-import-export's words
            log_entries_insert(request.user.pk, instances, self.LOG_FLAGS[import_type], gettext(message))

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
