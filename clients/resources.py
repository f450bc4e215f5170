"""Importing and exporting clients and memberships from the admin site (django-import-export).

A club arrives with years of clients in spreadsheets. A file (CSV or Excel .xlsx) is read into
rows; each row is parsed by a pure function (``client_row_parse``, ``membership_row_parse``)
into model values or plain-words reasons; the resource then resolves what needs the database
(a manager by username, a plan by name, the existing row to update) and validates the
instance with ``full_clean()`` (constraints included), so that every refusal is a message next
to its row, never an exception. The admin (``clients.admin.ImportExportAllOrNothingMixin``)
imports a file only when every row is valid, in one transaction.

Also the pieces the staff app's resources share: the file formats, the cell parsers and
``ClubResource``. The columns of every file are listed in ``docs/import/README.md``.
"""

import codecs
import contextlib
import csv
import datetime
import functools
import io
import logging
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import tablib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, router
from django.db.models import CharField, CheckConstraint, ExpressionWrapper, F, Q, TextChoices
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Result
from phonenumber_field.phonenumber import to_python as phone_from_text
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.models import TimeStampedModel

from .models import Channel, Client, Membership, MembershipPlan
from .rules import plan_end_date
from .services import membership_sold

logger = logging.getLogger(__name__)

HEADER_ROWS = 1  # the first row of a file names the columns
PREVIEW_ROWS = 100  # rows shown, with their changes, on the dry run's preview
MAX_CELL_CHARS = 10_000  # longer cells are refused (nothing the club keeps is that long)
QUERY_CHUNK = 500  # values per `__in` lookup when loading what a file refers to

# A cell an exporter defused so that a spreadsheet does not run it as a formula starts with an
# apostrophe; the importer takes the apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@")
SAFE_SIGNED_CELL = re.compile(r"^[+-][\d\s().-]*$")  # a phone number or a negative amount
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, wrong columns); the message
    says why in words for the person who uploaded it."""


class CellError(ValueError):
    """One cell's value is refused; the message says why."""


# ---------------------------------------------------------------------------------------------
# Reading files
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
    """The rows of a CSV text; ImportFileError names the row that cannot be read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    rows = []
    try:
        for row in reader:
            rows.append(row)
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
    return rows


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
        return table_dataset(csv_rows(csv_text(in_stream)))

    def export_data(self, dataset, **kwargs):
        return codecs.BOM_UTF8.decode() + dataset.export("csv")


class XlsxFormat(base_formats.XLSX):
    """Excel .xlsx: the first sheet, values of formulas as last calculated."""

    def create_dataset(self, in_stream):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
            try:
                rows = list(workbook.worksheets[0].iter_rows(values_only=True))
            finally:
                workbook.close()
        except Exception:  # openpyxl raises many kinds of errors for a file that is not a workbook
            raise ImportFileError(
                _("This file is not an Excel .xlsx workbook: choose the format that matches the file.")
            ) from None
        return table_dataset(rows)


IMPORT_FORMATS = [CsvFormat, XlsxFormat]


# ---------------------------------------------------------------------------------------------
# Cells: pure parsers, each returns a model value or raises CellError with the reason
# ---------------------------------------------------------------------------------------------
def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """The cell as trimmed text, whatever the reader gave: numbers without Excel's ".0", dates
    as YYYY-MM-DD. Refuses control characters and cells over MAX_CELL_CHARS characters."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip()
    if len(text) > MAX_CELL_CHARS:
        raise CellError(
            _("This cell is too long: %(length)d characters, at most %(limit)d.")
            % {"length": len(text), "limit": MAX_CELL_CHARS}
        )
    if CONTROL_CHARACTERS.search(text):
        raise CellError(_("This cell contains control characters, which are not text."))
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text


def parse_text(value: Any) -> str:
    return cell_text(value)


def parse_phone(value: Any) -> str:
    """A phone typed any way ("050 123 45 67", "+38 (050) 123-45-67", 380501234567) in E.164,
    with the club's region (PHONENUMBER_DEFAULT_REGION) for numbers without a country code;
    "" for an empty cell."""
    text = cell_text(value)
    if not text:
        return ""
    phone = phone_from_text(text)
    if not (phone and phone.is_valid()):
        raise CellError(
            _("“%(value)s” is not a valid phone number; write it like 050 123 45 67 or +380 50 123 45 67.")
            % {"value": text}
        )
    return phone.as_e164


def parse_email(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_("“%(value)s” is not a valid e-mail address.") % {"value": text}) from None
    return text


ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(value: Any) -> datetime.date | None:
    """A date as YYYY-MM-DD or DD.MM.YYYY (or an Excel date cell); None for an empty cell.
    Other forms are refused: 03/04/2024 means different days in different countries."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    parts = None
    if match := ISO_DATE.match(text):
        parts = [int(part) for part in match.groups()]
    elif match := DOTTED_DATE.match(text):
        parts = [int(part) for part in reversed(match.groups())]
    if parts:
        try:
            return datetime.date(*parts)
        except ValueError:
            pass
    raise CellError(
        _("“%(value)s” is not a date; write it as YYYY-MM-DD or DD.MM.YYYY, e.g. 2025-03-01 or 01.03.2025.")
        % {"value": text}
    )


MAX_WHOLE_NUMBER = 2_147_483_647  # what every database keeps in an integer column


def parse_int(value: Any) -> int | None:
    """A whole number ("12", or 12.0 from Excel); None for an empty cell."""
    text = cell_text(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if not re.fullmatch(r"[+-]?\d+(?:[.,]0+)?", text):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    number = int(re.split(r"[.,]", text)[0])
    if abs(number) > MAX_WHOLE_NUMBER:
        raise CellError(_("“%(value)s” is too large.") % {"value": text})
    return number


def parse_decimal(value: Any) -> Decimal | None:
    """An amount: "1200", "1200.50", "1 200,50" or "1,200.50"; None for an empty cell."""
    text = re.sub(r"[\s\u00a0]", "", cell_text(value))
    if not text:
        return None
    if "," in text and "." in text:  # the last one is the decimal separator
        thousands = "," if text.rindex(",") < text.rindex(".") else "."
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?\d{1,15}(?:\.\d+)?", text):
        raise CellError(_("“%(value)s” is not an amount of money.") % {"value": cell_text(value)})
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        raise CellError(_("“%(value)s” is not an amount of money.") % {"value": text}) from None


def parse_price(value: Any) -> Decimal | None:
    price = parse_decimal(value)
    if price is not None and price < 0:
        raise CellError(_("The price cannot be negative."))
    return price


TRUE_WORDS = {"1", "yes", "y", "true", "t", "+", "x", "так", "т", "да", "д", "✓", "✔"}
FALSE_WORDS = {"0", "no", "n", "false", "f", "-", "ні", "н", "нет", "не"}


def yes_no(default: bool) -> Callable[[Any], bool]:
    """A parser of yes/no cells (also 1/0, true/false, так/ні, да/нет); an empty cell gives
    ``default``."""

    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if not text:
            return default
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise CellError(_("“%(value)s” is not yes or no.") % {"value": cell_text(value)})

    return parse


@functools.cache
def _choice_words(choices: type[TextChoices]) -> dict[str, str]:
    """Every way a choice may be written: its code, and its label in each of the languages."""
    words = {}
    for code_, label in choices.choices:
        words[code_.lower()] = code_
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code_, label in choices.choices:
                words.setdefault(str(label).lower(), code_)
    return words


def one_of(
    choices: type[TextChoices], default: str = "", aliases: Mapping[str, str] | None = None
) -> Callable[[Any], str]:
    """A parser of a choice written as its code ("f"), its label in any language ("Female",
    "Жіноча") or one of ``aliases`` ("ж"); an empty cell gives ``default``."""

    def parse(value: Any) -> str:
        text = cell_text(value)
        if not text:
            return default
        found = (aliases or {}).get(text.lower()) or _choice_words(choices).get(text.lower())
        if found is None:
            allowed = ", ".join(f"{code_} ({label})" for code_, label in choices.choices)
            raise CellError(
                _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": allowed}
            )
        return found

    return parse


def parse_contact(value: Any) -> str:
    """A client named by phone (in E.164) or, when the cell has an "@", by e-mail."""
    text = cell_text(value)
    return parse_email(text).lower() if "@" in text else parse_phone(text)


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------
@dataclass
class ParsedRow:
    """What a row parser made of one row.

    ``values``: model field → value, for the cells that were valid; ``references``: column →
    the natural key of a related row (a username, a plan name, a phone), resolved by the
    resource; ``errors``: column (or NON_FIELD_ERRORS) → the reasons the row is refused.
    A row with no errors is valid as far as can be told without the database.
    """

    values: dict[str, Any] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    blank: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add_error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def given(self, column: str) -> Any:
        """The parsed value of ``column`` (a reference's key too); None when missing or refused."""
        return self.values.get(column, self.references.get(column))


def parse_row(
    row: Mapping[str, Any],
    columns: Mapping[str, Callable[[Any], Any]],
    references: Iterable[str] = (),
    required: Mapping[str, str] | None = None,
) -> ParsedRow:
    """Parse each of ``columns`` present in ``row`` with its parser; a column in
    ``references`` keeps its text for the resource to look up. A column of ``required``
    missing or empty refuses the row with its message. Other keys of ``row`` are ignored (the
    resource refuses unknown columns for the whole file)."""
    if all(is_empty(value) for value in row.values()):
        return ParsedRow(blank=True)
    parsed = ParsedRow()
    references = set(references)
    for column, parse in columns.items():
        if column not in row:
            continue
        try:
            value = parse(row[column])
        except CellError as error:
            parsed.add_error(column, str(error))
            continue
        (parsed.references if column in references else parsed.values)[column] = value
    for column, message in (required or {}).items():
        if column not in parsed.errors and parsed.given(column) in (None, ""):
            parsed.add_error(column, message)
    return parsed


# As Ukrainian and Russian forms abbreviate them: жіноча/женский, чоловіча, мужской.
GENDER_ABBREVIATIONS = {"ж": "f", "жін": "f", "жен": "f", "ч": "m", "чол": "m", "м": "m", "муж": "m"}

CLIENT_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "first_name": parse_text,
    "last_name": parse_text,
    "middle_name": parse_text,
    "phone": parse_phone,
    "email": parse_email,
    "birth_date": parse_date,
    "gender": one_of(Client.Gender, aliases=GENDER_ABBREVIATIONS),
    "language": one_of(Client.Language, default=Client.Language.UKRAINIAN),
    "address": parse_text,
    "source": one_of(Client.Source, default=Client.Source.WALK_IN),
    "assigned_manager": parse_text,
    "goals": parse_text,
    "needs": parse_text,
    "health_notes": parse_text,
    "consent_email": yes_no(default=False),
    "consent_sms": yes_no(default=False),
    "consent_telegram": yes_no(default=False),
    "consent_calls": yes_no(default=False),
    "preferred_channel": one_of(Channel, default=Channel.EMAIL),
    "telegram_chat_id": parse_text,
    "notes": parse_text,
}


def client_row_parse(row: Mapping[str, Any]) -> ParsedRow:
    """One row of a clients file → the client's field values, or the reasons it is refused.

    ``row`` maps column names (``CLIENT_COLUMNS``) to cells as a file reader gives them: text,
    numbers, dates, booleans or None. Only the columns present are parsed, so that a file with
    fewer columns changes only those. The phone comes out in E.164 ("050 123 45 67" →
    "+380501234567"), choices as their codes, yes/no cells as booleans. Never touches the
    database and never raises: every problem is an entry of ``errors``. What needs the
    database (an unknown manager's username, a phone or e-mail of another client) is checked by
    ``ClientResource``.
    """
    parsed = parse_row(
        row, CLIENT_COLUMNS, references=("assigned_manager",),
        required={"first_name": _("A client needs a first name.")},
    )
    if parsed.blank:
        return parsed
    values = parsed.values
    if not (values.get("phone") or values.get("email")) and not parsed.errors.keys() & {"phone", "email"}:
        parsed.add_error(NON_FIELD_ERRORS, _("Enter a phone number or an e-mail to reach the client."))
    channel = values.get("preferred_channel")
    if channel == Channel.SMS and not values.get("phone") and "phone" not in parsed.errors:
        parsed.add_error("phone", _("Enter a phone number to use SMS."))
    if channel == Channel.TELEGRAM and not values.get("telegram_chat_id"):
        parsed.add_error("telegram_chat_id", _("Enter the Telegram chat id to use Telegram."))
    if channel == Channel.EMAIL and values.get("consent_email") and not values.get("email"):
        if "email" not in parsed.errors:
            parsed.add_error("email", _("Enter an e-mail to send e-mails."))
    return parsed


class _FromPlan:
    """An empty visit-limit cell: the plan's limit applies (None would mean unlimited)."""

    def __repr__(self):
        return "FROM_PLAN"


FROM_PLAN = _FromPlan()
UNLIMITED = "unlimited"
UNLIMITED_WORDS = {UNLIMITED, "∞", "no limit", "безліміт", "без обмежень", "безлимит", "без ограничений"}


def parse_visit_limit(value: Any) -> int | None | _FromPlan:
    """A number of visits, "unlimited" (None), or FROM_PLAN for an empty cell."""
    text = cell_text(value)
    if not text:
        return FROM_PLAN
    if text.lower() in UNLIMITED_WORDS:
        return None
    return parse_int(text)


def parse_count(value: Any) -> int:
    """A whole number; 0 for an empty cell."""
    number = parse_int(value)
    return 0 if number is None else number


MEMBERSHIP_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "card_number": parse_text,
    "client": parse_contact,
    "plan": parse_text,
    "start_date": parse_date,
    "end_date": parse_date,
    "visit_limit": parse_visit_limit,
    "visits_used": parse_count,
    "price": parse_price,
    "status": one_of(Membership.Status, default=Membership.Status.ACTIVE),
    "cancelled_on": parse_date,
    "cancel_reason": parse_text,
    "sold_by": parse_text,
    "notes": parse_text,
}


def membership_row_parse(row: Mapping[str, Any]) -> ParsedRow:
    """One row of a memberships file → the membership's values, or the reasons it is refused.

    The client is named by phone (any format) or e-mail, the plan by name, the seller by
    username: these are ``references`` for ``MembershipResource`` to look up. An empty end
    date, price or visit limit is taken from the plan there (FROM_PLAN marks the visit limit;
    "unlimited" means no limit). Never touches the database and never raises.
    """
    return parse_row(
        row, MEMBERSHIP_COLUMNS, references=("client", "plan", "sold_by"),
        required={
            "card_number": _("Enter the card number."),
            "client": _("Enter the client's phone or e-mail."),
            "plan": _("Enter the name of the plan."),
            "start_date": _("Enter the start date."),
        },
    )


# ---------------------------------------------------------------------------------------------
# Export: how values are written (every importer here reads them back)
# ---------------------------------------------------------------------------------------------
def defused(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula ("=…", "@…", "+…" that is not a
    phone) gets an apostrophe in front; the importer takes it off again."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not SAFE_SIGNED_CELL.match(value):
        return "'" + value
    return value


class YesNoWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("yes" if value else "no")


class PlainNumberWidget(widgets.Widget):
    """1200.50, never localized ("1 200,50"): the same file whatever the interface language."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def e164(phone) -> str:
    """A stored phone in E.164, "" for none. (Not ``if phone``: a PhoneNumber's truth value
    formats it, which costs as much as the rest of a row.)"""
    return phone.as_e164 if getattr(phone, "national_number", None) else ""


class PhoneWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return e164(value)


class VisitLimitWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return UNLIMITED if value is None else str(value)


class NaturalKeyWidget(widgets.Widget):
    """A related row written by its natural key: a username, a plan's name, a client's phone."""

    def __init__(self, key: Callable[[Any], str]):
        super().__init__()
        self.key = key

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.key(value)


def username(user) -> str:
    return user.get_username()


def client_contact(client: Client) -> str:
    """How a memberships file names its client: the phone in E.164, else the e-mail."""
    return e164(client.phone) or client.email


def column_field(name: str, widget: widgets.Widget) -> fields.Field:
    """The column ``name`` of the model field ``name``, written by ``widget``."""
    return fields.Field(attribute=name, column_name=name, widget=widget)


def natural_key_field(name: str, key: Callable[[Any], str]) -> fields.Field:
    return column_field(name, NaturalKeyWidget(key))


# ---------------------------------------------------------------------------------------------
# The resources
# ---------------------------------------------------------------------------------------------
def column_key(header: Any) -> str:
    """ "First name", "first-name" and "first_name" all name the column first_name."""
    key = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower())
    return {"e_mail": "email"}.get(key, key)


def chunked(values: Iterable[Any], size: int = QUERY_CHUNK) -> Iterable[list[Any]]:
    values = sorted(set(values) - {None, ""}, key=str)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def with_phones_in(queryset, phones: Iterable[str]):
    """The clients with one of ``phones`` (E.164), in queries of QUERY_CHUNK phones: the
    column compared as the text it is, so that the values are not parsed again as phone
    numbers (which costs more than the query)."""
    queryset = queryset.alias(phone_text=ExpressionWrapper(F("phone"), output_field=CharField()))
    for chunk in chunked(phones):
        yield from queryset.filter(phone_text__in=chunk)


def users_by_username(usernames: Iterable[str]) -> dict[str, Any]:
    User = get_user_model()
    lookup = f"{User.USERNAME_FIELD}__in"
    return {
        user.get_username(): user
        for names in chunked(usernames)
        for user in User.objects.filter(**{lookup: names})
    }


class _NotInPython(Exception):
    """A condition with an expression or a lookup that only the database evaluates."""


_COMPARISONS = {
    "exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}


def q_holds(condition: Q, values: Mapping[str, Any]) -> bool | None:
    """Whether ``condition`` holds for the field values ``values`` (name → value, foreign keys
    as ids, "pk"), with SQL's three-valued logic: None when unknown (a comparison with NULL),
    which a CHECK constraint lets pass. Raises _NotInPython for anything but plain lookups
    (exact, gt, gte, lt, lte, isnull) of the model's own fields against values or F()."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(q_holds(child, values))
            continue
        if not isinstance(child, tuple):
            raise _NotInPython
        lookup, expected = child
        name, _sep, kind = lookup.partition("__")
        kind = kind or "exact"
        if isinstance(expected, F):
            if expected.name not in values:
                raise _NotInPython
            expected = values[expected.name]
        elif hasattr(expected, "resolve_expression") or name not in values:
            raise _NotInPython
        actual = values[name]
        if kind == "isnull" or (kind == "exact" and expected is None):
            results.append((actual is None) == (kind == "exact" or bool(expected)))
        elif kind in _COMPARISONS:
            try:
                results.append(
                    None if actual is None or expected is None else _COMPARISONS[kind](actual, expected)
                )
            except TypeError:
                raise _NotInPython from None
        else:
            raise _NotInPython
    if condition.connector == Q.AND:
        holds = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        holds = True if True in results else (None if None in results else False)
    else:
        raise _NotInPython
    return (None if holds is None else not holds) if condition.negated else holds


def q_fields(condition: Q) -> set[str]:
    """The fields a plain condition refers to (what ``q_holds`` reads)."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= q_fields(child)
        elif isinstance(child, tuple):
            names.add(child[0].partition("__")[0])
            if isinstance(child[1], F):
                names.add(child[1].name)
    return names


def constraints_validate(instance, *, exclude: set[str], skip: Iterable[str] = ()) -> None:
    """``instance.validate_constraints()``, the same refusals with the same messages, but a
    check constraint of plain lookups is evaluated in Python rather than by a query (Django
    runs one query per constraint and row; for 20,000 rows that is most of an import's time).
    Constraints named in ``skip`` are the caller's to check; one that refers to an excluded
    field is not checked (as Django does)."""
    model = type(instance)
    values = {f.name: getattr(instance, f.attname) for f in model._meta.concrete_fields}
    values["pk"] = instance.pk
    errors: dict[str, list] = {}
    for constraint in model._meta.constraints:
        if constraint.name in skip:
            continue
        if isinstance(constraint, CheckConstraint):
            condition = Q(constraint.condition)
            try:
                if q_fields(condition) & exclude:
                    continue
                holds = q_holds(condition, values)
            except _NotInPython:
                pass
            else:
                if holds is False:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(
                        ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        )
                    )
                continue
        try:
            constraint.validate(model, instance, exclude=exclude, using=router.db_for_write(model))
        except ValidationError as error:
            if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                errors.setdefault(constraint.fields[0], []).append(error)
            else:
                errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def constraint_message(model, name: str) -> str:
    return next(c for c in model._meta.constraints if c.name == name).get_violation_error_message()


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

    def import_data(self, dataset, *args, **kwargs):
        self.file_columns = {column_key(header) for header in dataset.headers or ()}
        return super().import_data(dataset, *args, **kwargs)

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
        repeated = False
        for column, value in self.unique_in_file(instance).items():
            repeated |= self.check_once(
                column, value, errors, _("The same %(column)s is already in row %(row)d of this file.")
            )
        if instance.pk is not None and not repeated:
            self.check_once(
                NON_FIELD_ERRORS, instance.pk, errors,
                _("Row %(row)d of this file already changes this same record."),
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
        the fields whose cells were valid; the constraints through ``constraints_validate``."""
        errors = dict(import_validation_errors or {})
        exclude = set(errors) | self.unchecked
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
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
                instance.created_by = self.user
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
        whole if they refuse anything). A failure is the import's error; the rows are
        forgotten either way."""
        try:
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
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.blank = self.parsed.blank
        for error in row_result.errors:  # a bug or the database: the page gives no details
            logger.error(
                "Importing %s, row %s failed", self._meta.model._meta.label,
                kwargs.get("row_number"), exc_info=error.error,
            )
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


class ClientResource(ClubResource):
    """Clients, matched by phone (E.164), else by e-mail (in any case); the manager by username."""

    row_parse = staticmethod(client_row_parse)
    required_columns = (("first_name",), ("phone", "email"))
    constraints_checked_in_resolve = ("client_phone_unique", "client_email_unique_ci")

    phone = column_field("phone", PhoneWidget())
    assigned_manager = natural_key_field("assigned_manager", username)

    class Meta:
        model = Client
        fields = tuple(CLIENT_COLUMNS)
        use_bulk = True
        batch_size = 1000

    def load(self, rows):
        phones = [row.values.get("phone") for row in rows]
        emails = [(row.values.get("email") or "").lower() for row in rows]
        clients = Client.objects.select_related("assigned_manager")
        found = {client.pk: client for client in with_phones_in(clients, phones)}
        for chunk in chunked(emails):
            matching = clients.annotate(email_key=Lower("email")).filter(email_key__in=chunk)
            found |= {client.pk: client for client in matching if client.pk not in found}
        self.by_phone = {e164(client.phone): client for client in found.values() if client.phone}
        self.by_email = {client.email.lower(): client for client in found.values() if client.email}
        self.users = users_by_username(row.references.get("assigned_manager") for row in rows)

    def existing(self, parsed):
        phone, email = parsed.values.get("phone"), (parsed.values.get("email") or "").lower()
        return (phone and self.by_phone.get(phone)) or (email and self.by_email.get(email)) or None

    @staticmethod
    def contact_keys(client: Client) -> tuple[str, str]:
        return (e164(client.phone), client.email.lower())

    def after_init_instance(self, instance, new, row, **kwargs):
        self.keys_before = self.contact_keys(instance)

    def resolve(self, instance, parsed, errors):
        """The manager; and the phone and e-mail unique among clients (the constraints), checked
        against the clients ``load`` found with the file's phones and e-mails."""
        self.set_reference(
            instance, parsed, errors, "assigned_manager", self.users,
            _("No user has the username “%(value)s”."),
        )
        self.keys = self.contact_keys(instance)  # the row's, once its values are set
        taken = zip(("phone", "email"), self.keys, (self.by_phone, self.by_email))
        for (column, key, clients), constraint in zip(taken, self.constraints_checked_in_resolve):
            other = clients.get(key) if key else None
            if other is not None and other.pk != instance.pk and column not in errors:
                errors[column] = [constraint_message(Client, constraint)]

    def unique_in_file(self, instance):
        return dict(zip(("phone", "email"), self.keys))

    def after_save_instance(self, instance, row, **kwargs):
        """Keep the loaded phones and e-mails up to date as the import changes them."""
        for clients, old, new in zip((self.by_phone, self.by_email), self.keys_before, self.keys):
            if old and clients.get(old) is instance:
                del clients[old]
            if new:
                clients[new] = instance


class MembershipResource(ClubResource):
    """Memberships, matched by card number; the client by phone or e-mail, the plan by name,
    the seller by username. A new membership is a sale, written to the ledger in the import's
    transaction exactly as when it is added in the admin (``membership_sold``)."""

    row_parse = staticmethod(membership_row_parse)
    required_columns = (("card_number",), ("client",), ("plan",), ("start_date",))

    client = natural_key_field("client", client_contact)
    plan = natural_key_field("plan", str)
    sold_by = natural_key_field("sold_by", username)
    visit_limit = column_field("visit_limit", VisitLimitWidget())

    class Meta:
        model = Membership
        fields = tuple(MEMBERSHIP_COLUMNS)

    def load(self, rows):
        contacts = {row.references.get("client") for row in rows} - {None, ""}
        emails = {contact for contact in contacts if "@" in contact}
        self.clients = {e164(c.phone): c for c in with_phones_in(Client.objects, contacts - emails)}
        for chunk in chunked(emails):
            matching = Client.objects.annotate(email_key=Lower("email")).filter(email_key__in=chunk)
            self.clients |= {client.email_key: client for client in matching}
        self.plans = {plan.name.casefold(): plan for plan in MembershipPlan.objects.all()}
        self.users = users_by_username(row.references.get("sold_by") for row in rows)
        cards = [row.values.get("card_number") for row in rows]
        memberships = Membership.objects.select_related("client", "plan", "sold_by")
        self.by_card = {
            membership.card_number: membership
            for chunk in chunked(cards)
            for membership in memberships.filter(card_number__in=chunk)
        }

    def existing(self, parsed):
        return self.by_card.get(parsed.values.get("card_number"))

    def resolve(self, instance, parsed, errors):
        adding = instance._state.adding
        owner = None if adding else instance.client
        self.set_reference(
            instance, parsed, errors, "client", self.clients,
            _("No client has the phone or e-mail “%(value)s”."),
        )
        if owner is not None and instance.client_id != owner.pk and "client" not in errors:
            errors["client"] = [
                _(
                    "Card %(card)s belongs to another client, %(client)s; a card cannot move to "
                    "another client."
                ) % {"card": instance.card_number, "client": owner}
            ]
        self.set_reference(
            instance, parsed, errors, "plan", self.plans, _("There is no plan named “%(value)s”."),
            key=str.casefold,
        )
        self.set_reference(
            instance, parsed, errors, "sold_by", self.users, _("No user has the username “%(value)s”.")
        )
        plan = instance.plan if instance.plan_id else None
        limit = parsed.values.get("visit_limit", FROM_PLAN if adding else instance.visit_limit)
        instance.visit_limit = (plan.visit_limit if plan else None) if limit is FROM_PLAN else limit
        if plan and instance.end_date is None and instance.start_date:
            instance.end_date = plan_end_date(plan, instance.start_date)
        if plan and instance.price is None:
            instance.price = plan.price
        # Without a plan (or a start) the row is refused already; do not add "cannot be null".
        self.unchecked |= {name for name in ("end_date", "price") if getattr(instance, name) is None}

    def unique_in_file(self, instance):
        return {"card_number": instance.card_number}

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        self.adding = instance._state.adding

    def after_save_instance(self, instance, row, **kwargs):
        if self.adding:
            membership_sold.send(
                sender=Membership, membership=instance, seller=instance.sold_by or kwargs.get("user")
            )
