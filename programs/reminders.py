"""What the daily pipeline (``core.reminders``) gets from the programs app: one reminder per
planned session and one per booked place in a group class, ``SESSION_REMINDER_HOURS`` (default
24) before it, through the outbox in the client's language on their channel, with signed
single-use links to confirm or cancel that session, or to confirm or give up that place
(``answer_links``), and the client's personal page (the chat's *My sessions* offers the same
buttons for sessions). Imported by ``ProgramsConfig.ready()``."""

import datetime
from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from clients.messaging.outbox import Pending, message_for_client
from clients.reminders import produces_messages
from clients.services import page_link_issue, page_links_issue
from core.dates import day_bounds

from .answer_links import PLACE_LINKS, SESSION_LINKS
from .classes.models import ClassBooking
from .models import Session
from .vocabulary import CLASS_REMINDER, SESSION_REMINDER


def reminder_window(on: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The starts whose reminder falls on the club-local day ``on``: from ``SESSION_REMINDER_HOURS``
    after the day begins (and not before now) to as long after it ends."""
    lead = datetime.timedelta(hours=settings.SESSION_REMINDER_HOURS)
    start, end = day_bounds(on)
    return max(start + lead, timezone.now()), end + lead


def sessions_to_remind(on: datetime.date):
    """The planned sessions whose reminder falls on ``on`` (``reminder_window``)."""
    since, until = reminder_window(on)
    return (
        Session.objects.filter(status=Session.Status.PLANNED, scheduled_at__gte=since, scheduled_at__lt=until,
                               client__erased_at__isnull=True)
        .select_related("client", "item__service", "specialist", "room")
        .order_by("scheduled_at", "pk")
    )


def places_to_remind(on: datetime.date):
    """The booked places in classes (not cancelled) whose reminder falls on ``on``: never a turn
    on the waiting list nor a cancelled booking."""
    since, until = reminder_window(on)
    return (
        ClassBooking.objects.filter(status=ClassBooking.Status.BOOKED, occurrence__cancelled=False,
                                    occurrence__starts_at__gte=since, occurrence__starts_at__lt=until,
                                    client__erased_at__isnull=True)
        .select_related("client", "occurrence__group_class__service", "occurrence__specialist", "occurrence__room")
        .order_by("occurrence__starts_at", "pk")
    )


def _reminder(*, booking, kind: str, template: str, starts_at, service, specialist, room, links, dedup_key: str,
              page_links: "PageLinks | None"):
    """A reminder's outbox row, whatever is booked; the personal-page link is issued only for a
    row the outbox lacks (by ``page_links`` for all of a sweep's new reminders at once, or here
    for this one)."""
    client = booking.client
    token = page_links.tokens.get(client.pk) if page_links else None
    if token is None:
        _link, token = page_link_issue(client=client, by=None)
    with translation.override(client.language or settings.LANGUAGE_CODE):
        when = formats.date_format(timezone.localtime(starts_at), "SHORT_DATETIME_FORMAT")
    return message_for_client(
        client=client, kind=kind, dedup_key=dedup_key, template=template,
        context={"service": service.name, "when": when,
                 "specialist": specialist.first_name if specialist else "", "room": room.name if room else "",
                 "page_url": settings.SITE_URL + reverse("personal-page", args=[token]), **links.urls(booking)},
        related=booking,
    )


def session_reminder(*, session: Session, dedup_key: str, links: "PageLinks | None" = None):
    """The session reminder's outbox row (``_reminder``)."""
    return _reminder(booking=session, kind=SESSION_REMINDER, template="session_reminder",
                     starts_at=session.scheduled_at, service=session.item.service,
                     specialist=session.specialist if session.specialist_id else None,
                     room=session.room if session.room_id else None, links=SESSION_LINKS,
                     dedup_key=dedup_key, page_links=links)


def place_reminder(*, booking: ClassBooking, dedup_key: str, links: "PageLinks | None" = None):
    """The class place's reminder outbox row (``_reminder``)."""
    occurrence = booking.occurrence
    return _reminder(booking=booking, kind=CLASS_REMINDER, template="class_reminder",
                     starts_at=occurrence.starts_at, service=occurrence.group_class.service,
                     specialist=occurrence.specialist, room=occurrence.room, links=PLACE_LINKS,
                     dedup_key=dedup_key, page_links=links)


class PageLinks:
    """The personal-page links of a sweep's new reminders, issued in one statement before any of
    them is rendered (``Pending.prepare``): the sweep's query count stays the same whatever the
    number of sessions and places."""

    def __init__(self):
        self.client_of: dict[str, int] = {}
        self.tokens: dict[int, str] = {}

    def prepare(self, rows: list[Pending]) -> None:
        self.tokens = page_links_issue(client_ids=[self.client_of[row.dedup_key] for row in rows], by=None)


def reminders_of(bookings, *, prefix: str, build, argument: str) -> list[Pending]:
    """One pending reminder per booking (dedup key ``<prefix>:<pk>``), built by ``build`` (the
    booking passed as ``argument``) only when the outbox lacks it, their page links issued together."""
    links = PageLinks()
    rows = []
    for booking in bookings:
        key = f"{prefix}:{booking.pk}"
        links.client_of[key] = booking.client_id
        rows.append(Pending(key, partial(build, **{argument: booking}, dedup_key=key, links=links), links.prepare))
    return rows


@produces_messages("session reminders")
def session_reminders(on: datetime.date) -> list[Pending]:
    """Exactly one reminder per session (dedup key ``session-reminder:<pk>``)."""
    return reminders_of(sessions_to_remind(on), prefix="session-reminder", build=session_reminder,
                        argument="session")


@produces_messages("class reminders")
def class_reminders(on: datetime.date) -> list[Pending]:
    """Exactly one reminder per booked place (dedup key ``class-reminder:<booking pk>``)."""
    return reminders_of(places_to_remind(on), prefix="class-reminder", build=place_reminder,
                        argument="booking")
