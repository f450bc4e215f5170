"""The dates the club's records may carry.

Wide enough for any real card, program, feedback or report; narrow enough that the date
arithmetic built on them (end dates, freezes moving them, sessions spread over weeks, time zone
conversions) never runs off the calendar at year 1 or 9999. Every app uses these bounds, so that
a date typed in any form is refused with the same message.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def within_dates(day: datetime.date, *, days_after: int = 0) -> bool:
    """Whether ``day`` and the ``days_after`` days that follow it are all within the bounds."""
    return EARLIEST_DATE <= day <= LATEST_DATE and (LATEST_DATE - day).days >= days_after


def outside_dates_message() -> str:
    return _("Choose dates between %(first)s and %(last)s.") % {
        "first": formats.date_format(EARLIEST_DATE), "last": formats.date_format(LATEST_DATE),
    }


def validate_club_date(value) -> None:
    """A form validator: the date (or the day of a moment) must lie within the club's bounds."""
    from django.core.exceptions import ValidationError

    day = value.date() if isinstance(value, datetime.datetime) else value
    if day is not None and not within_dates(day):
        raise ValidationError(outside_dates_message(), code="outside_club_dates")


# --- The club's day ---------------------------------------------------------------------------------
# A club-local date becomes moments through these, and only these: the first moment of the day in
# the club's time zone (``TIME_ZONE``; DST-safe, since each day's midnight is made aware on its own).
def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of the club-local day ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The club-local day as an aware [start, end) interval: its first moment and the next day's."""
    return day_start(day), day_start(day + datetime.timedelta(days=1))


def days_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The club-local days ``first``..``last`` (both included) as an aware [start, end) interval,
    for filtering timestamps: ``at__gte=start, at__lt=end``."""
    return day_start(first), day_start(last + datetime.timedelta(days=1))


def since_days_ago(day: datetime.date, days: int) -> datetime.datetime:
    """The first moment of the club-local day ``days`` days before ``day``: "in the last N days"
    of a day means at or after this moment."""
    return day_start(day - datetime.timedelta(days=days))


def is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
