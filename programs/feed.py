"""A specialist's private calendar feed: an iCalendar (RFC 5545) address their phone's calendar
subscribes to, listing their sessions and the group classes they hold from today for ``FEED_DAYS``
days.

- **The address** holds the specialist's id and a random secret (``CalendarFeed.token``),
  compared in constant time; *Reset link* stores a new secret, so an address that leaked stops
  working at once (404, like a wrong one).
- **What it tells** (whoever holds the address): the service, the room and the client's first name
  with the initial of the last name. Never contacts, health flags or notes — a phone's calendar
  syncs to other servers and shows on a lock screen. A group class: the service, the room and the
  places taken (no names at all).
- Times in UTC (``DTSTART:…Z``): every calendar shows them in its own time zone.
- A cancelled session or class leaves the feed (the phone drops the event on its next refresh).
"""

import datetime
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.dates import day_start
from staff.models import StaffMember

from .classes.selectors import occurrences_between
from .models import CalendarFeed, Session

FEED_DAYS = 90


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("programs:calendar-feed", args=[feed.staff_member_id, feed.token])


def my_feed_url(staff_member: StaffMember) -> str:
    """The specialist's feed address, "" before the first *Get link* (no query: the feed is
    read with the specialist)."""
    feed = getattr(staff_member, "calendar_feed", None)
    return feed_url(feed) if feed else ""


@transaction.atomic
def calendar_feed_reset(*, staff_member: StaffMember) -> CalendarFeed:
    """A new secret for the specialist's feed (the first one, or instead of the old one)."""
    feed, _created = CalendarFeed.objects.update_or_create(
        staff_member=staff_member, defaults={"token": secrets.token_urlsafe(32), "issued_at": timezone.now()})
    return feed


def feed_for(member_id: int, token: str) -> CalendarFeed | None:
    """The feed of that address, if its secret is the current one and the specialist still works."""
    feed = CalendarFeed.objects.select_related("staff_member").filter(
        staff_member_id=member_id, staff_member__is_active=True).first()
    if feed is None or not feed.token or not hmac.compare_digest(feed.token.encode(), token.encode()):
        return None
    return feed


def feed_sessions(staff_member: StaffMember):
    """The specialist's sessions from the start of today for ``FEED_DAYS`` days, not cancelled."""
    start = day_start(timezone.localdate())
    return (
        Session.objects.filter(specialist=staff_member, scheduled_at__gte=start,
                               scheduled_at__lt=start + datetime.timedelta(days=FEED_DAYS))
        .exclude(status__in=Session.FREED)
        .select_related("item__service", "client", "room")
        .order_by("scheduled_at", "pk")
    )


def feed_classes(staff_member: StaffMember):
    """The dated group classes the specialist holds in the same days, not cancelled, with their
    places taken (``booked``); one query."""
    start = day_start(timezone.localdate())
    return (occurrences_between(start, start + datetime.timedelta(days=FEED_DAYS))
            .filter(specialist=staff_member, cancelled=False))


def client_short_name(client) -> str:
    """"Iryna B.": the first name and the initial of the last name."""
    initial = f" {client.last_name[:1]}." if client.last_name else ""
    return f"{client.first_name}{initial}"


def _class_event(occurrence, *, host: str, now: datetime.datetime) -> Event:
    capacity = occurrence.group_class.capacity
    event = Event()
    event.add("uid", f"class-{occurrence.pk}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", occurrence.starts_at.astimezone(datetime.timezone.utc))
    event.add("dtend", occurrence.ends_at.astimezone(datetime.timezone.utc))
    event.add("summary", f"{occurrence.group_class.service.name} · {occurrence.booked}/{capacity}")
    event.add("description", _("Group class: %(booked)s of %(capacity)s places taken.") % {
        "booked": occurrence.booked, "capacity": capacity})
    event.add("location", occurrence.room.name)
    event.add("status", "CONFIRMED")
    return event


def feed_calendar(staff_member: StaffMember, sessions, classes=()) -> bytes:
    """The feed's text (the fields in the module's docstring)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Accompaniment CRM//sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Sessions: %(name)s") % {"name": staff_member.first_name})
    calendar.add("x-published-ttl", "PT1H")
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "accompaniment"
    now = timezone.now().astimezone(datetime.timezone.utc)
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@{host}")
        event.add("dtstamp", now)
        event.add("last-modified", session.updated_at.astimezone(datetime.timezone.utc))
        event.add("dtstart", session.scheduled_at.astimezone(datetime.timezone.utc))
        event.add("dtend", session.ends_at.astimezone(datetime.timezone.utc))
        event.add("summary", f"{session.item.service.name} · {client_short_name(session.client)}")
        if session.room_id:
            event.add("location", session.room.name)
        event.add("status", "CONFIRMED" if session.confirmed_at else "TENTATIVE")
        calendar.add_component(event)
    for occurrence in classes:
        calendar.add_component(_class_event(occurrence, host=host, now=now))
    return calendar.to_ical()
