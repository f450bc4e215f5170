"""Signed links in messages: unsubscribe from a channel without logging in."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "clients.unsubscribe"


def unsubscribe_token(client_id: int, channel: str, purpose: str = "") -> str:
    """``purpose``: what the link stops on the channel, service or marketing messages; "" (the
    links sent before the two were told apart): both."""
    data = {"c": client_id, "ch": channel}
    if purpose:
        data["p"] = purpose
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(client_id: int, channel: str, purpose: str = "") -> str:
    return settings.SITE_URL + reverse("unsubscribe", args=[unsubscribe_token(client_id, channel, purpose)])


def read_unsubscribe_token(token: str) -> tuple[int, str, str]:
    """(client id, channel, purpose or "") from a token; raises signing.BadSignature when tampered."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or "c" not in data or "ch" not in data:
        raise signing.BadSignature("incomplete token")
    purpose = data.get("p", "")
    if purpose not in ("", "service", "marketing"):
        raise signing.BadSignature("unknown purpose")
    return int(data["c"]), str(data["ch"]), purpose


# --- Links a manager gives a client: the bot's start token and the personal page -------------
# A token is ``<id><signature>``: 16 random characters that name a ``ClientLink`` row, then 22
# characters of an HMAC of them (keyed by SECRET_KEY and the link's purpose). It fits Telegram's
# ``start`` parameter (at most 64 of A–Z a–z 0–9 _ -). The signature refuses a made-up token
# before the database is asked; the row makes it expiring, single-use (Telegram) and revocable.
TOKEN_ID_LENGTH = 16
SIGNATURE_LENGTH = 22


def _signature(token_id: str, purpose: str) -> str:
    import base64

    from django.utils.crypto import salted_hmac

    digest = salted_hmac(f"clients.link.{purpose}", token_id, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:SIGNATURE_LENGTH]


def new_link_token(purpose: str) -> tuple[str, str]:
    """(token id to store, token to hand out)."""
    import secrets

    token_id = secrets.token_urlsafe(12)[:TOKEN_ID_LENGTH]
    return token_id, token_id + _signature(token_id, purpose)


def link_token_id(token: str, purpose: str) -> str | None:
    """The token id when the token is well signed for this purpose, else None."""
    import hmac

    token = token or ""
    if len(token) != TOKEN_ID_LENGTH + SIGNATURE_LENGTH:
        return None
    token_id, signature = token[:TOKEN_ID_LENGTH], token[TOKEN_ID_LENGTH:]
    return token_id if hmac.compare_digest(signature, _signature(token_id, purpose)) else None
