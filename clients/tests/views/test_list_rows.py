"""The client list's rows (``clients.list_rows``): dates written as ``date_format`` writes them in
every language, each once a page."""

import datetime

import pytest
from django.utils import formats, translation

from clients.list_rows import ShortDates


@pytest.mark.parametrize("language", ["en", "ru", "uk"])
def test_short_dates_are_written_as_django_writes_them(language):
    with translation.override(language):
        dates = ShortDates()
        for day in (datetime.date(2026, 1, 5), datetime.date(2026, 12, 31), datetime.date(1999, 7, 1)):
            assert dates.date(day) == formats.date_format(day, "SHORT_DATE_FORMAT")
        assert dates.pattern is not None  # d.m.Y: written by strftime


@pytest.mark.parametrize("django_format, pattern", [
    ("d.m.Y", "%d.%m.%Y"), ("m/d/Y", "%m/%d/%Y"), ("Y-m-d", "%Y-%m-%d"), ("d%m", "%d%%%m"),
    ("j.n.Y", None), ("d E Y", None), (r"d \d", None),
])
def test_a_format_with_more_than_day_month_and_year_numbers_is_left_to_django(django_format, pattern):
    assert ShortDates._strftime_pattern(django_format) == pattern


def test_a_format_left_to_django_is_written_by_django(monkeypatch):
    monkeypatch.setattr(formats, "get_format", lambda name, *args, **kwargs: "j E Y")
    with translation.override("uk"):
        dates = ShortDates()
        assert dates.pattern is None
        women_s_day = datetime.date(2026, 3, 8)
        assert dates.date(women_s_day) == formats.date_format(women_s_day, "j E Y")
