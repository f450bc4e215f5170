from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The ways the club can reach a client or a staff member."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    TELEGRAM = "telegram", _("Telegram")
