"""Selling with care: specialists' recommendations, every upsell offer and its outcome, and
the trust-aware policy of how often a client may be offered something."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client, MembershipPlan
from core.models import TimeStampedModel
from programs.models import Session
from staff.models import Service, StaffMember

from .catalog import Product
from .promotions import Promotion


def _one_item_q(*fields: str) -> Q:
    """Exactly one of the given foreign keys is set."""
    options = Q()
    for chosen in fields:
        option = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                option &= Q(**{f"{other}__isnull": True})
        options |= option
    return options


class Recommendation(TimeStampedModel):
    """A specialist's suggestion for a client; the client's manager accepts or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the manager")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="recommendations"
    )
    specialist = models.ForeignKey(
        StaffMember,
        verbose_name=_("specialist"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="recommendations",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, null=True, blank=True
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True
    )
    reason = models.TextField(_("why the client needs it"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("manager's reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [models.Index(fields=["status", "client"], name="recommendation_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=_one_item_q("service", "product"),
                name="recommendation_one_item",
                violation_error_message=_("Recommend either a service or a product."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="recommendation_reason_required",
                violation_error_message=_("Say why the client needs it."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="recommendation_decision_has_time",
                violation_error_message=_("A decision needs the time it was made."),
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="recommendation_decline_has_reason",
                violation_error_message=_("Give the reason for declining."),
            ),
        ]

    def __str__(self):
        return f"{self.service or self.product} → {self.client}"


class UpsellPolicy(TimeStampedModel):
    """How hard the club may sell at each relationship stage (set by the director)."""

    stage = models.CharField(
        _("relationship stage"), max_length=20, choices=Client.Stage.choices, unique=True
    )
    max_offers_per_30_days = models.PositiveSmallIntegerField(_("offers per 30 days, at most"))
    min_days_after_decline = models.PositiveSmallIntegerField(
        _("days to wait after a declined offer")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["max_offers_per_30_days"]
        verbose_name = _("upsell policy")
        verbose_name_plural = _("upsell policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_offers_per_30_days__gte=0, min_days_after_decline__gte=0),
                name="policy_limits_non_negative",
                violation_error_message=_("Limits cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.get_stage_display()


class Offer(TimeStampedModel):
    """One upsell attempt and its outcome."""

    class Source(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Specialist's recommendation")
        PROMOTION = "promotion", _("Promotion")
        MANAGER = "manager", _("Manager")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        POSTPONED = "postponed", _("Postponed")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="offers"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANAGER
    )
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
    )
    promotion = models.ForeignKey(
        Promotion,
        verbose_name=_("promotion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, null=True, blank=True
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True
    )
    plan = models.ForeignKey(
        MembershipPlan,
        verbose_name=_("membership plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_reason = models.TextField(_("client's reason"), blank=True)
    contraindication_reason = models.TextField(
        _("reason to go ahead despite contraindications"),
        blank=True,
        help_text=_("Required when the service lists a contraindication the client has."),
    )
    policy_override_reason = models.TextField(
        _("why the upsell policy was overridden"), blank=True, editable=False
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("policy overridden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    # Who changed what and when (django-simple-history); the director reads it from the card.
    history = HistoricalRecords(excluded_fields=["updated_at"], verbose_name=_("historical offer"))

    class Meta:
        ordering = ["-offered_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [
            models.Index(fields=["client", "offered_at"], name="offer_client_time_idx"),
            models.Index(fields=["outcome", "offered_at"], name="offer_outcome_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_one_item_q("service", "product", "plan"),
                name="offer_one_item",
                violation_error_message=_("Offer one service, product or membership plan."),
            ),
            models.CheckConstraint(
                condition=~Q(source="recommendation") | Q(recommendation__isnull=False),
                name="offer_recommendation_source_linked",
                violation_error_message=_("Link the recommendation this offer comes from."),
            ),
            models.CheckConstraint(
                condition=~Q(source="promotion") | Q(promotion__isnull=False),
                name="offer_promotion_source_linked",
                violation_error_message=_("Link the promotion this offer comes from."),
            ),
        ]

    def __str__(self):
        return f"{self.service or self.product or self.plan} → {self.client}"
