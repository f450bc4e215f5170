"""``ClubResource``: the django-import-export resource every import of the club builds on
(header checks, rows parsed once up front, references loaded in a few queries, refusals next
to their rows, bulk writes with history). An app's resource names its row parser, its columns
and its natural key; see ``clients.resources`` and ``staff.resources``."""

import contextlib
import logging
import re
from collections.abc import Callable, Mapping
from copy import deepcopy
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.models import TimeStampedModel

from .accepted import AcceptedValues, BlankRows, set_related
from .constraints import constraints_validate
from .errors import ImportFileError
from .formats import HEADER_ROWS
from .preview import PREVIEW_ROWS, PreviewDiff, SpreadsheetResult
from .rows import ParsedRow
from .validated import ValidatedRows, validated_keep, validated_write
from .widgets import NaturalKeyWidget, PlainNumberWidget, YesNoWidget, defused

logger = logging.getLogger(__name__)


def column_key(header: Any) -> str:
    """ "First name", "first-name" and "first_name" all name the column first_name."""
    key = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower())
    return {"e_mail": "email"}.get(key, key)


# Messages formatted only for a refused row (a row that is fine costs no translation).
REPEATED_IN_FILE = gettext_lazy("The same %(column)s is already in row %(row)d of this file.")
CHANGED_TWICE_IN_FILE = gettext_lazy("Row %(row)d of this file already changes this same record.")


class ClubResource(resources.ModelResource):
    """What every import of the club shares; a subclass names its row parser, the columns a
    file must have, and how a row finds the row it updates (its natural key).

    - The header is read leniently ("First name" is first_name) and checked: an unknown,
      repeated or missing column refuses the whole file with one message listing the columns.
    - Every row is parsed once, up front, so that what the file refers to (users, plans, the
      rows to update) is loaded in a few queries, not one per row.
    - A row's refusals are its parser's, the resource's (an unknown reference, a value the file
      already had in another row) and ``full_clean()``'s (field validators, ``clean()``,
      constraints), each a message next to the row.
    - An unchanged row is reported as skipped, a blank one ignored; a new row's ``created_by``
      is the importing user, and so is the author of the history records (with the file's
      name as the reason of the change).
    - With ``use_bulk`` (clients: files of tens of thousands of rows) valid rows are written a
      thousand at a time, with their history; a resource whose new rows need their own saving
      (memberships: a sale each) saves row by row.

    Whether refused rows stop the whole import is the admin's decision (it always does here).
    """

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "BooleanField": YesNoWidget,
        "DecimalField": PlainNumberWidget,
        "IntegerField": PlainNumberWidget,
        "PositiveIntegerField": PlainNumberWidget,
        "PositiveSmallIntegerField": PlainNumberWidget,
    }
    row_parse: ClassVar[Callable[[Mapping[str, Any]], ParsedRow]]
    # Each entry is a column the file must have, or columns of which it must have one.
    required_columns: ClassVar[tuple[tuple[str, ...], ...]] = ()
    # Unique constraints that ``resolve`` checks against what ``load`` loaded (no query per row).
    constraints_checked_in_resolve: ClassVar[tuple[str, ...]] = ()

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    @classmethod
    def get_diff_class(cls):
        return PreviewDiff

    def columns(self) -> list[str]:
        """Every column this import reads, in order."""
        return [import_field.column_name for import_field in super().get_import_fields()]

    def import_data(self, dataset, *args, validated_key: str | None = None, **kwargs):
        """The file's rows; a preview (``dry_run``) given ``validated_key`` keeps the rows it
        validated under it when every row is valid, for the confirmation to write."""
        self.file_columns = {column_key(header) for header in dataset.headers or ()}
        self.validated = ValidatedRows(total_rows=len(dataset))
        result = super().import_data(dataset, *args, **kwargs)
        if validated_key and kwargs.get("dry_run") and self._meta.use_bulk:
            if not (result.has_errors() or result.has_validation_errors()):
                self.validated.skipped = result.totals[RowResult.IMPORT_TYPE_SKIP]
                validated_keep(validated_key, self.validated)
        return result

    def import_validated(self, rows: ValidatedRows, *, user, file_name: str):
        """Write the rows a preview validated and kept (see ``import_data``), set-based, in one
        transaction; None when the database changed under them meanwhile (nothing is written
        then: the caller validates the file again)."""
        self.user = user
        self.change_reason = _("Import of %(file)s") % {"file": file_name or _("a file")}
        return validated_write(self, rows)

    def change_refused(self, instance) -> str | None:
        """Why the row of the database ``instance`` may not be changed by an import (checked
        when the row is validated, and again when kept rows are written); None: it may."""
        return None

    def get_import_fields(self):
        """While importing, the fields of the file's columns only: the preview shows those, and
        a row is unchanged when those are."""
        import_fields = super().get_import_fields()
        if file_columns := getattr(self, "file_columns", None):
            import_fields = [f for f in import_fields if f.column_name in file_columns]
        return import_fields

    # --- the whole file --------------------------------------------------------------------
    def header_problems(self, headers: list[str]) -> list[str]:
        """What is wrong with a file's header, in words; empty when nothing is."""
        known = self.columns()
        problems = []
        if unknown := [header for header in headers if header and header not in known]:
            problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
        if repeated := sorted({header for header in headers if header and headers.count(header) > 1}):
            problems.append(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(repeated)})
        if "" in headers:
            problems.append(_("Column %(number)d has no name.") % {"number": headers.index("") + 1})
        if missing := [
            " / ".join(names) for names in self.required_columns if not set(names) & set(headers)
        ]:
            problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        if problems:
            problems.append(_("This import reads the columns: %(columns)s.") % {"columns": ", ".join(known)})
        return problems

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self.change_reason = _("Import of %(file)s") % {"file": kwargs.get("file_name") or _("a file")}
        headers = [column_key(header) for header in dataset.headers or ()]
        problems = self.header_problems(headers)
        if problems:
            dataset.wipe()  # no row is looked at once the file is refused
            raise ImportFileError(" ".join(problems))
        dataset.headers = headers
        self.parsed_rows = {
            number: self.row_parse(dict(zip(headers, cells, strict=True)))
            for number, cells in enumerate(dataset, start=1)
        }
        self.first_seen: dict[tuple[str, Any], int] = {}
        self.accepted = AcceptedValues(self._meta.model)  # per import: see ``validate_instance``
        self.blank_rows = BlankRows(self._meta.model)
        self.load([parsed for parsed in self.parsed_rows.values() if not parsed.blank])

    def load(self, rows: list[ParsedRow]) -> None:
        """Load, in a few queries, what the file's rows refer to and the rows they update."""

    # --- one row ---------------------------------------------------------------------------
    def existing(self, parsed: ParsedRow):
        """The row of the database this row updates, found by its natural key; None: a new one."""
        return None

    def resolve(self, instance, parsed: ParsedRow, errors: dict[str, list[str]]) -> None:
        """Set what needs the database on ``instance`` (related rows, defaults); add refusals."""

    def unique_in_file(self, instance) -> dict[str, Any]:
        """Column → value that no other row of the file may have."""
        return {}

    def before_import_row(self, row, row_number=None, **kwargs):
        self.row_number = row_number
        self.parsed = self.parsed_rows[row_number]
        self.unchecked: set[str] = set()  # fields ``resolve`` could not fill for a refused row

    def init_instance(self, row=None):
        return self.blank_rows.new()

    def get_instance(self, instance_loader, row):
        return None if self.parsed.blank else self.existing(self.parsed)

    def import_instance(self, instance, row, **kwargs):
        """The parsed values onto ``instance``, then the resource's own checks; every refusal
        is raised together (``full_clean()`` adds its own for the other fields next)."""
        if self.parsed.blank:
            return
        errors = {column: list(messages) for column, messages in self.parsed.errors.items()}
        for name, value in self.parsed.values.items():
            setattr(instance, name, value)
        self.resolve(instance, self.parsed, errors)
        if instance.pk is not None and (refusal := self.change_refused(instance)):
            errors.setdefault(NON_FIELD_ERRORS, []).append(refusal)
        repeated = False
        for column, value in self.unique_in_file(instance).items():
            repeated |= self.check_once(
                column, value, errors, REPEATED_IN_FILE
            )
        if instance.pk is not None and not repeated:
            self.check_once(
                NON_FIELD_ERRORS, instance.pk, errors,
                CHANGED_TWICE_IN_FILE,
            )
        if errors:
            raise ValidationError(errors)

    def check_once(self, column: str, value: Any, errors: dict[str, list[str]], message: str) -> bool:
        """Refuse the row if an earlier row of the file had ``value`` in ``column``."""
        if value in (None, ""):
            return False
        first = self.first_seen.setdefault((column, value), self.row_number)
        if first != self.row_number:
            errors.setdefault(column, []).append(
                message % {"column": column, "row": first + HEADER_ROWS}
            )
        return first != self.row_number

    def set_reference(
        self,
        instance,
        parsed: ParsedRow,
        errors: dict[str, list[str]],
        column: str,
        found: Mapping[str, Any],
        unknown_message: str,
        key: Callable[[str], str] = str,
    ) -> None:
        """Point ``column`` at the row named by its cell (a username, a code…), None for an
        empty cell; an unknown name refuses the row with ``unknown_message``."""
        if column not in parsed.references:
            return
        name = parsed.references[column]
        related = found.get(key(name)) if name else None
        if name and related is None:
            errors.setdefault(column, []).append(unknown_message % {"value": name})
        else:
            setattr(instance, column, related)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """``full_clean()``: field validators, ``clean()``, unique fields and constraints, for
        the fields whose cells were valid (a value that passed its field's checks in an
        earlier row is not checked again: ``AcceptedValues``); the constraints through
        ``constraints_validate``."""
        errors = dict(import_validation_errors or {})
        exclude = set(errors) | self.unchecked
        held, fresh = self.accepted.sort(instance, exclude)
        try:
            instance.full_clean(exclude=exclude | held, validate_unique=validate_unique, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self.accepted.passed(fresh, errors)
        try:
            constraints_validate(
                instance, exclude=(exclude | set(errors)) - {NON_FIELD_ERRORS},
                skip=self.constraints_checked_in_resolve,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self.parsed.blank or super().skip_row(instance, original, row, import_validation_errors)

    def before_save_instance(self, instance, row, **kwargs):
        if isinstance(instance, TimeStampedModel):
            if instance._state.adding:
                set_related(instance, "created_by", self.user)
            else:
                instance.updated_at = timezone.now()  # a bulk update does not set it
        instance._change_reason = self.change_reason  # for django-simple-history

    def has_history(self) -> bool:
        return hasattr(self._meta.model._meta, "simple_history_manager_attribute")

    def get_bulk_update_fields(self):
        names = [import_field.attribute for import_field in self.get_import_fields()]
        return names + (["updated_at"] if issubclass(self._meta.model, TimeStampedModel) else [])

    @contextlib.contextmanager
    def pending_rows(self, pending: list, dry_run: bool, raise_errors: bool, result):
        """The valid rows waiting to be written; none in the dry run: they have been validated
        as the import validates them, and writing 20,000 rows only to roll them back would
        double the wait (the database's own checks run at the confirmed import, rolled back
        whole if they refuse anything) — the dry run keeps them for the confirmation instead.
        A failure is the import's error; the rows are forgotten either way."""
        try:
            if dry_run:
                self.validated.add(self, pending)
            yield [] if dry_run else pending
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            pending.clear()

    def history_author(self) -> dict[str, Any]:
        return {"default_user": self.user, "default_change_reason": self.change_reason}

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """The new rows, a batch at a time, with their history records."""
        model = self._meta.model
        with self.pending_rows(self.create_instances, dry_run, raise_errors, result) as rows:
            if rows and self.has_history():
                bulk_create_with_history(rows, model, batch_size=batch_size, **self.history_author())
            elif rows:
                model.objects.bulk_create(rows, batch_size=batch_size)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """The changed rows (the file's columns), a batch at a time, with their history records."""
        model, names = self._meta.model, self.get_bulk_update_fields()
        with self.pending_rows(self.update_instances, dry_run, raise_errors, result) as rows:
            if rows and self.has_history():
                bulk_update_with_history(rows, model, names, batch_size=batch_size, **self.history_author())
            elif rows:
                model.objects.bulk_update(rows, names, batch_size=batch_size)

    def after_import(self, dataset, result, **kwargs):
        """Nothing: ids are never imported, so no sequence needs resetting (ModelResource resets
        them, which on PostgreSQL races with rows other people add meanwhile)."""

    def import_row(self, row, instance_loader, **kwargs):
        """One row, as django-import-export imports it, without what a file of tens of
        thousands of rows cannot afford: a new row is not copied to compare it with (there is
        nothing before it; the preview's first PREVIEW_ROWS rows excepted), a blank row is
        ignored. A failure of the code or the database is logged; the page gives no details."""
        row_result = self.get_row_result_class()()
        row_result.blank = False
        self._meta.store_instance = self._meta.store_instance or kwargs.get("retain_instance_in_row_result", False)
        try:
            self.before_import_row(row, **kwargs)
            if self.parsed.blank:
                row_result.blank, row_result.import_type = True, RowResult.IMPORT_TYPE_SKIP
                return row_result
            instance, new = self.get_or_init_instance(instance_loader, row)
            self.after_init_instance(instance, new, row, **kwargs)
            row_result.import_type = RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
            original = None if new else deepcopy(instance)
            instance._import_loaded_at = getattr(original, "updated_at", None)  # see ``validated``
            shown = deepcopy(instance) if new and self.row_number <= PREVIEW_ROWS else original
            diff = self.get_diff_class()(self, shown, new)
            errors: dict = {}
            try:
                self.import_instance(instance, row, **kwargs)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            if not new and self.skip_row(instance, original, row, errors):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                self.validate_instance(instance, errors)
                self.save_instance(instance, new, row, **kwargs)
            row_result.add_instance_info(instance)
            if self._meta.store_instance:
                row_result.instance = instance
            diff.compare_with(self, instance)
            row_result.original = original
            row_result.diff = diff.as_html()
        except ValidationError as error:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
        except Exception as error:
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(self.get_error_result_class()(error, row=row, number=kwargs["row_number"]))
            logger.error("Importing %s, row %s failed", self._meta.model._meta.label,
                         kwargs.get("row_number"), exc_info=error)
        return row_result

    def handle_import_error(self, result, error, raise_errors=False):
        if not isinstance(error, ImportFileError):
            logger.error("Importing %s failed", self._meta.model._meta.label, exc_info=error)
        super().handle_import_error(result, error, raise_errors)

    def filter_export(self, queryset, **kwargs):
        """The related rows that the export writes by their natural keys, in the same query."""
        related = [f.attribute for f in self.get_export_fields() if isinstance(f.widget, NaturalKeyWidget)]
        return queryset.select_related(*related)

    def export_field(self, field, instance, **kwargs):
        return defused(super().export_field(field, instance, **kwargs))

