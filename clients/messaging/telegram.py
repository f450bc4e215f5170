"""Telegram's Bot API over plain HTTP (``TELEGRAM_API_URL``/bot``TELEGRAM_BOT_TOKEN``/method).

Plain HTTP rather than python-telegram-bot: the product needs six methods (sendMessage,
answerCallbackQuery, setWebhook, deleteWebhook, getWebhookInfo, getUpdates), each one JSON
POST; the library would bring an asyncio application, its own update dispatcher and its own
persistence, none of which fits a Django view that stores the update and hands it to Celery.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings

from .backends import DeliveryError, Unreachable


def bot_call(method: str, payload: dict | None = None, timeout: float = 15) -> object:
    """Call a Bot API method; its ``result``. Raises ``Unreachable`` on 403 (the user blocked
    the bot, or the chat is gone), ``DeliveryError`` on any other refusal."""
    if not settings.TELEGRAM_BOT_TOKEN:
        raise DeliveryError("TELEGRAM_BOT_TOKEN is not set")
    url = f"{settings.TELEGRAM_API_URL.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"
    request = urllib.request.Request(
        url, data=json.dumps(payload or {}).encode(), headers={"Content-Type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            body = response.read().decode() or "{}"
    except urllib.error.HTTPError as error:
        detail = _description(error.read().decode(errors="replace")) or error.reason
        if error.code == 403:
            raise Unreachable(f"HTTP 403: {detail}") from error
        raise DeliveryError(f"HTTP {error.code}: {detail}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryError(f"Telegram not reached: {error}") from error
    try:
        answer = json.loads(body)
    except ValueError:
        raise DeliveryError("Telegram answered something that is not JSON") from None
    if not answer.get("ok"):
        raise DeliveryError(answer.get("description") or "Telegram did not accept the call")
    return answer.get("result")


def _description(body: str) -> str:
    try:
        return str(json.loads(body).get("description", ""))[:200]
    except (ValueError, AttributeError):
        return body[:200]


def send_text(chat_id, text: str, buttons: list[list[tuple[str, str]]] | None = None) -> object:
    """A message to a chat, with inline buttons given as rows of (label, callback data)."""
    payload = {"chat_id": chat_id, "text": text}
    if buttons:
        payload["reply_markup"] = {
            "inline_keyboard": [[{"text": label, "callback_data": data} for label, data in row] for row in buttons]
        }
    return bot_call("sendMessage", payload)


def answer_callback(callback_id: str, text: str = "") -> object:
    """Stop the pressed button's spinner (with a short toast when ``text``)."""
    return bot_call("answerCallbackQuery", {"callback_query_id": callback_id, "text": text[:200]})


def start_url(token: str) -> str:
    """The link that opens the club's bot with a start token (``t.me/<bot>?start=<token>``)."""
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"
