"""The client's side: links that tie a Telegram chat or open the personal page, the Bot API's
updates as received (each once), and covers for an absent manager."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .client import Client


class ClientLink(models.Model):
    """A link the manager gives a client: a Telegram start token (single use, short-lived) or
    the personal page (used many times until it expires or is revoked). The token itself is
    signed (``clients.messaging.links``); this row makes it single-use and revocable."""

    class Purpose(models.TextChoices):
        TELEGRAM = "telegram", _("Telegram start link")
        PAGE = "page", _("Personal page")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    token_id = models.CharField(_("token id"), max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("client link")
        verbose_name_plural = _("client links")
        indexes = [models.Index(fields=["client", "purpose"], name="clientlink_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="clientlink_expires_after_creation",
                violation_error_message=_("A link expires after it is made."),
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.client}"

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and (
            self.purpose == self.Purpose.PAGE or self.used_at is None
        )


class TelegramUpdate(models.Model):
    """One update from the Bot API's webhook (or polling), stored before it is worked on: the
    unique ``update_id`` makes a retried delivery a no-op."""

    update_id = models.BigIntegerField(_("update id"), unique=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        ordering = ["-update_id"]
        verbose_name = _("Telegram update")
        verbose_name_plural = _("Telegram updates")

    def __str__(self):
        return f"update {self.update_id}"


class ManagerCover(models.Model):
    """While ``absent`` is away (from ``starts_on`` to ``ends_on``, both days included),
    ``covering`` sees their clients, their clients' messages and their tasks."""

    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("absent manager"), on_delete=models.CASCADE,
        related_name="covers_while_away",
    )
    covering = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("covering manager"), on_delete=models.CASCADE,
        related_name="covers_given",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("cover")
        verbose_name_plural = _("covers")
        indexes = [models.Index(fields=["covering", "starts_on", "ends_on"], name="cover_covering_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="cover_ends_after_start",
                violation_error_message=_("The cover ends on or after its first day."),
            ),
            models.CheckConstraint(
                condition=~Q(absent=F("covering")), name="cover_not_self",
                violation_error_message=_("A manager cannot cover for themselves."),
            ),
        ]

    def __str__(self):
        return f"{self.covering} ← {self.absent} ({self.starts_on}–{self.ends_on})"
