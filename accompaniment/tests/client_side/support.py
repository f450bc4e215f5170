"""Helpers of the client's-side tests: webhook posts as Telegram makes them."""

import itertools
import time

from django.urls import reverse

from clients.services import telegram_link_issue

_update_ids = itertools.count(int(time.time()) % 100000 * 1000)


def next_update_id() -> int:
    return next(_update_ids)


def message_update(chat_id, text="", update_id=None, **extra) -> dict:
    return {
        "update_id": update_id if update_id is not None else next_update_id(),
        "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Olena", "language_code": "en"},
                    **({"text": text} if text else {}), **extra},
    }


def button_update(chat_id, data: str, update_id=None) -> dict:
    return {
        "update_id": update_id if update_id is not None else next_update_id(),
        "callback_query": {"id": f"cb{next_update_id()}", "data": data,
                           "from": {"id": chat_id, "is_bot": False, "first_name": "Olena"},
                           "message": {"message_id": 5, "chat": {"id": chat_id, "type": "private"}}},
    }


def post_update(browser, payload: dict, secret="s3cret-for-tests"):
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
    return browser.post(reverse("telegram-webhook"), data=payload, content_type="application/json", **headers)


def linked(client, chat_id, browser, capture) -> None:
    """Tie ``chat_id`` to the client as a person does: a start link from the card, /start in the chat."""
    _link, token = telegram_link_issue(client=client, by=client.assigned_manager)
    with capture(execute=True):
        post_update(browser, message_update(chat_id, f"/start {token}"))
    client.refresh_from_db()
    assert client.telegram_chat_id == str(chat_id)
