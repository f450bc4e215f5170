"""Signed links in messages: unsubscribe from a channel without logging in."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "clients.unsubscribe"


def unsubscribe_token(client_id: int, channel: str) -> str:
    return signing.dumps({"c": client_id, "ch": channel}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(client_id: int, channel: str) -> str:
    return settings.SITE_URL + reverse("unsubscribe", args=[unsubscribe_token(client_id, channel)])


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(client id, channel) from a token; raises signing.BadSignature when tampered."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or "c" not in data or "ch" not in data:
        raise signing.BadSignature("incomplete token")
    return int(data["c"]), str(data["ch"])
