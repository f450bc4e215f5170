from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The ways the club can reach a client or a staff member."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    TELEGRAM = "telegram", _("Telegram")

    @property
    def consent_field(self) -> str:
        """The client's field that records their consent to messages by this channel."""
        return CHANNEL_FIELDS[self][0]

    @property
    def address_field(self) -> str:
        """The client's field that holds their address on this channel (a staff user: e-mail)."""
        return CHANNEL_FIELDS[self][1]


# Each channel's consent and address fields on the client, named once.
CHANNEL_FIELDS = {
    Channel.EMAIL: ("consent_email", "email"),
    Channel.SMS: ("consent_sms", "phone"),
    Channel.TELEGRAM: ("consent_telegram", "telegram_chat_id"),
}
