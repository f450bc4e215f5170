"""The specialist's private calendar feed: valid iCalendar (read back with the icalendar package),
the specialist's sessions with the service, the room and the client's short name only, a secret
that a reset revokes (404), the group classes they hold (service, room, places taken, no names),
and the same three queries however many sessions and classes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from clients.tests import factories as cf
from programs.feed import calendar_feed_reset, feed_url
from programs.models import CalendarFeed, Session
from programs.tests import factories as pf
from staff.tests import factories as stf


@pytest.fixture
def member(specialist_user):
    return stf.StaffMemberFactory(user=specialist_user, first_name="Nina")


@pytest.fixture
def sessions(member):
    health = cf.ContraindicationFactory(name="Hypertension")
    client = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", phone="+380501234567",
                              email="iryna@example.com", health_notes="Knee surgery; weekly")
    client.contraindications.add(health)
    room = stf.RoomFactory(name="Massage 1, ground floor")
    item = pf.ProgramItemFactory(specialist=member, program__client=client, service__name="Back massage; classic",
                                 notes="Avoid the left knee")
    now = timezone.now()
    soon = pf.SessionFactory(item=item, specialist=member, room=room, scheduled_at=now + datetime.timedelta(hours=3),
                             duration_minutes=60)
    later = pf.SessionFactory(item=item, specialist=member, scheduled_at=now + datetime.timedelta(days=2),
                              confirmed_at=now)
    pf.SessionFactory(item=item, specialist=member, scheduled_at=now + datetime.timedelta(days=3),
                      status=Session.Status.CANCELLED, completed_at=now)
    pf.SessionFactory(item=item, specialist=member, scheduled_at=now - datetime.timedelta(days=3))
    pf.SessionFactory(item=pf.ProgramItemFactory(), scheduled_at=now + datetime.timedelta(hours=5))  # another's
    return soon, later


def feed_path(feed):
    return reverse("programs:calendar-feed", args=[feed.staff_member_id, feed.token])


def test_the_feed_is_valid_icalendar_with_the_specialists_sessions_to_come(client, member, sessions):
    soon, later = sessions
    feed = calendar_feed_reset(staff_member=member)
    response = client.get(feed_path(feed))
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded lines (RFC 5545, 3.1)
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [
        soon.scheduled_at.replace(microsecond=0), later.scheduled_at.replace(microsecond=0)]
    first = events[0]
    assert str(first["summary"]) == "Back massage; classic · Iryna B."
    assert str(first["location"]) == "Massage 1, ground floor"
    assert first.decoded("dtend") - first.decoded("dtstart") == datetime.timedelta(hours=1)
    assert first.decoded("dtstart").tzinfo is not None and first["dtstart"].to_ical().endswith(b"Z")
    assert (str(first["status"]), str(events[1]["status"])) == ("TENTATIVE", "CONFIRMED")
    assert len({str(e["uid"]) for e in events}) == 2
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]
    text = body.decode()
    for secret in ("380501234567", "iryna@example.com", "Bondarenko", "Hypertension", "Knee", "left knee"):
        assert secret not in text


def test_a_reset_link_revokes_the_old_one_and_a_wrong_secret_is_404(client, member, sessions, specialist_user):
    old = calendar_feed_reset(staff_member=member)
    old_path = feed_path(old)
    client.force_login(specialist_user)
    page = client.get(reverse("programs:my-sessions")).content.decode()
    assert feed_url(old) in page and "Copy link" in page
    assert client.get(reverse("programs:calendar-feed-reset")).status_code == 405
    assert client.post(reverse("programs:calendar-feed-reset")).status_code == 302
    client.logout()
    new = CalendarFeed.objects.get(staff_member=member)
    assert new.token != old.token
    assert client.get(old_path).status_code == 404
    assert client.get(feed_path(new)).status_code == 200
    assert client.get(reverse("programs:calendar-feed", args=[member.pk, new.token[:-1] + "x"])).status_code == 404
    assert client.get(reverse("programs:calendar-feed", args=[member.pk + 1000, new.token])).status_code == 404


def test_the_first_link_is_made_on_my_sessions(client, member, specialist_user):
    client.force_login(specialist_user)
    assert "Get the calendar link" in client.get(reverse("programs:my-sessions")).content.decode()
    client.post(reverse("programs:calendar-feed-reset"))
    assert CalendarFeed.objects.filter(staff_member=member).exists()


def test_a_specialist_who_left_has_no_feed(client, member):
    feed = calendar_feed_reset(staff_member=member)
    member.is_active = False
    member.save()
    assert client.get(feed_path(feed)).status_code == 404


def test_the_feed_costs_three_queries_at_any_size(client, member):
    feed = calendar_feed_reset(staff_member=member)
    item = pf.ProgramItemFactory(specialist=member)
    group_class = pf.GroupClassFactory(specialist=member)
    counts = []
    for n in (1, 20):
        for i in range(n):
            pf.SessionFactory(item=item, specialist=member, room=stf.RoomFactory(),
                              scheduled_at=timezone.now() + datetime.timedelta(days=n, hours=i))
            occurrence = pf.ClassOccurrenceFactory(
                group_class=group_class, starts_at=timezone.now() + datetime.timedelta(days=n + 30, hours=i))
            pf.ClassBookingFactory(occurrence=occurrence)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(feed_path(feed)).status_code == 200
        counts.append(len(queries))
    assert counts == [3, 3]


def test_the_feed_lists_the_specialists_classes_with_room_and_places_taken(client, member):
    group_class = pf.GroupClassFactory(specialist=member, service__name="Pilates", room__name="Studio 2", capacity=8)
    starts = (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0)
    occurrence = pf.ClassOccurrenceFactory(group_class=group_class, starts_at=starts)
    for name in ("Iryna", "Oksana", "Petro"):
        pf.ClassBookingFactory(occurrence=occurrence, client=cf.ClientFactory(first_name=name))
    pf.ClassBookingFactory(occurrence=occurrence, status="waitlisted", waitlist_position=1)
    pf.ClassOccurrenceFactory(group_class=group_class, starts_at=starts + datetime.timedelta(days=2), cancelled=True)
    pf.ClassOccurrenceFactory(starts_at=starts)  # another specialist's
    feed = calendar_feed_reset(staff_member=member)

    body = client.get(feed_path(feed)).content
    (event,) = Calendar.from_ical(body).walk("VEVENT")

    assert str(event["summary"]) == "Pilates · 3/8"
    assert str(event["location"]) == "Studio 2"
    assert str(event["description"]) == "Group class: 3 of 8 places taken."
    assert event.decoded("dtstart") == starts and str(event["uid"]).startswith(f"class-{occurrence.pk}@")
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(minutes=60)
    assert not any(name in body.decode() for name in ("Iryna", "Oksana", "Petro"))
