from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import Channel
from .client import Client


class Notification(models.Model):
    """The outbox: one row per message to a client or a staff user.

    Producers only write rows (the unique dedup key makes a second write of the same message
    fail instead of sending it twice); one sender task delivers queued rows.
    """

    class Kind(models.TextChoices):
        MEMBERSHIP_EXPIRY = "membership_expiry", _("Membership expiry")
        RENEWAL_OFFER = "renewal_offer", _("Renewal offer")
        VISIT_PACK = "visit_pack", _("Visits running out")
        PROMOTION = "promotion", _("Promotion")
        BIRTHDAY = "birthday", _("Birthday greeting")
        SURVEY = "survey", _("Quality survey")
        FEEDBACK_RELAYED = "feedback_relayed", _("Feedback relayed to staff")
        FEEDBACK_RESOLVED = "feedback_resolved", _("Complaint resolved")
        DIGEST = "digest", _("Manager's morning digest")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

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
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
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
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
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
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
                violation_error_message=_("A sent message needs the time it was sent."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.client or self.user} ({self.get_status_display()})"
