"""The daily sweep at constant cost: its query count is the same for a small club and one three
times its size (the bench's club, seeded the product's way, with tomorrow's personal sessions and
booked places in group classes to remind of), dry or real; the quarterly survey
is spread over the quarter's days, each client on a stable day of their own."""

import datetime
from io import StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompaniment.devtools.bench.club import BenchClub
from clients.models import Notification
from clients.tests import factories as cf
from core import reminders
from programs.classes.models import ClassBooking
from programs.tests import factories as pf
from staff.reminders import SURVEY_SPREAD_PRIME, quarter_bounds, surveys_quarterly

pytestmark = pytest.mark.django_db


def sweep_queries(on: datetime.date, *, dry_run: bool) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        report = reminders.sweep(on=on, dry_run=dry_run)
    return len(queries), report


def book_tomorrow(clients: int) -> None:
    """``clients`` more clients each with a personal session and a booked place in a new group
    class tomorrow, and as many on that class's waiting list (reminded of nothing)."""
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1),
                                                          datetime.time(10)))
    occurrence = pf.ClassOccurrenceFactory(starts_at=start)
    for n in range(clients):
        client = cf.ClientFactory(preferred_channel="email", consent_email=True)
        pf.SessionFactory(item__program__client=client, scheduled_at=start + datetime.timedelta(hours=2))
        pf.ClassBookingFactory(occurrence=occurrence, client=client)
        pf.ClassBookingFactory(occurrence=occurrence, status=ClassBooking.Status.WAITLISTED, waitlist_position=n + 1)


def test_the_sweeps_query_count_does_not_grow_with_the_club(settings):
    settings.SURVEY_SPREAD_OVER_QUARTER = True
    club = BenchClub(clients=240, seed=7, stdout=StringIO(), portfolio=40)
    club.reference()
    today = timezone.localdate()
    first, _length = quarter_bounds(today)
    days = [today, first]  # a normal day and the quarter's first day
    club.seed(upto=80)
    book_tomorrow(2)
    small = {day: sweep_queries(day, dry_run=True) for day in days}
    club.seed()
    book_tomorrow(6)
    large = {day: sweep_queries(day, dry_run=True) for day in days}
    for day in days:
        assert small[day][0] == large[day][0], f"{day}: {small[day][0]} queries with 80 clients, {large[day][0]} with 240"
        assert sum(large[day][1].values()) > sum(small[day][1].values())  # more rows, the same queries
    assert small[today][0] == small[first][0]  # a quarter's first day costs what any day does
    assert large[today][1]["session reminders"] == large[today][1]["class reminders"] == 8  # not the waiting
    # Writing adds one INSERT per producer that has new rows, whatever their number (on SQLite,
    # whose statements take at most 999 parameters, one per batch), and for each reminder producer
    # the personal-page links of its new rows, issued at once: the clients locked and the links
    # inserted (on PostgreSQL within a savepoint: two statements more).
    real, report = sweep_queries(today, dry_run=False)
    writing = sum(1 for n in report.values() if n)
    links = 2 * sum(1 for name in ("session reminders", "class reminders") if report[name])
    assert writing and Notification.objects.filter(kind="class_reminder").count() == 8
    if connection.vendor == "postgresql":
        # + the content types of the rows' related models (memberships, clients, sessions, class
        # bookings), looked up once per process
        assert real <= large[today][0] + writing + 2 * links + 4
    else:
        assert large[today][0] + writing + links <= real


def test_the_quarterly_survey_asks_each_client_on_their_own_day_of_the_quarter(settings):
    settings.SURVEY_SPREAD_OVER_QUARTER = True
    club = BenchClub(clients=300, seed=11, stdout=StringIO())
    club.reference()
    club.seed()
    today = timezone.localdate()
    first, length = quarter_bounds(today)

    def asked(offset: int) -> set[int]:
        keys = {row.dedup_key for row in surveys_quarterly(first + datetime.timedelta(days=offset))}
        return {int(key.split(":")[1]) for key in keys}

    for offset in (0, 1, 2, length // 2):
        settings.SURVEY_SPREAD_OVER_QUARTER = False
        members = asked(offset)  # everyone with a running card that day
        settings.SURVEY_SPREAD_OVER_QUARTER = True
        # exactly those whose own day has come (the ids depend on the database's sequence)
        assert asked(offset) == {pk for pk in members if pk * SURVEY_SPREAD_PRIME % length <= offset}
    settings.SURVEY_SPREAD_OVER_QUARTER = False
    members = asked(0)
    settings.SURVEY_SPREAD_OVER_QUARTER = True
    assert len(members) > 50  # enough members for the spread to show
    assert len(asked(0)) <= len(members) // 10  # the first day asks a few, not everyone


@pytest.mark.parametrize("language", ["en", "ru", "uk"])
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_survey_rendered_as_a_stencil_reads_as_rendered_for_the_client_alone(language, channel):
    """The survey is rendered once per language and its personal values put in: the message is
    the very one rendered for the client alone (a name that needs escaping in the HTML too)."""
    from clients.messaging.links import unsubscribe_url
    from clients.messaging.outbox import render_message
    from clients.tests.factories import ClientFactory
    from django.conf import settings as django_settings
    from staff.services import survey_message

    client = ClientFactory(first_name="Anna <O'Neil> & Co", language=language, preferred_channel=channel,
                           consent_email=True, consent_sms=True, email="anna@example.com", phone="+380501234567")
    row = survey_message(client=client, dedup_key="survey-quarter:test")
    survey_url = next(word for word in row.body.split() if "/s/" in word)
    alone = render_message("survey", {
        "client": client, "days": django_settings.SURVEY_LINK_DAYS, "club_name": django_settings.CLUB_NAME,
        "site_url": django_settings.SITE_URL, "survey_url": survey_url,
        "unsubscribe_url": unsubscribe_url(client.pk, row.channel, "service"),
    }, language, html=row.channel == "email")
    assert (row.subject, row.body, row.body_html) == alone
    assert "Anna <O'Neil> & Co" in row.body and (channel != "email" or "Anna &lt;O&#x27;Neil&gt; &amp; Co" in row.body_html)
