"""What the daily pipeline (``core.reminders``) gets from the programs app: one reminder per
planned session, ``SESSION_REMINDER_HOURS`` (default 24) before it, through the outbox in the
client's language on their channel, with signed single-use links to confirm or cancel that
session (``answer_links``) and the client's personal page (the chat's *My sessions* offers the
same buttons). Imported by ``ProgramsConfig.ready()``."""

import datetime
from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from clients.messaging.outbox import Pending, message_for_client
from clients.reminders import produces_messages
from clients.services import page_link_issue, page_links_issue
from core.dates import day_bounds

from .answer_links import CANCEL, CONFIRM, answer_url
from .models import Session
from .vocabulary import SESSION_REMINDER


def sessions_to_remind(on: datetime.date):
    """The planned sessions whose reminder falls on the club-local day ``on``: starting from
    ``SESSION_REMINDER_HOURS`` after the day begins to as long after it ends (and still to come)."""
    lead = datetime.timedelta(hours=settings.SESSION_REMINDER_HOURS)
    start, end = day_bounds(on)
    return (
        Session.objects.filter(status=Session.Status.PLANNED, scheduled_at__gte=max(start + lead, timezone.now()),
                               scheduled_at__lt=end + lead, client__erased_at__isnull=True)
        .select_related("client", "item__service", "specialist", "room")
        .order_by("scheduled_at", "pk")
    )


def session_reminder(*, session: Session, dedup_key: str, links: "PageLinks | None" = None):
    """The reminder's outbox row; the personal-page link is issued only for a row the outbox lacks
    (by ``links`` for all of a sweep's new reminders at once, or here for this one)."""
    token = links.tokens.get(session.client_id) if links else None
    if token is None:
        _link, token = page_link_issue(client=session.client, by=None)
    language = session.client.language or settings.LANGUAGE_CODE
    with translation.override(language):
        when = formats.date_format(timezone.localtime(session.scheduled_at), "SHORT_DATETIME_FORMAT")
    return message_for_client(
        client=session.client, kind=SESSION_REMINDER, dedup_key=dedup_key, template="session_reminder",
        context={"service": session.item.service.name, "when": when,
                 "specialist": session.specialist.first_name if session.specialist_id else "",
                 "room": session.room.name if session.room_id else "",
                 "page_url": settings.SITE_URL + reverse("personal-page", args=[token]),
                 "confirm_url": answer_url(session, CONFIRM), "cancel_url": answer_url(session, CANCEL)},
        related=session,
    )


class PageLinks:
    """The personal-page links of a sweep's new session reminders, issued in one statement before
    any of them is rendered (``Pending.prepare``): the sweep's query count stays the same
    whatever the number of sessions."""

    def __init__(self):
        self.client_of: dict[str, int] = {}
        self.tokens: dict[int, str] = {}

    def prepare(self, rows: list[Pending]) -> None:
        self.tokens = page_links_issue(client_ids=[self.client_of[row.dedup_key] for row in rows], by=None)


@produces_messages("session reminders")
def session_reminders(on: datetime.date) -> list[Pending]:
    """Exactly one reminder per session (dedup key ``session-reminder:<pk>``)."""
    links = PageLinks()
    rows = []
    for session in sessions_to_remind(on):
        key = f"session-reminder:{session.pk}"
        links.client_of[key] = session.client_id
        rows.append(Pending(key, partial(session_reminder, session=session, dedup_key=key, links=links), links.prepare))
    return rows
