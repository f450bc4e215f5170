"""The spreadsheet framework: importing and exporting rows from CSV and Excel files in the admin
site (on top of django-import-export), shared by every app's resources.

What lives where:

- ``errors``: ``ImportFileError`` (the whole file is refused) and ``CellError`` (one cell).
- ``formats``: reading files — CSV in the encodings and separators clubs' spreadsheets use,
  Excel .xlsx — within the limits of one import (``IMPORT_MAX_BYTES``, ``IMPORT_MAX_ROWS``);
  ``IMPORT_FORMATS`` for the import and export pages.
- ``cells``: pure cell parsers (text, phone, e-mail, date, numbers, yes/no, choices), each
  returning a value or raising ``CellError`` with the reason in words.
- ``rows``: ``ParsedRow`` and ``parse_row``, which an app's row parser builds on.
- ``constraints``: the model's CHECK constraints evaluated in Python, as the database would.
- ``preview``: the result as the import page shows it (``SpreadsheetResult``) and the diffs of
  the rows previewed (``PreviewDiff``).
- ``widgets``: how exported values are written (and formulas defused), and the column fields.
- ``lookups``: loading what a file refers to in a few queries.
- ``resource``: ``ClubResource``, the base of every app's resource.
- ``admin``: ``ImportExportAllOrNothingMixin`` for the ModelAdmins, the upload form and the
  storages of the upload between the preview and the confirmation (imported from there, not
  from here: it needs the admin site).

An app's ``resources.py`` keeps only its columns, its row parser and its resource (which rows
of the database a file's rows update); see ``clients.resources`` and ``staff.resources``. The
names below are the framework's public ones.
"""

from .cells import (
    cell_text,
    is_empty,
    one_of,
    parse_date,
    parse_decimal,
    parse_email,
    parse_int,
    parse_phone,
    parse_price,
    parse_text,
    yes_no,
)
from .constraints import constraint_message, constraints_validate
from .errors import CellError, ImportFileError
from .formats import HEADER_ROWS, IMPORT_FORMATS, CsvFormat, XlsxFormat, csv_delimiter, csv_text
from .lookups import chunked, users_by_username, with_phones_in
from .preview import SpreadsheetResult
from .resource import ClubResource
from .rows import ParsedRow, parse_row
from .widgets import PhoneWidget, column_field, e164, natural_key_field, username

__all__ = [
    "HEADER_ROWS",
    "IMPORT_FORMATS",
    "CellError",
    "ClubResource",
    "CsvFormat",
    "ImportFileError",
    "ParsedRow",
    "PhoneWidget",
    "SpreadsheetResult",
    "XlsxFormat",
    "cell_text",
    "chunked",
    "column_field",
    "constraint_message",
    "constraints_validate",
    "csv_delimiter",
    "csv_text",
    "e164",
    "is_empty",
    "natural_key_field",
    "one_of",
    "parse_date",
    "parse_decimal",
    "parse_email",
    "parse_int",
    "parse_phone",
    "parse_price",
    "parse_row",
    "parse_text",
    "username",
    "users_by_username",
    "with_phones_in",
    "yes_no",
]
