from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..health_data import place_choices
from .client import Client


class HealthDataAccess(models.Model):
    """One look at a client's health data (contraindication flags, health notes): who, when and
    on which page. Health data is the most sensitive thing the club holds; the director reads
    this log on the client's history page. The places are a vocabulary each app adds its pages
    to (``clients.health_data``)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="health_accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    accessed_at = models.DateTimeField(_("opened at"), default=timezone.now)
    place = models.CharField(_("where"), max_length=20, choices=place_choices)

    class Meta:
        ordering = ["-accessed_at", "-id"]
        verbose_name = _("health data access")
        verbose_name_plural = _("health data accesses")
        indexes = [models.Index(fields=["client", "accessed_at"], name="health_access_client_idx")]

    def __str__(self):
        return f"{self.client_id} · {self.user} · {self.accessed_at:%Y-%m-%d %H:%M}"


class ClientErasure(models.Model):
    """The record that a client's personal and health data were erased on their request:
    who did it, when, why, and what was erased (counts). The client row stays, anonymized, so
    that the sales ledger and the club's statistics keep their sums."""

    client = models.OneToOneField(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="erasure"
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    reason = models.TextField(_("request"), help_text=_("The client's request: how and when it came."))
    summary = models.JSONField(_("what was erased"), default=dict)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("client data erasure")
        verbose_name_plural = _("client data erasures")

    def __str__(self):
        return f"{self.client} · {self.erased_at:%Y-%m-%d}"
