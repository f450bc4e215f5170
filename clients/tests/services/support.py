"""Helpers the tests of the clients' services share."""

import datetime

from django.utils import timezone


def day(offset: int) -> datetime.date:
    """The club's local date ``offset`` days from today."""
    return timezone.localdate() + datetime.timedelta(days=offset)
