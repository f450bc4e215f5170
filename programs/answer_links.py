"""The confirm and cancel links of a session reminder: one signed link per session and answer.

A token carries the session's id, the answer (``CONFIRM`` / ``CANCEL``) and the start it was
sent for, signed with ``SECRET_KEY`` (``django.core.signing``, its own salt), so it can be
neither made up nor turned into another session's or another answer's. It is single-use by the
session's own state: once confirmed, a confirm link answers "confirmed already"; once cancelled,
both links answer "cancelled already"; a session moved since the reminder, started or marked
answers so too (``answer_state``). Nothing happens on opening the link (a mail client's or a
chat's preview opens it): the page asks, and a button does it.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Session

SALT = "programs.session-answer"
CONFIRM, CANCEL = "confirm", "cancel"


def answer_token(session: Session, answer: str) -> str:
    return signing.dumps([session.pk, answer, int(session.scheduled_at.timestamp())], salt=SALT, compress=True)


def answer_url(session: Session, answer: str) -> str:
    return settings.SITE_URL + reverse("session-answer", args=[answer_token(session, answer)])


def answer_read(token: str) -> tuple[int, str, int]:
    """(session id, answer, start as a Unix time); ``signing.BadSignature`` when not ours."""
    data = signing.loads(token, salt=SALT)
    if not (isinstance(data, list) and len(data) == 3 and data[1] in (CONFIRM, CANCEL)
            and all(isinstance(data[i], int) for i in (0, 2))):
        raise signing.BadSignature("not a session answer")
    return data[0], data[1], data[2]


def answer_state(session: Session, answer: str, sent_for: int, now=None) -> str:
    """What the link may still do: "open", or why not — "confirmed" (a confirm link used),
    "cancelled", "marked" (done or missed), "moved" (another time since the reminder),
    "started"."""
    now = now or timezone.now()
    if session.status in Session.FREED:
        return "cancelled"
    if session.status != Session.Status.PLANNED:
        return "marked"
    if int(session.scheduled_at.timestamp()) != sent_for:
        return "moved"
    if answer == CONFIRM and session.confirmed_at:
        return "confirmed"
    if session.scheduled_at <= now:
        return "started"
    return "open"
