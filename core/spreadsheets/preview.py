"""What the import page shows: the result with spreadsheet row numbers and the file's problems
in words (``SpreadsheetResult``), and each row's before/after kept only for the rows previewed
(``PreviewDiff``)."""

from django.db import IntegrityError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.results import Result

from .errors import ImportFileError
from .formats import HEADER_ROWS

PREVIEW_ROWS = 100  # rows shown, with their changes, on the dry run's preview


class SpreadsheetResult(Result):
    """An import's outcome as the import page shows it: refused rows numbered as the
    spreadsheet numbers them (the header is row 1), blank rows left out, the first
    PREVIEW_ROWS rows to preview, and the file's problems in words."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + HEADER_ROWS, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + HEADER_ROWS, row, errors)

    def increment_row_result_total(self, row_result):
        if not getattr(row_result, "blank", False):
            super().increment_row_result_total(row_result)

    def append_row_result(self, row_result):
        if not getattr(row_result, "blank", False):
            super().append_row_result(row_result)

    def refused_count(self) -> int:
        return len(self.invalid_rows) + len(self.error_rows)

    def preview(self) -> list:
        return self.valid_rows()[:PREVIEW_ROWS]

    def rows_not_previewed(self) -> int:
        return max(len(self.valid_rows()) - PREVIEW_ROWS, 0)

    def file_problems(self) -> list[str]:
        """Why the file as a whole was refused; a failure of the database or of the code is
        not shown to the front desk (it is in the log)."""
        return [
            str(error.error) if isinstance(error.error, ImportFileError)
            else _("Someone saved some of the same records meanwhile: check the file again.")
            if isinstance(error.error, IntegrityError)
            else _("The file could not be imported because of an error of the site (it is logged).")
            for error in self.base_errors
        ]


class PreviewDiff(resources.Diff):
    """A row's cells before and after, kept for the first PREVIEW_ROWS rows only: the preview
    shows no more, and rendering them for 20,000 rows would cost more than importing them."""

    def __init__(self, resource, instance, new):
        self.shown = resource.row_number <= PREVIEW_ROWS
        if self.shown:
            super().__init__(resource, instance, new)
        else:
            self.left, self.right, self.new = [], [], new

    def compare_with(self, resource, instance):
        if self.shown:
            super().compare_with(resource, instance)

