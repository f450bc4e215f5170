"""When a client's message becomes overdue: working minutes only."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from clients.messaging.waiting import answer_due_at, is_overdue

KYIV = ZoneInfo("Europe/Kyiv")


def at(day, hour, minute=0):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=KYIV)


@pytest.fixture(autouse=True)
def hours(settings):
    settings.WORKING_HOURS_START, settings.WORKING_HOURS_END, settings.MESSAGE_ANSWER_MINUTES = 9, 21, 60


@pytest.mark.parametrize("received,due", [
    (at(7, 10), at(7, 11)),            # within hours: an hour later
    (at(7, 20, 30), at(8, 9, 30)),     # half an hour tonight, half tomorrow morning
    (at(7, 23), at(8, 10)),            # after hours: waits for the morning
    (at(8, 3), at(8, 10)),             # before opening
    (at(7, 21), at(8, 10)),            # at closing time exactly
])
def test_a_message_is_due_after_the_working_minutes(received, due):
    assert answer_due_at(received) == due


def test_overdue_is_from_the_due_moment_on():
    assert not is_overdue(at(7, 23), now=at(8, 9, 59))
    assert is_overdue(at(7, 23), now=at(8, 10))


def test_a_longer_wait_spans_days(settings):
    settings.MESSAGE_ANSWER_MINUTES = 12 * 60 + 30
    assert answer_due_at(at(7, 9)) == at(8, 9, 30)
