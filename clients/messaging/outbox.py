"""The outbox: producers write rows (exactly once, by dedup key); delivery sends them one by one.

Rows are written before anything is sent, and each row is marked as it is delivered, so a
worker killed mid-batch loses nothing: the next run delivers what is still queued. Delivery is
at most once: a row is marked *sending* (committed) before it is handed to the channel and
*sent* after, so a worker killed in between leaves it *sending*, never sent again by itself;
after OUTBOX_SENDING_LEASE_SECONDS the sweep marks it *unconfirmed* for a person to check (the
admin's retry action sends it again, with the same Message-ID). Failures are retried with a
growing delay up to OUTBOX_MAX_ATTEMPTS; then the next consented channel is tried, or the row
is marked failed with its error kept.

    queued ──claim──▶ sending ──handed over──▶ sent
      ▲                 │ ├──refused, attempts left──▶ queued (retry, later or by the next channel)
      │                 │ └──refused, none left──────▶ failed
      │                 └──worker gone, lease over──▶ unconfirmed
      └──────── a person's retry (failed, skipped, unconfirmed) ─────────┘
"""

import datetime
import functools
import json
import logging
import os
import socket
import types
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from ..models import Channel, Client, Notification
from . import kinds
from .backends import Unreachable, backend_for
from .links import unsubscribe_url

logger = logging.getLogger(__name__)


def channel_for(client: Client, exclude=(), *, purpose: str = kinds.SERVICE, prefer: str | None = None) -> str | None:
    """The channel to write to the client by, for this purpose (``kinds.purpose_of``): ``prefer``
    (the channel they wrote from) or their preferred one, then the others in
    MESSAGE_CHANNEL_ORDER — the first they are reachable on and may be written to by (service:
    not opted out; marketing: consented). None when there is none."""
    first = [c for c in (prefer, client.preferred_channel) if c]
    order = list(dict.fromkeys(first + list(settings.MESSAGE_CHANNEL_ORDER)))
    for channel in order:
        if channel not in exclude and client.consents_to(channel, purpose):
            return channel
    return None


def no_channel_reason(client: Client, purpose: str) -> str:
    """Why ``channel_for`` found nothing, channel by channel (stored on the skipped row)."""
    reasons = [client.refusal_reason(c, purpose) for c in Channel.values]
    return f"no channel for a {purpose} message: " + "; ".join(r for r in reasons if r)


def address_for(notification: Notification, channel: str) -> str:
    """The recipient's address on the channel ("" when they have none there)."""
    if channel not in Channel.values:
        return ""
    person = notification.client or notification.user
    return str(getattr(person, Channel(channel).address_field, "") or "")


def render_message(template: str, context: dict, language: str, html: bool = True) -> tuple[str, str, str]:
    """(subject, text, html) from templates/messages/<template>.{subject,txt,html} in the
    recipient's language (the HTML part only for e-mail)."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"messages/{template}.subject", context).split())
        text = render_to_string(f"messages/{template}.txt", context).strip()
        body_html = render_to_string(f"messages/{template}.html", context) if html else ""
    return subject, text, body_html


class Personal:
    """What a stencil (``render_stencil``) holds in place of one recipient's value."""

    def __init__(self, name: str):
        self.mark = f"@@personal:{name}@@"

    def __str__(self):
        return self.mark


class Shared(types.SimpleNamespace):
    """An object a stencil's templates read fields of (``{{ membership.plan.name }}``), the same
    for every recipient of the stencil: hashable, so that it keys the stencils' cache."""

    def __hash__(self):
        return hash(tuple(sorted(vars(self).items())))


def _put_mark(context: dict, name: str) -> None:
    """Put ``name``'s mark where the templates read it: ``card`` or ``membership.card_number``
    (into a copy of the shared object, so the cached context is never changed)."""
    head, *path = name.split(".")
    if not path:
        context[head] = str(Personal(name))
        return
    holder = context[head] = types.SimpleNamespace(**vars(context.get(head) or types.SimpleNamespace()))
    for step in path[:-1]:
        inner = types.SimpleNamespace(**vars(getattr(holder, step, None) or types.SimpleNamespace()))
        setattr(holder, step, inner)
        holder = inner
    setattr(holder, path[-1], str(Personal(name)))


@functools.lru_cache(maxsize=256)
def _stencil(template: str, language: str, html: bool, shared: tuple, personal: tuple):
    context = dict(shared)
    for name in personal:
        _put_mark(context, name)
    return render_message(template, context, language, html=html)


def render_stencil(template: str, context: dict, language: str, html: bool, *,
                   personal: dict[str, str]) -> tuple[str, str, str]:
    """``render_message`` for a message sent to many: the templates are rendered once per
    template, language and shared values (``context``, hashable: ``Shared`` objects for what
    the templates read fields of; cached), with marks where the ``personal`` values go (strings,
    by the name the templates read them by: ``survey_url``, ``client.first_name``); each
    recipient's values are then put in (escaped in the HTML part) and the subject's and the
    text's spaces tidied as ``render_message`` tidies them. Only for templates that read those
    values as they are (no filter, no condition on them) and nothing else of the recipient."""
    shared = tuple(sorted((key, value) for key, value in context.items() if key not in personal))
    subject, text, body_html = _stencil(template, language, html, shared, tuple(sorted(personal)))
    marks = [(str(Personal(name)), value) for name, value in personal.items()]
    for mark, value in marks:
        subject, text = subject.replace(mark, value), text.replace(mark, value)
        body_html = body_html.replace(mark, escape(value))
    return " ".join(subject.split()), text.strip(), body_html


def message_for_client(
    *, client: Client, kind: str, dedup_key: str, template: str, context: dict, related=None,
    prefer: str | None = None, personal: dict[str, str] | None = None, client_fields: tuple[str, ...] = (),
) -> Notification:
    """An unsaved outbox row for a client, in their language, on their channel (``prefer``
    first when given); a client who may be written to by no channel for the kind's purpose
    gets a row marked skipped, with the reason. With ``personal`` (the recipient's own values,
    strings, by name) the templates are rendered as a stencil (``render_stencil``) once for all
    the recipients who share a language and the other values (``context``, hashable), the
    client's ``client_fields`` put in as their own values too."""
    purpose = kinds.purpose_of(kind)
    channel = channel_for(client, purpose=purpose, prefer=prefer)
    language = client.language or settings.LANGUAGE_CODE
    html = (channel or client.preferred_channel) == Channel.EMAIL
    shared = {**context, "club_name": settings.CLUB_NAME, "site_url": settings.SITE_URL}
    unsubscribe = unsubscribe_url(client.pk, channel, purpose) if channel else ""
    if personal is not None:
        own = {**personal, **{f"client.{field}": str(getattr(client, field)) for field in client_fields}}
        if unsubscribe:
            own["unsubscribe_url"] = unsubscribe
        else:  # read by a condition: the same for every recipient without one
            shared["unsubscribe_url"] = ""
        subject, text, html = render_stencil(template, shared, language, html, personal=own)
    else:
        subject, text, html = render_message(
            template, {**shared, "client": client, "unsubscribe_url": unsubscribe}, language, html=html,
        )
    row = Notification(
        client=client,
        kind=kind,
        channel=channel or client.preferred_channel,
        language=language,
        subject=subject,
        body=text,
        body_html=html,
        dedup_key=dedup_key,
    )
    if related is not None:
        row.related_object = related
    if channel is None:
        row.status = Notification.Status.SKIPPED
        row.reason = no_channel_reason(client, purpose)
    return row


def message_for_user(*, user, kind: str, dedup_key: str, template: str, context: dict, related=None,
                     language: str | None = None) -> Notification:
    """An unsaved outbox row for a staff user, by e-mail, in the language they chose (``language``
    when the caller read it already: no query); ``related`` is the row it is about (a relayed
    complaint), so that erasing a client finds it."""
    from ..languages import user_language

    language = language or user_language(user)
    subject, text, html = render_message(template, {**context, "user": user,
                                                    "club_name": settings.CLUB_NAME,
                                                    "site_url": settings.SITE_URL}, language)
    row = Notification(
        user=user, kind=kind, channel=Channel.EMAIL, language=language, subject=subject,
        body=text, body_html=html, dedup_key=dedup_key,
    )
    if related is not None:
        row.related_object = related
    if not user.email:
        row.status = Notification.Status.SKIPPED
        row.reason = "the user has no e-mail address"
    return row


class Pending:
    """A message known by its dedup key, built (rendered) only if the outbox lacks it.
    ``prepare``, shared by a producer's rows, is called once with those of them the outbox lacks
    before any is built (e.g. to issue their links in one statement)."""

    __slots__ = ("dedup_key", "build", "prepare")

    def __init__(self, dedup_key: str, build, prepare=None):
        self.dedup_key = dedup_key
        self.build = build
        self.prepare = prepare


def existing_keys(model, keys: list[str]) -> set[str]:
    """Which of these dedup keys are already stored, in one statement whatever their number: the
    keys travel as one parameter (an array on PostgreSQL, a JSON list read by ``json_each`` on
    SQLite), so SQLite's limit on parameters never splits the check."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        sql, param = f"SELECT dedup_key FROM {table} WHERE dedup_key = ANY(%s)", list(keys)
    else:
        sql, param = f"SELECT dedup_key FROM {table} WHERE dedup_key IN (SELECT value FROM json_each(%s))", json.dumps(keys)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return {row[0] for row in cursor.fetchall()}


def bulk_insert_new(model, rows: list) -> None:
    """Insert rows, skipping those whose unique dedup key is taken: one statement on PostgreSQL
    whatever their number (SQLite's parameter limit splits it into batches)."""
    model.objects.bulk_create(rows, ignore_conflicts=True)


def outbox_write(rows: list, *, dry_run: bool = False) -> int:
    """Write rows (Notification or Pending) whose dedup key is new; returns how many were new.

    Keys are checked first so that nothing already queued is rendered again; the unique dedup
    key still decides (INSERT … ON CONFLICT DO NOTHING), so two sweeps running at the same
    moment write each message once. A kind no app registered is refused (ValueError): rows
    are written without ``full_clean()``, so this is where an unregistered kind is caught.
    """
    existing = existing_keys(Notification, [row.dedup_key for row in rows])
    new = [row for row in rows if row.dedup_key not in existing]
    if not dry_run and new:
        pending = [row for row in new if isinstance(row, Pending) and row.prepare is not None]
        for prepare in dict.fromkeys(row.prepare for row in pending):
            prepare([row for row in pending if row.prepare == prepare])
        built = [row.build() if isinstance(row, Pending) else row for row in new]
        unknown = {row.kind for row in built} - set(kinds.MESSAGE_KINDS)
        if unknown:
            raise ValueError(f"message kinds no app registered: {', '.join(sorted(unknown))}")
        bulk_insert_new(Notification, built)
    return len(new)


def in_quiet_hours(moment: datetime.datetime) -> bool:
    hour = timezone.localtime(moment).hour
    start, end = settings.QUIET_HOURS_START, settings.QUIET_HOURS_END
    if start == end:
        return False
    return hour >= start or hour < end if start > end else start <= hour < end


def quiet_hours_end(moment: datetime.datetime) -> datetime.datetime:
    """The first moment after ``moment`` when clients may be messaged again."""
    local = timezone.localtime(moment)
    morning = local.replace(hour=settings.QUIET_HOURS_END, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning = timezone.make_aware(
            datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(settings.QUIET_HOURS_END))
        )
    return morning


def due_ids(now: datetime.datetime, limit: int | None = None) -> list[int]:
    queryset = (
        Notification.objects.filter(status=Notification.Status.QUEUED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .order_by("id")
        .values_list("id", flat=True)
    )
    return list(queryset[:limit] if limit else queryset)


def worker_name() -> str:
    """This process, as the admin site shows who was handing a message over."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _locked(notification_id: int):
    """The queued row, locked; None when another worker holds it or it is not queued.

    PostgreSQL skips a row another worker has locked (SELECT … FOR UPDATE SKIP LOCKED). SQLite
    has no row locks: there the claim's conditional UPDATE (queued → sending) decides, and
    only one worker's UPDATE finds the row still queued.
    """
    queryset = Notification.objects.select_related("client", "user")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    elif connection.features.has_select_for_update:
        queryset = queryset.select_for_update()
    return queryset.filter(pk=notification_id, status=Notification.Status.QUEUED).first()


def _claim(notification_id: int, now: datetime.datetime) -> Notification | str:
    """Check the row and mark it *sending* (committed before anything is handed over); the
    claimed row, or what happened instead: held, skipped, retry, failed or busy."""
    with transaction.atomic():
        row = _locked(notification_id)
        if row is None:
            return "busy"
        if row.client_id and in_quiet_hours(now):
            row.not_before = quiet_hours_end(now)
            row.save(update_fields=["not_before"])
            return "held"
        purpose = kinds.purpose_of(row.kind)
        if row.client_id and not row.client.consents_to(row.channel, purpose):
            fallback = channel_for(row.client, exclude=_tried(row), purpose=purpose)
            if fallback is None:
                row.status = Notification.Status.SKIPPED
                row.reason = f"{row.client.refusal_reason(row.channel, purpose)} any more; " + no_channel_reason(
                    row.client, purpose)
                row.save(update_fields=["status", "reason"])
                return "skipped"
            row.channel = fallback
        address = address_for(row, row.channel)
        if not address:
            return _record_failure(row, ValueError(f"no {row.channel} address"), now)
        row.status, row.sending_since, row.sending_by = Notification.Status.SENDING, now, worker_name()
        row.to_address = address
        claimed = Notification.objects.filter(pk=row.pk, status=Notification.Status.QUEUED).update(
            status=row.status, sending_since=now, sending_by=row.sending_by, channel=row.channel,
            to_address=address,
        )
        return row if claimed else "busy"


def _headers(row: Notification) -> dict[str, str]:
    headers = {"Content-Language": row.language}
    if row.channel == Channel.EMAIL:
        headers["Message-ID"] = row.message_id
        if row.client_id:
            link = unsubscribe_url(row.client_id, row.channel, kinds.purpose_of(row.kind))
            headers["List-Unsubscribe"] = f"<{link}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def notification_deliver(notification_id: int, now: datetime.datetime | None = None) -> str:
    """Deliver one queued row; returns what happened: sent, held, retry, failed, skipped, busy.

    At most once: the row is marked *sending* and committed before it is handed to the channel,
    and marked sent (or queued for a retry, or failed) after. A worker that dies in between
    leaves it *sending*; no run picks it up again (the lease sweep later marks it unconfirmed
    for a person to check). Two workers never hand over one row: only one claims it.
    """
    now = now or timezone.now()
    row = _claim(notification_id, now)
    if isinstance(row, str):
        return row
    claimed_at = row.sending_since
    try:
        backend_for(row.channel).send(
            to=row.to_address, subject=row.subject, text=row.body, html=row.body_html,
            headers=_headers(row), idempotency_key=row.idempotency_key,
        )
    except Unreachable as error:  # the client blocked the bot: no retry, the next channel now
        if row.client_id and row.channel == Channel.TELEGRAM:
            Client.objects.filter(pk=row.client_id).update(telegram_unreachable_at=now)
            row.client.telegram_unreachable_at = now
        row.attempts = max(row.attempts, settings.OUTBOX_MAX_ATTEMPTS - 1)
        outcome = _record_failure(row, error, now, claimed_at=claimed_at)
    except Exception as error:  # noqa: BLE001 - any failure of a channel is recorded
        outcome = _record_failure(row, error, now, claimed_at=claimed_at)
    else:
        row.status = Notification.Status.SENT
        row.sent_at = now
        row.attempts += 1
        row.reason = ""
        _store(row, ["status", "sent_at", "attempts", "reason"], claimed_at)
        outcome = "sent"
    return outcome


def _store(row: Notification, fields: list[str], claimed_at: datetime.datetime | None) -> None:
    """Save the fields of a row this worker claimed (still sending, or marked unconfirmed by
    the lease sweep meanwhile: what we learnt is the truth). A row a person has since put back
    in the queue stays as they left it."""
    if claimed_at is None:  # not claimed: still locked by the claim's transaction
        row.save(update_fields=fields)
        return
    stored = Notification.objects.filter(
        pk=row.pk,
        status__in=(Notification.Status.SENDING, Notification.Status.UNCONFIRMED),
        sending_since=claimed_at,
    ).update(**{name: getattr(row, name) for name in fields})
    if not stored:
        logger.warning("Message %s changed while it was being sent; its outcome is not recorded", row.pk)


def _tried(row: Notification) -> set[str]:
    return {c for c in row.channels_tried.split(",") if c} | {row.channel}


def _record_failure(row: Notification, error: Exception, now, claimed_at=None) -> str:
    row.attempts += 1
    row.reason = f"{row.channel}: {error}"[:2000]
    logger.warning("Message %s via %s failed (attempt %s): %s", row.pk, row.channel, row.attempts, error)
    if row.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        row.status = Notification.Status.QUEUED
        row.not_before = now + datetime.timedelta(
            seconds=settings.OUTBOX_RETRY_SECONDS * 2 ** (row.attempts - 1)
        )
        outcome = "retry"
    else:
        fallback = (channel_for(row.client, exclude=_tried(row), purpose=kinds.purpose_of(row.kind))
                    if row.client_id else None)
        if fallback:
            row.channels_tried = ",".join(sorted(_tried(row)))
            row.channel = fallback
            row.status = Notification.Status.QUEUED
            row.attempts = 0
            row.not_before = None
            row.body_html = row.body_html if fallback == Channel.EMAIL else ""
            outcome = "retry"
        else:
            row.status = Notification.Status.FAILED
            outcome = "failed"
    _store(row, ["attempts", "reason", "not_before", "status", "channel", "channels_tried", "body_html"], claimed_at)
    return outcome


# What a person reads on a row a worker stopped handing over (in the club's language).
UNCONFIRMED_REASON = _(
    "The worker stopped while handing this message over: it may have been delivered; "
    "check before sending again."
)


def outbox_sweep_unconfirmed(now: datetime.datetime | None = None) -> int:
    """Rows left *sending* longer than OUTBOX_SENDING_LEASE_SECONDS (their worker died between
    the hand-off and marking them sent) become *unconfirmed*, with the reason; never re-sent
    by themselves. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(UNCONFIRMED_REASON)
    stale = Notification.objects.filter(status=Notification.Status.SENDING, sending_since__lt=cutoff)
    count = stale.update(status=Notification.Status.UNCONFIRMED, reason=reason)
    if count:
        logger.warning("%s message(s) left being sent by a stopped worker are now unconfirmed", count)
    return count


def outbox_deliver(ids: list[int], now: datetime.datetime | None = None) -> Counter:
    """Deliver the given rows one by one; one failure never stops the rest."""
    outcomes = Counter()
    for notification_id in ids:
        outcomes[notification_deliver(notification_id, now)] += 1
    return outcomes


def outbox_deliver_due(now: datetime.datetime | None = None) -> Counter:
    """One run of the sender without a worker: rows a stopped worker left *sending* past the
    lease become *unconfirmed*, then every due row is delivered. Outcomes by name."""
    outcomes = Counter()
    swept = outbox_sweep_unconfirmed(now)
    if swept:
        outcomes["unconfirmed"] = swept
    outcomes.update(outbox_deliver(due_ids(now or timezone.now()), now))
    return outcomes


def delivery_summary(outcomes: Counter) -> str:
    """``Delivery: sent 3, unconfirmed 1`` for the commands' output."""
    return "Delivery: " + (", ".join(f"{what} {count}" for what, count in sorted(outcomes.items())) or "nothing due")
