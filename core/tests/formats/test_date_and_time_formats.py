"""Every date and time written by a template, a letter or a CSV names one of the language's formats
(core/formats/) or is a valid format string: ``date:"D, SHORT_DATETIME_FORMAT"`` once printed
``Mon, th08+0200REET_Mon…`` in every language."""

import datetime
import pathlib
import re

import pytest
from django.conf import settings
from django.utils import formats, translation

ROOT = pathlib.Path(settings.BASE_DIR)
APPS = ["core", "clients", "staff", "programs", "sales", "accompaniment", "templates"]
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT",
         "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT"}
NAMED_TIME = {"TIME_FORMAT"}
# The letters django.utils.dateformat understands; any other letter must be escaped with "\".
DATE_LETTERS = set("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")
TIME_LETTERS = set("aAefgGhHiOPsTuZ")
TEMPLATE_FILTER = re.compile(r"\|\s*(date|time)\s*:\s*(\"[^\"]*\"|'[^']*')")
PYTHON_CALL = re.compile(r"\b(date_format|time_format)\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*(\"[^\"]*\"|'[^']*')")


def format_problem(argument: str, *, time_only: bool) -> str | None:
    """Why ``argument`` is not a valid format for the ``date`` (or ``time``) filter, or None."""
    if argument in (NAMED_TIME if time_only else NAMED):
        return None
    if argument in NAMED:
        return "a date format given to a time filter"
    if "_" in argument or "FORMAT" in argument:
        return "not a format's name (mixed with format letters?)"
    letters = TIME_LETTERS if time_only else DATE_LETTERS
    unknown = [char for char in re.sub(r"\\.", "", argument) if char.isalpha() and char not in letters]
    if unknown:
        return f"letters no format knows: {''.join(unknown)}"
    if not re.sub(r"\\.", "", argument).strip(" ,.:-/–·"):
        return "empty"
    return None


def used_formats():
    for folder in APPS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".html", ".txt", ".py") or "tests" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            pattern = PYTHON_CALL if path.suffix == ".py" else TEMPLATE_FILTER
            for match in pattern.finditer(text):
                kind, quoted = match.groups()
                line = text.count("\n", 0, match.start()) + 1
                yield f"{path.relative_to(ROOT)}:{line}", kind in ("time", "time_format"), quoted[1:-1]


def test_the_check_knows_a_bad_argument_from_a_good_one():
    assert format_problem("D, SHORT_DATETIME_FORMAT", time_only=False)
    assert format_problem("SHORT_DATE_FORMAT", time_only=True)
    assert format_problem("Y-q", time_only=False)
    assert format_problem("SHORT_DATETIME_FORMAT", time_only=False) is None
    assert format_problem("D", time_only=False) is None
    assert format_problem("H:i", time_only=True) is None
    assert format_problem("j \\d\\e F", time_only=False) is None


def test_every_date_and_time_filter_argument_is_a_format():
    found = list(used_formats())
    assert len(found) > 50  # the check reads the templates and the code
    problems = [f"{where}: {argument!r}: {problem}" for where, time_only, argument in found
                if (problem := format_problem(argument, time_only=time_only))]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "ru", "uk"])
def test_each_language_has_a_short_and_a_long_form(language):
    moment = datetime.datetime(2026, 12, 7, 9, 5)
    with translation.override(language):
        short = formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        long = formats.date_format(moment, "DATETIME_FORMAT")
        assert short == "07.12.2026 09:05"
        assert long.startswith("7 ") and long.endswith("2026, 09:05") and len(long) > len(short)
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "07.12.2026"
        assert formats.time_format(moment.time(), "TIME_FORMAT") == "09:05"
    assert {"ru": "декабря", "uk": "грудня", "en": "December"}[language] in long
