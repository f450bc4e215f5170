"""When a client's message becomes overdue: the rule, written once.

A message the client wrote (Telegram, the personal page) waits for an answer from the moment it
arrives. It is *overdue* once it has waited MESSAGE_ANSWER_MINUTES of working time: only the
minutes between WORKING_HOURS_START and WORKING_HOURS_END (club-local, every day) count, so a
message written after hours starts waiting the next morning.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(settings.WORKING_HOURS_START)))
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time(settings.WORKING_HOURS_END)))
    return start, end


def answer_due_at(received_at: datetime.datetime) -> datetime.datetime:
    """The moment a message received at ``received_at`` becomes overdue."""
    left = datetime.timedelta(minutes=settings.MESSAGE_ANSWER_MINUTES)
    day = timezone.localtime(received_at).date()
    moment = received_at
    for _ in range(400):  # a year of days at most; ends far sooner for any sane setting
        start, end = _day_bounds(day)
        moment = max(moment, start)
        if moment < end:
            if moment + left <= end:
                return moment + left
            left -= end - moment
        day += datetime.timedelta(days=1)
        moment = _day_bounds(day)[0]
    return moment


def is_overdue(received_at: datetime.datetime, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= answer_due_at(received_at)
