"""The dates the club's records may carry.

Wide enough for any real card, program, feedback or report; narrow enough that the date
arithmetic built on them (end dates, freezes moving them, sessions spread over weeks, time zone
conversions) never runs off the calendar at year 1 or 9999. Every app uses these bounds, so that
a date typed in any form is refused with the same message.
"""

import datetime

from django.utils import formats
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
