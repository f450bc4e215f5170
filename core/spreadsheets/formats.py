"""Reading files: CSV as clubs' spreadsheets write it and Excel .xlsx, into a dataset whose
first row is the header, within the limits of what one import takes.

A file over ``IMPORT_MAX_BYTES`` or with more than ``IMPORT_MAX_ROWS`` rows below the header
is refused before any row is parsed; an Excel sheet's declared size is read first, then its
rows are counted as they are read (a sheet may declare no size, or a wrong one), stopping at
the limit. The same refusals in words whichever way the file comes in.
"""

import codecs
import csv
import io
import zipfile
from typing import Any

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.formats import base_formats

from .cells import is_empty
from .errors import ImportFileError

HEADER_ROWS = 1  # the first row of a file names the columns
MAX_COLUMNS = 200  # cells a row may have (the widest import reads about twenty columns)
# A workbook is a zip archive: its parts unpacked may be this many times the file limit (50,000
# clients' rows unpack to about ten times their 3 MB); a "zip bomb" unpacks to far more.
XLSX_MAX_UNPACKED_RATIO = 20


# ---------------------------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------------------------
def size_refusal(size: int) -> str | None:
    """Why a file of ``size`` bytes is not imported, in words; None when its size is fine."""
    limit = settings.IMPORT_MAX_BYTES
    if size <= limit:
        return None
    return _(
        "This file is %(size)s; a file of at most %(limit)s is imported at once: split it into "
        "several files."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(limit)}


def check_size(size: int) -> None:
    """Refuse (ImportFileError) a file over IMPORT_MAX_BYTES."""
    if message := size_refusal(size):
        raise ImportFileError(message)


def too_many_rows() -> ImportFileError:
    limit = settings.IMPORT_MAX_ROWS
    return ImportFileError(
        ngettext(
            "The file has more than %(limit)s row below the header; at most %(limit)s row is "
            "imported at once: split it into several files.",
            "The file has more than %(limit)s rows below the header; at most %(limit)s rows are "
            "imported at once: split it into several files.",
            limit,
        ) % {"limit": number_format(limit, force_grouping=True)}
    )


def too_wide(row: int) -> ImportFileError:
    return ImportFileError(
        _("Row %(row)d has more than %(limit)d cells; no import reads that many columns.")
        % {"row": row, "limit": MAX_COLUMNS}
    )


def within_limits(rows) -> list[list[Any] | tuple]:
    """The rows of a table (the header first) as they are read, refusing the file as soon as
    there are more than IMPORT_MAX_ROWS below the header or a row is wider than MAX_COLUMNS:
    nothing more of a file that is too large is read."""
    most = settings.IMPORT_MAX_ROWS + HEADER_ROWS
    kept = []
    for row in rows:
        if len(kept) == most:
            raise too_many_rows()
        if len(row) > MAX_COLUMNS:
            raise too_wide(len(kept) + 1)
        kept.append(row)
    return kept


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------
def csv_text(data: bytes) -> str:
    """The text of an uploaded CSV file: UTF-8 (with or without a byte-order mark), UTF-16
    with a byte-order mark, or else Windows-1251 (Excel's "CSV" in Ukrainian and Russian
    Windows). Raises ImportFileError for an empty file, a workbook or another binary file."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("This is an Excel workbook, not a CSV file: choose the format xlsx."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel .xls workbook: save it as .xlsx or as CSV and upload that.")
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("cp1251")
        except UnicodeDecodeError:
            pass
    raise ImportFileError(
        _(
            "This file is not a text CSV file in an encoding we can read. Save the spreadsheet "
            "as “CSV UTF-8” (or as Excel .xlsx) and upload it again."
        )
    )


def csv_delimiter(text: str) -> str:
    """The separator of the header line: a semicolon (as Excel writes CSV where the decimal
    separator is a comma), a tab, or a comma."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV text, within the limits; ImportFileError names the row that cannot be
    read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    try:
        return within_limits(reader)
    except csv.Error as error:
        if "field limit" in str(error):
            reason = _("a cell is longer than %(limit)d characters") % {
                "limit": csv.field_size_limit()
            }
        else:
            reason = _("check the quotes in it")
        raise ImportFileError(
            _("Row %(row)d of the file cannot be read: %(reason)s.")
            % {"row": reader.line_num, "reason": reason}
        ) from None


def table_dataset(rows: list[list[Any]]) -> tablib.Dataset:
    """A dataset from a table's rows: the first row is the header; empty header cells at the
    end are dropped and short rows padded, so every row has one cell per column."""
    rows = [list(row) for row in rows]
    if all(is_empty(cell) for row in rows for cell in row):
        raise ImportFileError(_("The file is empty."))
    headers = ["" if cell is None else str(cell).strip() for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(_("The first row must be the header with the column names."))
    width = len(headers)
    data = []
    for number, row in enumerate(rows[1:], start=HEADER_ROWS + 1):
        if any(not is_empty(cell) for cell in row[width:]):
            raise ImportFileError(
                _("Row %(row)d has more cells than the header has column names.")
                % {"row": number}
            )
        data.append(row[:width] + [""] * (width - len(row)))
    if all(is_empty(cell) for row in data for cell in row):
        raise ImportFileError(_("The file has only the header row: there are no rows to import."))
    return tablib.Dataset(*data, headers=headers)


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------
def not_a_workbook() -> ImportFileError:
    return ImportFileError(
        _("This file is not an Excel .xlsx workbook: choose the format that matches the file.")
    )


def xlsx_rows(data: bytes) -> list[tuple]:
    """The rows of a workbook's first sheet (values of formulas as last calculated), within
    the limits: the archive's unpacked size and the sheet's declared number of rows are
    checked before any row is read; the declared size is then set aside (it may be missing, or
    wrong either way: openpyxl would stop at it or pad every row to it) and the rows are
    counted, and measured, as they are read."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook() from None
    if unpacked > XLSX_MAX_UNPACKED_RATIO * settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _(
                "This workbook unpacks to %(size)s, far more than its rows could take: save the "
                "sheet as CSV and upload that, or split it into several files."
            ) % {"size": filesizeformat(unpacked)}
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a file that is not a workbook
        raise not_a_workbook() from None
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > settings.IMPORT_MAX_ROWS + HEADER_ROWS:
            raise too_many_rows()
        sheet.reset_dimensions()
        return within_limits(sheet.iter_rows(values_only=True))
    except ImportFileError:
        raise
    except Exception:  # a broken sheet inside a valid archive
        raise not_a_workbook() from None
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------
# The formats of the import and export pages
# ---------------------------------------------------------------------------------------------
class CsvFormat(base_formats.CSV):
    """CSV as clubs' spreadsheets write it: any encoding ``csv_text`` reads, separated by commas,
    semicolons or tabs. Exported in UTF-8 with a byte-order mark, which Excel needs to show
    Cyrillic. The upload is kept as bytes so that its encoding is found here."""

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        check_size(len(in_stream))
        return table_dataset(csv_rows(csv_text(in_stream)))

    def export_data(self, dataset, **kwargs):
        return codecs.BOM_UTF8.decode() + dataset.export("csv")


class XlsxFormat(base_formats.XLSX):
    """Excel .xlsx: the first sheet, values of formulas as last calculated."""

    def create_dataset(self, in_stream):
        check_size(len(in_stream))
        return table_dataset(xlsx_rows(in_stream))


IMPORT_FORMATS = [CsvFormat, XlsxFormat]
