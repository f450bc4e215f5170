"""The club's Telegram bot: what it does with each update.

The webhook (or ``manage.py telegram_poll``) stores each update once (``update_store``: the
unique ``update_id``), and a Celery task calls ``update_process``, which works on a stored update
at most once (a conditional UPDATE claims it). Then:

- ``/start <token>`` ties the chat to the card the token was made for (signed, expiring,
  single-use); no token, a stale or a used one gets a polite answer and links nothing;
- ``/stop`` unties the chat;
- the buttons (``callback_data``): ``card``, ``sessions`` (sessions and group class places),
  ``confirm:<session>``, ``cancel:<session>``, ``placeok:<booking>``, ``giveup:<booking>``,
  ``survey``, ``nps:<0–10>``, ``renew``, ``freeze``, ``write``;
- anything else the client writes is a message to their manager: a conversation entry on the
  card and *Messages waiting* on Today.

Answers to the client's own presses go straight back through the Bot API in the client's
language (they are replies, not messages the club starts); the manager's answers go through
the outbox. A chat that blocked the bot (403) marks the client's Telegram unreachable.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from clients.languages import supported
from clients.messaging.backends import DeliveryError, Unreachable
from clients.messaging.telegram import answer_callback, send_text
from clients.models import Client, TelegramUpdate
from clients.services import (
    LinkError,
    client_for_chat,
    client_request,
    conversation_receive,
    telegram_link_use,
    telegram_unlink,
)

from . import actions

logger = logging.getLogger(__name__)
CHANNEL = "telegram"


def update_store(payload: dict) -> TelegramUpdate | None:
    """Keep a new update (None when its ``update_id`` was stored before: Telegram retried)."""
    update_id = payload.get("update_id") if isinstance(payload, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise ValueError("an update needs an integer update_id")
    try:
        with transaction.atomic():
            return TelegramUpdate.objects.create(update_id=update_id, payload=payload)
    except IntegrityError:
        return None


def update_process(update_pk: int) -> str:
    """Work on a stored update once; returns what happened (also kept as its ``outcome``)."""
    now = timezone.now()
    if not TelegramUpdate.objects.filter(pk=update_pk, processed_at__isnull=True).update(
            processed_at=now, outcome="processing"):
        return "already processed"
    update = TelegramUpdate.objects.get(pk=update_pk)
    try:
        outcome = _dispatch(update.payload)
    except Exception as error:  # noqa: BLE001 - kept on the row; never retried (at most once)
        logger.exception("Telegram update %s failed", update.update_id)
        outcome = f"error: {error}"
    TelegramUpdate.objects.filter(pk=update_pk).update(outcome=outcome[:200])
    return outcome


class Reply:
    """What the bot says back to a chat, sent after the work is committed."""

    def __init__(self, chat_id, client: Client | None):
        self.chat_id, self.client = chat_id, client

    def say(self, text: str, buttons=None) -> None:
        try:
            send_text(self.chat_id, text, buttons)
        except Unreachable:
            if self.client is not None:
                Client.objects.filter(pk=self.client.pk).update(telegram_unreachable_at=timezone.now())
        except DeliveryError as error:
            logger.warning("Telegram reply to %s failed: %s", self.chat_id, error)


def _dispatch(update: dict) -> str:
    if "callback_query" in update:
        query = update["callback_query"]
        chat_id = (query.get("message") or {}).get("chat", {}).get("id") or query.get("from", {}).get("id")
        client = client_for_chat(chat_id)
        with translation.override(_language(client, query.get("from"))):
            outcome = _button(Reply(chat_id, client), client, str(query.get("data") or ""))
        try:
            answer_callback(str(query.get("id", "")))
        except DeliveryError:
            pass
        return outcome
    message = update.get("message") or update.get("edited_message")
    if not message or "chat" not in message:
        return "ignored"
    chat_id = message["chat"]["id"]
    client = client_for_chat(chat_id)
    with translation.override(_language(client, message.get("from"))):
        return _message(Reply(chat_id, client), client, message)


def _language(client: Client | None, sender: dict | None) -> str:
    if client is not None:
        return client.language
    code = ((sender or {}).get("language_code") or "")[:2]
    return supported(code) or settings.LANGUAGE_CODE


def menu() -> list[list[tuple[str, str]]]:
    return [
        [(_("My card"), "card"), (_("My sessions"), "sessions")],
        [(_("Renew"), "renew"), (_("Freeze"), "freeze")],
        [(_("Rate the club"), "survey"), (_("Write to my manager"), "write")],
    ]


def _message(reply: Reply, client: Client | None, message: dict) -> str:
    text = (message.get("text") or message.get("caption") or "").strip()
    if text.startswith("/start"):
        token = text.removeprefix("/start").strip()
        if not token:
            if client is not None:
                reply.say(_("Hello, %(name)s! What would you like to do?") % {"name": client.first_name}, menu())
                return "menu"
            reply.say(_("Hello! Ask your accompaniment manager at the club for your personal link to connect this chat."))
            return "start without a token"
        try:
            client = telegram_link_use(token=token, chat_id=str(message["chat"]["id"]))
        except LinkError as error:
            reply.say({
                "expired": _("This link has expired. Ask your manager for a new one."),
                "used": _("This link has been used already. Ask your manager for a new one."),
            }.get(error.reason, _("This link is not valid. Ask your manager for a new one.")))
            return f"link refused: {error.reason}"
        with translation.override(client.language):
            reply.client = client
            reply.say(_("Hello, %(name)s! This chat is now connected to your club card: your manager reads what you write here.")
                      % {"name": client.first_name}, menu())
        return "linked"
    if client is None:
        reply.say(_("This chat is not connected to a club card yet. Ask your accompaniment manager for your personal link."))
        return "unknown chat"
    if text == "/stop":
        telegram_unlink(client=client)
        reply.say(_("This chat is disconnected from your club card. Your manager can send you a new link any time."))
        return "unlinked"
    if text in ("/menu", "/help"):
        reply.say(_("What would you like to do?"), menu())
        return "menu"
    attachments = _attachment_names(message)
    conversation_receive(client=client, text=text, channel=CHANNEL, attachments=attachments,
                         at=_sent_at(message))
    reply.say(_("Your manager has your message and will answer soon."))
    return "message"


def _sent_at(message: dict):
    stamp = message.get("date")
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.timezone.utc) if isinstance(stamp, int) else None


def _attachment_names(message: dict) -> list[str]:
    names = []
    if "document" in message:
        names.append(message["document"].get("file_name") or _("a file"))
    if "photo" in message:
        names.append(_("a photo"))
    for kind, label in (("voice", _("a voice message")), ("video", _("a video")), ("audio", _("an audio file")),
                        ("sticker", _("a sticker")), ("location", _("a location")), ("contact", _("a contact"))):
        if kind in message:
            names.append(str(label))
    return names


def _button(reply: Reply, client: Client | None, data: str) -> str:
    if client is None:
        reply.say(_("This chat is not connected to a club card yet. Ask your accompaniment manager for your personal link."))
        return "unknown chat"
    action, _sep, argument = data.partition(":")
    try:
        if action == "card":
            reply.say(card_text(client), menu())
        elif action == "sessions":
            sessions = actions.upcoming_sessions(client, limit=5)
            places = actions.upcoming_class_places(client, limit=5)
            if not sessions and not places:
                reply.say(_("You have no sessions planned."), menu())
            for session in sessions:
                reply.say(session_text(session), [[(_("I'll come"), f"confirm:{session.pk}"),
                                                   (_("Cancel"), f"cancel:{session.pk}")]])
            for place in places:
                reply.say(place_text(place), [place_buttons(place)])
        elif action == "placeok":
            place = actions.class_place_confirm_by_client(client=client, booking_pk=argument)
            reply.say(_("Thank you! See you: %(session)s") % {"session": place_text(place)})
        elif action == "giveup":
            place = actions.class_place_give_up(client=client, booking_pk=argument, channel=CHANNEL)
            if place.was_waiting:
                reply.say(_("You have left the waiting list: %(place)s") % {"place": place_text(place)})
            else:
                reply.say(_("You have given up your place: %(place)s. Thank you for telling us in time.")
                          % {"place": place_text(place)})
        elif action == "confirm":
            session = actions.session_confirm(client=client, session_pk=argument, channel=CHANNEL)
            reply.say(_("Thank you! See you: %(session)s") % {"session": session_text(session)})
        elif action == "cancel":
            session = actions.session_cancel(client=client, session_pk=argument, channel=CHANNEL)
            reply.say(_("Cancelled: %(session)s. Your manager will get in touch to find another time.")
                      % {"session": session_text(session)})
        elif action == "survey":
            if actions.open_survey_token(client) is None:
                reply.say(_("There is no survey to answer right now. Thank you!"), menu())
            else:
                reply.say(_("How likely are you to recommend the club to a friend? 0 — not at all, 10 — certainly."),
                          nps_buttons())
        elif action == "nps":
            response = actions.survey_give(client=client, score=argument)
            reply.say(_("Thank you for your answer: %(score)d.") % {"score": response.score} + (
                " " + _("We are sorry. Your manager will call you about it.") if response.score <= 6 else ""))
        elif action in ("renew", "freeze"):
            client_request(client=client, what=action, channel="Telegram")
            reply.say(_("Your manager has your request and will get in touch."), menu())
        elif action == "write":
            reply.say(_("Write your message here: your manager will read it."))
        else:
            return f"unknown button {data[:40]}"
    except ValidationError as error:
        reply.say(" ".join(error.messages))
        return f"refused: {action}"
    return f"button {action}"


def nps_buttons() -> list[list[tuple[str, str]]]:
    return [[(str(n), f"nps:{n}") for n in range(0, 6)], [(str(n), f"nps:{n}") for n in range(6, 11)]]


def card_text(client: Client) -> str:
    card = actions.card_summary(client)
    if card is None:
        return _("You have no membership card yet. Your manager will be glad to help you choose one.")
    lines = [_("Your card: %(plan)s — %(state)s") % {"plan": card.plan, "state": card.state_label}]
    if card.end_date:
        lines.append(_("Valid until %(date)s (%(days)d days left)") % {
            "date": formats.date_format(card.end_date, "SHORT_DATE_FORMAT"), "days": max(card.days_left or 0, 0)})
    if card.visits_left is not None:
        lines.append(_("Visits left: %(n)d") % {"n": card.visits_left})
    if card.frozen_until:
        lines.append(_("Frozen until %(date)s") % {"date": formats.date_format(card.frozen_until, "SHORT_DATE_FORMAT")})
    return "\n".join(lines)


def place_text(place) -> str:
    """A place (or a waiting-list turn) in a group class, as the chat lists it."""
    occurrence = place.occurrence
    when = formats.date_format(timezone.localtime(occurrence.starts_at), "SHORT_DATETIME_FORMAT")
    who = f" · {occurrence.specialist.first_name}" if occurrence.specialist_id else ""
    text = f"{occurrence.group_class.service.name} — {when}{who}"
    if place.status == place.Status.WAITLISTED:
        text += "\n" + _("On the waiting list, no. %(n)s") % {"n": place.waitlist_position}
    return text


def place_buttons(place) -> list[tuple[str, str]]:
    """Confirm (a booked place not confirmed yet) and give up; a waiting turn can only be left."""
    if place.status == place.Status.WAITLISTED:
        return [(_("Leave the waiting list"), f"giveup:{place.pk}")]
    confirm = [] if place.confirmed_at else [(_("I'll come"), f"placeok:{place.pk}")]
    return [*confirm, (_("Give up the place"), f"giveup:{place.pk}")]


def session_text(session) -> str:
    when = formats.date_format(timezone.localtime(session.scheduled_at), "SHORT_DATETIME_FORMAT")
    who = f" · {session.specialist.first_name}" if session.specialist_id else ""
    return f"{session.item.service.name} — {when}{who}"
