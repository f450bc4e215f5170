"""Cells: pure parsers, each returns a model value or raises CellError with the reason.

A parser takes a cell as a file reader gives it (text, a number, a date, a boolean or None),
never touches the database and refuses in words: "“050 123” is not a valid phone number…".
"""

import datetime
import functools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber
from phonenumber_field.phonenumber import to_python as phone_from_text

from .errors import CellError
from .phones import KnownPhone

MAX_CELL_CHARS = 10_000  # longer cells are refused (nothing the club keeps is that long)

# A cell an exporter defused so that a spreadsheet does not run it as a formula starts with an
# apostrophe; the importer takes the apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@")
SAFE_SIGNED_CELL = re.compile(r"^[+-][\d\s().-]*$")  # a phone number or a negative amount
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def parse_phone(value: Any) -> KnownPhone | str:
    """A phone typed any way ("050 123 45 67", "+38 (050) 123-45-67", 380501234567) in E.164,
    with the club's region (PHONENUMBER_DEFAULT_REGION) for numbers without a country code;
    "" for an empty cell. Parsed, checked and formatted here once: the ``KnownPhone`` equals
    its E.164 text and is never checked or formatted again on its way into the database."""
    text = cell_text(value)
    if not text:
        return ""
    phone = phone_from_text(text)  # not ``if phone``: a PhoneNumber's truth value formats it
    if not (isinstance(phone, PhoneNumber) and phone.is_valid()):
        raise CellError(
            _("“%(value)s” is not a valid phone number; write it like 050 123 45 67 or +380 50 123 45 67.")
            % {"value": text}
        )
    return KnownPhone.of(phone)


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

