from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The ways the club can reach a client or a staff member."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    TELEGRAM = "telegram", _("Telegram")

    @property
    def consent_field(self) -> str:
        """The client's field that records their consent to *marketing* by this channel."""
        return CHANNEL_FIELDS[self][0]

    @property
    def address_field(self) -> str:
        """The client's field that holds their address on this channel (a staff user: e-mail)."""
        return CHANNEL_FIELDS[self][1]

    @property
    def service_field(self) -> str:
        """The client's field that says they take *service* messages by this channel (on unless
        they opted out)."""
        return CHANNEL_FIELDS[self][2]


# Each channel's marketing consent, address and service fields on the client, named once.
CHANNEL_FIELDS = {
    Channel.EMAIL: ("consent_email", "email", "service_email"),
    Channel.SMS: ("consent_sms", "phone", "service_sms"),
    Channel.TELEGRAM: ("consent_telegram", "telegram_chat_id", "service_telegram"),
}


class Purpose(models.TextChoices):
    """Why the club writes: about what the client bought (service), or to sell (marketing).

    Service messages (membership expiry, session reminders, a resolved complaint, the manager's
    answer) go by the preferred reachable channel unless the client opted out of it; marketing
    (promotions, birthday offers) needs the client's marketing consent for the channel."""

    SERVICE = "service", _("Service")
    MARKETING = "marketing", _("Marketing")
