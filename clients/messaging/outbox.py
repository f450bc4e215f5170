"""The outbox: producers write rows (exactly once, by dedup key); delivery sends them one by one.

Rows are written before anything is sent, and each row is marked as it is delivered, so a
worker killed mid-batch loses nothing: the next run delivers what is still queued. Failures
are retried with a growing delay up to OUTBOX_MAX_ATTEMPTS; then the next consented channel is
tried, or the row is marked failed with its error kept.
"""

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import Channel, Client, Notification
from .backends import backend_for
from .links import unsubscribe_url

logger = logging.getLogger(__name__)


def channel_for(client: Client, exclude=()) -> str | None:
    """The client's preferred channel if they consented to it, else the next consented one in
    MESSAGE_CHANNEL_ORDER; None without any consent."""
    order = [client.preferred_channel] + [
        c for c in settings.MESSAGE_CHANNEL_ORDER if c != client.preferred_channel
    ]
    for channel in order:
        if channel not in exclude and client.consents_to(channel):
            return channel
    return None


def address_for(notification: Notification, channel: str) -> str:
    person = notification.client or notification.user
    if channel == Channel.EMAIL:
        return person.email or ""
    if channel == Channel.SMS:
        return str(getattr(person, "phone", "") or "")
    if channel == Channel.TELEGRAM:
        return getattr(person, "telegram_chat_id", "") or ""
    return ""


def render_message(template: str, context: dict, language: str, html: bool = True) -> tuple[str, str, str]:
    """(subject, text, html) from templates/messages/<template>.{subject,txt,html} in the
    recipient's language (the HTML part only for e-mail)."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"messages/{template}.subject", context).split())
        text = render_to_string(f"messages/{template}.txt", context).strip()
        body_html = render_to_string(f"messages/{template}.html", context) if html else ""
    return subject, text, body_html


def message_for_client(
    *, client: Client, kind: str, dedup_key: str, template: str, context: dict, related=None
) -> Notification:
    """An unsaved outbox row for a client, in their language, on their channel; a client who
    consented to no channel gets a row marked skipped, with the reason."""
    channel = channel_for(client)
    language = client.language or settings.LANGUAGE_CODE
    context = {
        **context,
        "client": client,
        "club_name": settings.CLUB_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(client.pk, channel) if channel else "",
    }
    subject, text, html = render_message(
        template, context, language, html=(channel or client.preferred_channel) == Channel.EMAIL
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
        row.reason = "no marketing consent for any channel"
    return row


def message_for_user(*, user, kind: str, dedup_key: str, template: str, context: dict, related=None) -> Notification:
    """An unsaved outbox row for a staff user, by e-mail, in the language they chose; ``related``
    is the row it is about (a relayed complaint), so that erasing a client finds it."""
    from ..languages import user_language

    language = user_language(user)
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
    """A message known by its dedup key, built (rendered) only if the outbox lacks it."""

    __slots__ = ("dedup_key", "build")

    def __init__(self, dedup_key: str, build):
        self.dedup_key = dedup_key
        self.build = build


def existing_keys(model, keys: list[str], chunk: int = 5000) -> set[str]:
    """Which of these dedup keys are already stored (in chunks: SQLite limits parameters)."""
    found = set()
    for start in range(0, len(keys), chunk):
        found.update(
            model.objects.filter(dedup_key__in=keys[start : start + chunk]).values_list("dedup_key", flat=True)
        )
    return found


def outbox_write(rows: list, *, dry_run: bool = False) -> int:
    """Write rows (Notification or Pending) whose dedup key is new; returns how many were new.

    Keys are checked first so that nothing already queued is rendered again; the unique dedup
    key still decides (INSERT … ON CONFLICT DO NOTHING), so two sweeps running at the same
    moment write each message once.
    """
    if not rows:
        return 0
    existing = existing_keys(Notification, [row.dedup_key for row in rows])
    new = [row for row in rows if row.dedup_key not in existing]
    if not dry_run and new:
        built = [row.build() if isinstance(row, Pending) else row for row in new]
        Notification.objects.bulk_create(built, ignore_conflicts=True, batch_size=500)
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


def _locked(notification_id: int):
    queryset = Notification.objects.select_related("client", "user")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    elif connection.features.has_select_for_update:
        queryset = queryset.select_for_update()
    return queryset.filter(pk=notification_id, status=Notification.Status.QUEUED).first()


def notification_deliver(notification_id: int, now: datetime.datetime | None = None) -> str:
    """Deliver one queued row; returns what happened: sent, held, retry, failed, skipped, busy.

    The row stays locked while it is sent, so two workers never send it twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(notification_id)
        if row is None:
            return "busy"
        if row.client_id and in_quiet_hours(now):
            row.not_before = quiet_hours_end(now)
            row.save(update_fields=["not_before"])
            return "held"
        if row.client_id and not row.client.consents_to(row.channel):
            fallback = channel_for(row.client, exclude=_tried(row))
            if fallback is None:
                row.status = Notification.Status.SKIPPED
                row.reason = f"no consent for {row.channel} any more"
                row.save(update_fields=["status", "reason"])
                return "skipped"
            row.channel = fallback
        address = address_for(row, row.channel)
        try:
            if not address:
                raise ValueError(f"no {row.channel} address")
            headers = {"Content-Language": row.language}
            if row.client_id and row.channel == Channel.EMAIL:
                link = unsubscribe_url(row.client_id, row.channel)
                headers["List-Unsubscribe"] = f"<{link}>"
                headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            backend_for(row.channel).send(
                to=address, subject=row.subject, text=row.body, html=row.body_html, headers=headers
            )
        except Exception as error:  # noqa: BLE001 - any failure of a channel is recorded
            return _record_failure(row, error, now)
        row.status = Notification.Status.SENT
        row.sent_at = now
        row.to_address = address
        row.attempts += 1
        row.reason = ""
        row.save(update_fields=["status", "sent_at", "to_address", "attempts", "reason", "channel"])
        return "sent"


def _tried(row: Notification) -> set[str]:
    return {c for c in row.channels_tried.split(",") if c} | {row.channel}


def _record_failure(row: Notification, error: Exception, now) -> str:
    row.attempts += 1
    row.reason = f"{row.channel}: {error}"[:2000]
    logger.warning("Message %s via %s failed (attempt %s): %s", row.pk, row.channel, row.attempts, error)
    if row.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        row.not_before = now + datetime.timedelta(
            seconds=settings.OUTBOX_RETRY_SECONDS * 2 ** (row.attempts - 1)
        )
        outcome = "retry"
    else:
        fallback = channel_for(row.client, exclude=_tried(row)) if row.client_id else None
        if fallback:
            row.channels_tried = ",".join(sorted(_tried(row)))
            row.channel = fallback
            row.attempts = 0
            row.not_before = None
            row.body_html = row.body_html if fallback == Channel.EMAIL else ""
            outcome = "retry"
        else:
            row.status = Notification.Status.FAILED
            outcome = "failed"
    row.save(update_fields=["attempts", "reason", "not_before", "status", "channel", "channels_tried", "body_html"])
    return outcome


def outbox_deliver(ids: list[int], now: datetime.datetime | None = None) -> Counter:
    """Deliver the given rows one by one; one failure never stops the rest."""
    outcomes = Counter()
    for notification_id in ids:
        outcomes[notification_deliver(notification_id, now)] += 1
    return outcomes
