import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..messaging import kinds
from .base import Channel
from .client import Client


def sender_domain() -> str:
    """The domain of DEFAULT_FROM_EMAIL (``club@crm.example`` → ``crm.example``)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


class Notification(models.Model):
    """The outbox: one row per message to a client or a staff user.

    Producers only write rows (the unique dedup key makes a second write of the same message
    fail instead of sending it twice); one sender task delivers queued rows.
    """

    class Status(models.TextChoices):
        """queued → sending (committed before the hand-off to the channel) → sent; a failed
        hand-off goes back to queued (a retry) or ends failed; a row a dead worker left sending
        becomes unconfirmed after the lease, and is never sent again without a person."""

        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=kinds.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=5, default="uk")
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("related object type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    object_id = models.PositiveBigIntegerField(_("related object id"), null=True, blank=True)
    related_object = GenericForeignKey("content_type", "object_id")
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.TextField(_("reason skipped or last error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    channels_tried = models.CharField(
        _("channels tried before"), max_length=50, blank=True,
        help_text=_("Channels that failed for good before the current one."),
    )
    not_before = models.DateTimeField(
        _("not before"), null=True, blank=True, help_text=_("Held until then (quiet hours).")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sending_since = models.DateTimeField(
        _("handed over at"), null=True, blank=True,
        help_text=_("When a worker started handing the message to the channel."),
    )
    sending_by = models.CharField(
        _("handed over by"), max_length=100, blank=True,
        help_text=_("The worker (host and process) that handed the message to the channel."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["status", "not_before"], name="notification_delivery_idx"),
            models.Index(fields=["client", "created_at"], name="notification_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, user__isnull=True)
                | Q(client__isnull=True, user__isnull=False),
                name="notification_one_recipient",
                violation_error_message=_("A message goes either to a client or to a staff user."),
            ),
            models.CheckConstraint(
                condition=~Q(dedup_key=""),
                name="notification_dedup_key_required",
                violation_error_message=_("A message needs a deduplication key."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["sending", "unconfirmed"]) | Q(sending_since__isnull=False),
                name="notification_sending_has_time",
                violation_error_message=_("A message being sent needs the time its hand-off began."),
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
                violation_error_message=_("A sent message needs the time it was sent."),
            ),
        ]

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt at this message and different for every other message
        (derived from the dedup key): the e-mail's Message-ID, the SMS gateway's client id."""
        return hashlib.sha256(self.dedup_key.encode()).hexdigest()[:32]

    @property
    def message_id(self) -> str:
        """The e-mail's Message-ID header: ``<idempotency key@domain of DEFAULT_FROM_EMAIL>``."""
        return f"<{self.idempotency_key}@{sender_domain()}>"

    def __str__(self):
        return f"{self.get_kind_display()} → {self.client or self.user} ({self.get_status_display()})"
