"""The client's side of the relationship: the bot's chat tied to the card, the personal page's
links, what the client writes (a conversation on the card) and the manager's answers (through
the outbox), and the client's requests (renew, freeze) as tasks."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..messaging import kinds
from ..messaging.links import link_token_id, new_link_token
from ..messaging.outbox import message_for_client, outbox_write
from ..models import Client, ClientLink, Interaction, Task
from ..selectors import covering_for
from .clients import client_for_new_record

MESSAGE_MAX_LENGTH = 4000


class LinkError(Exception):
    """Why a link cannot be used: ``reason`` is tampered, expired, used or revoked."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _new_link(*, client_id: int, purpose: str, by, lifetime: datetime.timedelta, now) -> tuple[ClientLink, str]:
    """An unsaved link and its token."""
    token_id, token = new_link_token(purpose)
    return ClientLink(client_id=client_id, purpose=purpose, token_id=token_id, created_by=by, created_at=now,
                      expires_at=now + lifetime), token


def _issue(*, client: Client, purpose: str, by, lifetime: datetime.timedelta) -> tuple[ClientLink, str]:
    client = client_for_new_record(client)
    link, token = _new_link(client_id=client.pk, purpose=purpose, by=by, lifetime=lifetime, now=timezone.now())
    link.client = client
    link.full_clean()
    link.save()
    return link, token


def link_read(token: str, purpose: str, now: datetime.datetime | None = None) -> ClientLink:
    """The link a token names, if it may still be used; ``LinkError`` otherwise."""
    now = now or timezone.now()
    token_id = link_token_id(token, purpose)
    link = (ClientLink.objects.select_related("client").filter(token_id=token_id, purpose=purpose).first()
            if token_id else None)
    if link is None:
        raise LinkError("tampered")
    if link.revoked_at is not None:
        raise LinkError("revoked")
    if link.expires_at <= now:
        raise LinkError("expired")
    if purpose == ClientLink.Purpose.TELEGRAM and link.used_at is not None:
        raise LinkError("used")
    if link.client.erased_at is not None:
        raise LinkError("revoked")
    return link


# --- Telegram ---------------------------------------------------------------------------------
@transaction.atomic
def telegram_link_issue(*, client: Client, by) -> tuple[ClientLink, str]:
    """A single-use start token (TELEGRAM_LINK_MINUTES) that ties the chat that sends it to the
    client's card."""
    return _issue(client=client, purpose=ClientLink.Purpose.TELEGRAM, by=by,
                  lifetime=datetime.timedelta(minutes=settings.TELEGRAM_LINK_MINUTES))


@transaction.atomic
def telegram_link_use(*, token: str, chat_id: str, now: datetime.datetime | None = None) -> Client:
    """Tie ``chat_id`` to the card the token was made for, once. A chat tied to another card
    before is moved (one chat, one person). ``LinkError`` for a tampered, stale or used token."""
    now = now or timezone.now()
    link = link_read(token, ClientLink.Purpose.TELEGRAM, now)
    if not ClientLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
        raise LinkError("used")
    for other in Client.objects.filter(telegram_chat_id=str(chat_id)).exclude(pk=link.client_id):
        _unlink(other)
    client = link.client
    client.telegram_chat_id = str(chat_id)
    client.telegram_unreachable_at = None
    client.save(update_fields=["telegram_chat_id", "telegram_unreachable_at", "updated_at"])
    return client


def _unlink(client: Client) -> None:
    client.telegram_chat_id = ""
    client.telegram_unreachable_at = None
    if client.preferred_channel == "telegram":
        client.preferred_channel = "email" if client.email else "sms" if client.phone else "email"
    client.save(update_fields=["telegram_chat_id", "telegram_unreachable_at", "preferred_channel", "updated_at"])


@transaction.atomic
def telegram_unlink(*, client: Client) -> Client:
    """Untie the client's chat (from the card, or the client's /stop in the chat)."""
    if client.telegram_chat_id:
        _unlink(client)
    return client


def client_for_chat(chat_id) -> Client | None:
    return Client.objects.filter(telegram_chat_id=str(chat_id), erased_at__isnull=True).select_related(
        "assigned_manager").first()


# --- The personal page ------------------------------------------------------------------------
@transaction.atomic
def page_link_issue(*, client: Client, by, send_by: str = "") -> tuple[ClientLink, str]:
    """A link to the client's personal page (PERSONAL_PAGE_DAYS), sent through the outbox by
    ``send_by`` (a channel) when given."""
    link, token = _issue(client=client, purpose=ClientLink.Purpose.PAGE, by=by,
                         lifetime=datetime.timedelta(days=settings.PERSONAL_PAGE_DAYS))
    if send_by:
        from django.urls import reverse

        outbox_write([message_for_client(
            client=client, kind=kinds.PAGE_LINK, dedup_key=f"page-link:{link.pk}", template="page_link",
            context={"page_url": settings.SITE_URL + reverse("personal-page", args=[token]),
                     "days": settings.PERSONAL_PAGE_DAYS},
            related=link, prefer=send_by,
        )])
        _deliver_soon()
    return link, token


@transaction.atomic
def page_links_issue(*, client_ids, by=None) -> dict[int, str]:
    """Personal-page links for many clients at once (the sweep's session reminders), in a fixed
    number of statements: the clients locked as for any new record in one (an erased client gets
    no link), the links inserted in one. Client id → token."""
    ids = Client.objects.select_for_update().filter(pk__in=set(client_ids), erased_at__isnull=True).values_list(
        "pk", flat=True)
    now, lifetime = timezone.now(), datetime.timedelta(days=settings.PERSONAL_PAGE_DAYS)
    issued = {pk: _new_link(client_id=pk, purpose=ClientLink.Purpose.PAGE, by=by, lifetime=lifetime, now=now)
              for pk in ids}
    ClientLink.objects.bulk_create([link for link, _token in issued.values()])
    return {pk: token for pk, (_link, token) in issued.items()}


@transaction.atomic
def page_links_revoke(*, client: Client) -> int:
    """Revoke every personal-page link of the client still open; how many."""
    return ClientLink.objects.filter(
        client=client, purpose=ClientLink.Purpose.PAGE, revoked_at__isnull=True, expires_at__gt=timezone.now(),
    ).update(revoked_at=timezone.now())


# --- The conversation -------------------------------------------------------------------------
def conversation_recipient(client: Client, on: datetime.date | None = None):
    """Who answers the client today: whoever covers for their manager, else their manager (while
    active), else the first active director — never nobody while the club has one."""
    from django.contrib.auth import get_user_model

    from core.roles import DIRECTOR

    manager = client.assigned_manager
    if manager is not None:
        cover = covering_for(manager, on)
        if cover is not None and cover.is_active:
            return cover
        if manager.is_active:
            return manager
    return get_user_model().objects.filter(is_active=True, groups__name=DIRECTOR).order_by("pk").first()


@transaction.atomic
def conversation_receive(*, client: Client, text: str, channel: str, attachments: list[str] = (),
                         at: datetime.datetime | None = None) -> Interaction:
    """What the client wrote, as an inbound message on their card, waiting for an answer (on the
    Today of whoever answers: ``conversation_recipient``)."""
    client = client_for_new_record(client)
    text = (text or "").strip()[:MESSAGE_MAX_LENGTH]
    names = "\n".join(name.strip()[:200] for name in attachments if name and name.strip())
    if not text and not names:
        raise ValidationError({"text": _("Write a message.")})
    interaction = Interaction(
        client=client, manager=None, kind=Interaction.Kind.MESSAGE, direction=Interaction.Direction.INBOUND,
        channel=channel, summary=text or _("(attachments)"), attachments=names, occurred_at=at or timezone.now(),
    )
    interaction.full_clean()
    interaction.save()
    return interaction


@transaction.atomic
def conversation_reply(*, client: Client, text: str, by) -> Interaction:
    """The manager's answer: an outbound message on the card, delivered through the outbox (its
    quiet hours, retries and audit) by the channel the client last wrote from when they still
    may be reached there; the messages it answers stop waiting."""
    client = client_for_new_record(client)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the answer.")})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": MESSAGE_MAX_LENGTH}})
    now = timezone.now()
    last = client.interactions.filter(direction=Interaction.Direction.INBOUND).exclude(channel="").order_by(
        "-occurred_at", "-id").first()
    interaction = Interaction(
        client=client, manager=by, kind=Interaction.Kind.MESSAGE, direction=Interaction.Direction.OUTBOUND,
        channel=last.channel if last else "", summary=text, occurred_at=now, created_by=by,
    )
    interaction.full_clean()
    interaction.save()
    row = message_for_client(
        client=client, kind=kinds.CHAT_REPLY, dedup_key=f"chat-reply:{interaction.pk}", template="chat_reply",
        context={"text": text, "manager": by}, related=interaction,
        prefer="telegram" if last and last.channel == "telegram" else None,
    )
    outbox_write([row])
    interaction.notification = client.notifications.filter(dedup_key=row.dedup_key).first()
    interaction.save(update_fields=["notification", "updated_at"])
    client.interactions.filter(direction=Interaction.Direction.INBOUND, answered_at__isnull=True).exclude(
        channel="").update(answered_at=now)
    _deliver_soon()
    return interaction


REQUESTS = ("renew", "freeze")


@transaction.atomic
def client_request(*, client: Client, what: str, channel: str, note: str = "") -> Task:
    """The client asks to renew or to freeze (a chat button, the personal page): a task due
    today for whoever answers them, with the request; once a day per kind of request."""
    from django.db import IntegrityError

    if what not in REQUESTS:
        raise ValidationError({"what": _("Unknown request.")})
    client = client_for_new_record(client)
    kind, title = {
        "renew": (Task.Kind.RENEWAL_CALL, _("The client asks to renew their membership")),
        "freeze": (Task.Kind.FOLLOW_UP, _("The client asks to freeze their membership")),
    }[what]
    today = timezone.localdate()
    key = f"client-request:{what}:{client.pk}:{today}"
    existing = Task.objects.filter(dedup_key=key).first()
    if existing:
        return existing
    task = Task(client=client, assigned_to=conversation_recipient(client), kind=kind, title=title,
                description=(note or "").strip()[:2000] or _("Asked through %(channel)s.") % {"channel": channel},
                due_date=today, dedup_key=key)
    task.full_clean(exclude=["dedup_key"])
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        return Task.objects.get(dedup_key=key)
    return task


def _deliver_soon():
    from ..tasks import deliver_outbox

    transaction.on_commit(deliver_outbox.delay)
