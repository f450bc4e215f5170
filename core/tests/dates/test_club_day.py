"""The club's day (core.dates): its first moment in the club's time zone, DST included."""

import datetime
import zoneinfo

from django.test import override_settings
from django.utils import timezone

from core.dates import day_bounds, day_start, days_bounds, is_leap_year, since_days_ago

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def length(first: datetime.datetime, after: datetime.datetime) -> datetime.timedelta:
    """Elapsed time (aware datetimes of one zone subtract by the wall clock: compare in UTC)."""
    return after.astimezone(datetime.timezone.utc) - first.astimezone(datetime.timezone.utc)


@override_settings(TIME_ZONE="Europe/Kyiv")
def test_a_day_starts_at_local_midnight_and_a_dst_day_is_23_or_25_hours_long():
    with timezone.override(KYIV):
        start = day_start(datetime.date(2026, 3, 29))  # clocks go forward at 03:00
        assert start == datetime.datetime(2026, 3, 29, tzinfo=KYIV)
        assert start.utcoffset() == datetime.timedelta(hours=2)
        assert length(*day_bounds(datetime.date(2026, 3, 29))) == datetime.timedelta(hours=23)
        assert length(*day_bounds(datetime.date(2026, 10, 25))) == datetime.timedelta(hours=25)  # back


def test_a_range_of_days_ends_at_the_start_of_the_day_after_the_last():
    first, after = days_bounds(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    assert (first, after) == (day_start(datetime.date(2026, 1, 1)), day_start(datetime.date(2026, 2, 1)))


def test_the_last_n_days_begin_at_the_start_of_the_day_n_days_before():
    assert since_days_ago(datetime.date(2026, 3, 15), 14) == day_start(datetime.date(2026, 3, 1))


def test_leap_years():
    assert [is_leap_year(y) for y in (2024, 2025, 2100, 2000)] == [True, False, False, True]
