"""Channel backends in the style of Django's e-mail backends.

Each backend has ``send(*, to, subject, text, html="", headers=None, idempotency_key="")`` and
raises an exception when the message could not be handed over; the outbox records it and
retries. ``idempotency_key`` is the same on every attempt at one message (and differs between
messages), so that the far end can recognise a message sent again: e-mails carry it in their
Message-ID header (set by the outbox), the SMS gateway receives it as ``client_id``; Telegram's
Bot API has no such field.
"""

import json
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The channel answered, but refused the message."""


class Unreachable(DeliveryError):
    """The channel says this recipient cannot be reached there at all (Telegram's 403: the
    client blocked the bot); the outbox marks the channel unreachable and falls back."""


class EmailBackend:
    """E-mail through Django's configured EMAIL_BACKEND (SMTP in production, files by default)."""

    def send(self, *, to, subject, text, html="", headers=None, idempotency_key=""):
        message = EmailMultiAlternatives(
            subject=subject, body=text, to=[to], headers=headers or {},
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        if html:
            message.attach_alternative(html, "text/html")
        message.send(fail_silently=False)


class _FileBackend:
    """Appends one JSON line per message to a file under MESSAGES_FILE_PATH (development)."""

    filename = "messages.jsonl"

    def send(self, *, to, subject, text, html="", headers=None, idempotency_key=""):
        directory = Path(settings.MESSAGES_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        line = {"to": to, "text": text, "id": idempotency_key, "at": timezone.now().isoformat()}
        with open(directory / self.filename, "a", encoding="utf-8") as file:
            file.write(json.dumps(line, ensure_ascii=False) + "\n")


class FileSmsBackend(_FileBackend):
    filename = "sms.jsonl"


class FileTelegramBackend(_FileBackend):
    filename = "telegram.jsonl"


def _post_json(url: str, payload: dict, headers: dict | None = None, timeout: float = 15) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            body = response.read().decode() or "{}"
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:200]
        raise DeliveryError(f"HTTP {error.code}: {detail}") from error
    try:
        return json.loads(body)
    except ValueError:
        return {}


class HttpSmsBackend:
    """An SMS gateway reached over HTTP: POST {to, text, sender, client_id} with a bearer token
    (``client_id``: the message's idempotency key, the same when it is sent again)."""

    def send(self, *, to, subject, text, html="", headers=None, idempotency_key=""):
        if not settings.SMS_GATEWAY_URL:
            raise DeliveryError("SMS_GATEWAY_URL is not set")
        _post_json(
            settings.SMS_GATEWAY_URL,
            {"to": to, "text": text, "sender": settings.SMS_SENDER, "client_id": idempotency_key},
            {"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
        )


class TelegramBotBackend:
    """Telegram's Bot API: sendMessage to the client's chat (it takes no idempotency key)."""

    def send(self, *, to, subject, text, html="", headers=None, idempotency_key=""):
        from .telegram import bot_call

        bot_call("sendMessage", {"chat_id": to, "text": f"{subject}\n\n{text}" if subject else text})


def backend_for(channel: str):
    if channel == "email":
        return EmailBackend()
    if channel == "sms":
        return import_string(settings.SMS_BACKEND)()
    if channel == "telegram":
        return import_string(settings.TELEGRAM_BACKEND)()
    raise ValueError(f"unknown channel {channel!r}")
