"""The spreadsheet framework's pure parts: cell parsers, reading CSV text, the Python check of
CHECK constraints, and how the import page words a refused file."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.db.models import F, Q
from import_export.results import Error

from core.spreadsheets import (
    ImportFileError,
    SpreadsheetResult,
    csv_delimiter,
    csv_text,
    parse_date,
    parse_decimal,
    parse_phone,
    yes_no,
)
from core.spreadsheets.constraints import _NotInPython, q_fields, q_holds


@pytest.mark.parametrize(
    "typed",
    ["050 123 45 67", "+38 (050) 123-45-67", "0501234567", "380501234567", 380501234567, 380501234567.0],
)
def test_a_phone_typed_any_way_is_e164(typed):
    assert parse_phone(typed) == "+380501234567"


@pytest.mark.parametrize(
    "typed, date",
    [("2025-03-01", datetime.date(2025, 3, 1)), ("01.03.2025", datetime.date(2025, 3, 1)),
     ("1.3.2025", datetime.date(2025, 3, 1)), (datetime.datetime(2025, 3, 1), datetime.date(2025, 3, 1)),
     ("2025-03-01 00:00:00", datetime.date(2025, 3, 1)), ("", None)],
)
def test_dates_are_read_as_iso_or_day_first_with_dots(typed, date):
    assert parse_date(typed) == date


@pytest.mark.parametrize(
    "typed, amount",
    [("1200", Decimal("1200")), ("1 200,50", Decimal("1200.50")), ("1,200.50", Decimal("1200.50")),
     ("1.200,50", Decimal("1200.50")), (1400.0, Decimal("1400")), ("", None)],
)
def test_amounts_are_read_with_either_decimal_separator(typed, amount):
    assert parse_decimal(typed) == amount


def test_yes_and_no_are_read_in_three_languages():
    parse = yes_no(default=False)
    assert [parse(word) for word in ("yes", "Так", "да", "1", True, "x")] == [True] * 6
    assert [parse(word) for word in ("no", "ні", "нет", "0", False, "")] == [False] * 6


def test_csv_text_reads_windows_1251_and_the_separator_of_the_header():
    text = "first_name;phone\nОлена;050 123 45 67\n"
    assert csv_text(text.encode("cp1251")) == text
    assert csv_delimiter(text) == ";"
    with pytest.raises(ImportFileError):
        csv_text(b"\x00\x01\x02 binary")


def test_what_refuses_a_whole_file_is_said_without_the_databases_words():
    result = SpreadsheetResult()
    for error in (ImportFileError("Missing columns: phone."), IntegrityError("UNIQUE failed"), KeyError(1)):
        result.append_base_error(Error(error))

    assert result.file_problems() == [
        "Missing columns: phone.",
        "Someone saved some of the same records meanwhile: check the file again.",
        "The file could not be imported because of an error of the site (it is logged).",
    ]


ENDS_AFTER_START = Q(end_date__gte=F("start_date"))
LIMIT_RESPECTED = Q(visit_limit__isnull=True) | Q(visits_used__lte=F("visit_limit"))


@pytest.mark.parametrize(
    "condition, values, holds",
    [
        (ENDS_AFTER_START, {"start_date": 1, "end_date": 2}, True),
        (ENDS_AFTER_START, {"start_date": 2, "end_date": 1}, False),
        (ENDS_AFTER_START, {"start_date": 2, "end_date": None}, None),  # NULL: a CHECK lets it pass
        (~ENDS_AFTER_START, {"start_date": 2, "end_date": None}, None),
        (LIMIT_RESPECTED, {"visit_limit": None, "visits_used": 99}, True),
        (LIMIT_RESPECTED, {"visit_limit": 5, "visits_used": 6}, False),
        (Q(price__gte=0) & Q(status="active"), {"price": -1, "status": None}, False),
    ],
)
def test_a_check_condition_is_evaluated_as_the_database_would(condition, values, holds):
    assert q_holds(condition, values) is holds


def test_a_condition_only_the_database_evaluates_is_left_to_it():
    with pytest.raises(_NotInPython):
        q_holds(Q(name__icontains="spa"), {"name": "SPA"})
    with pytest.raises(_NotInPython):
        q_holds(Q(end_date__gte=F("plan__duration")), {"end_date": 1})
    assert q_fields(LIMIT_RESPECTED) == {"visit_limit", "visits_used"}
