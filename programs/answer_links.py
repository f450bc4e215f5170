"""The confirm and cancel links of a reminder: one signed link per booking and answer, for a
personal session (``SESSION_LINKS``) and for a booked place in a group class (``PLACE_LINKS``).

A token carries the booking's id, the answer (``CONFIRM`` / ``CANCEL``: for a class place, give
it up) and the start it was sent for, signed with ``SECRET_KEY`` (``django.core.signing``, a salt
of each kind's own), so it can be neither made up nor turned into another booking's, another
kind's or another answer's. It is single-use by the booking's own state: once confirmed, a
confirm link answers "confirmed already"; once cancelled, both links answer "cancelled
already"; a session moved since the reminder, a class cancelled, a start passed or a booking
marked answers so too (``answer_state`` / ``place_answer_state``). Nothing happens on opening
the link (a mail client's or a chat's preview opens it): the page asks, and a button does it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .classes.models import ClassBooking
from .models import Session

CONFIRM, CANCEL = "confirm", "cancel"


@dataclass(frozen=True)
class AnswerLinks:
    """The signed links of one kind of booking: its salt, its page and where its start is read."""

    salt: str
    url_name: str
    start_of: Callable[[object], datetime.datetime]

    def token(self, booking, answer: str) -> str:
        return signing.dumps([booking.pk, answer, int(self.start_of(booking).timestamp())], salt=self.salt,
                             compress=True)

    def url(self, booking, answer: str) -> str:
        return settings.SITE_URL + reverse(self.url_name, args=[self.token(booking, answer)])

    def urls(self, booking) -> dict[str, str]:
        """The reminder's two links, as its templates name them."""
        return {"confirm_url": self.url(booking, CONFIRM), "cancel_url": self.url(booking, CANCEL)}

    def read(self, token: str) -> tuple[int, str, int]:
        """(booking id, answer, start as a Unix time); ``signing.BadSignature`` when not ours."""
        data = signing.loads(token, salt=self.salt)
        if not (isinstance(data, list) and len(data) == 3 and data[1] in (CONFIRM, CANCEL)
                and all(isinstance(data[i], int) and not isinstance(data[i], bool) for i in (0, 2))):
            raise signing.BadSignature("not an answer link")
        return data[0], data[1], data[2]


SESSION_LINKS = AnswerLinks("programs.session-answer", "session-answer", lambda session: session.scheduled_at)
PLACE_LINKS = AnswerLinks("programs.class-place-answer", "class-place-answer",
                          lambda booking: booking.occurrence.starts_at)
answer_token, answer_url, answer_read = SESSION_LINKS.token, SESSION_LINKS.url, SESSION_LINKS.read


def link_state(*, answer: str, sent_for: int, starts_at: datetime.datetime, cancelled: bool, marked: bool,
               confirmed: bool, now=None) -> str:
    """What a link may still do, from its booking's facts: "open", or why not — "cancelled",
    "marked" (done or missed), "moved" (another time since the reminder), "confirmed" (a confirm
    link used), "started"."""
    now = now or timezone.now()
    if cancelled:
        return "cancelled"
    if marked:
        return "marked"
    if int(starts_at.timestamp()) != sent_for:
        return "moved"
    if answer == CONFIRM and confirmed:
        return "confirmed"
    if starts_at <= now:
        return "started"
    return "open"


def answer_state(session: Session, answer: str, sent_for: int, now=None) -> str:
    """``link_state`` of a session's link."""
    return link_state(answer=answer, sent_for=sent_for, starts_at=session.scheduled_at, now=now,
                      cancelled=session.status in Session.FREED, marked=session.status != Session.Status.PLANNED,
                      confirmed=bool(session.confirmed_at))


def place_answer_state(booking: ClassBooking, answer: str, sent_for: int, now=None) -> str:
    """``link_state`` of a class place's link; "class_cancelled" when the club cancelled the class."""
    if booking.occurrence.cancelled:
        return "class_cancelled"
    return link_state(answer=answer, sent_for=sent_for, starts_at=booking.occurrence.starts_at, now=now,
                      cancelled=booking.status not in ClassBooking.TAKEN,
                      marked=booking.status in ClassBooking.MARKED, confirmed=bool(booking.confirmed_at))
