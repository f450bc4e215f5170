"""Promotions: a discount for a period, on chosen items, aimed at a segment of clients."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import MembershipPlan
from core.models import TimeStampedModel
from staff.models import Service

from .catalog import Product


class Promotion(TimeStampedModel):
    """A discount for a period, on chosen items, aimed at a segment of clients."""

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    discount_percent = models.DecimalField(
        _("discount, %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    discount_amount = models.DecimalField(
        _("discount, amount"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), blank=True, related_name="promotions"
    )
    plans = models.ManyToManyField(
        MembershipPlan, verbose_name=_("membership plans"), blank=True, related_name="promotions"
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("products"), blank=True, related_name="promotions"
    )
    segment = models.JSONField(
        _("target segment"),
        default=dict,
        blank=True,
        help_text=_("Filters that pick the clients this promotion is sent to."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="promotion_dates_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="promotion_ends_after_start",
                violation_error_message=_("A promotion cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="promotion_percent_range",
                violation_error_message=_("The discount is between 0 and 100 %%."),
            ),
            models.CheckConstraint(
                condition=Q(discount_amount__gte=0),
                name="promotion_amount_non_negative",
                violation_error_message=_("The discount cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def is_running(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.is_active and self.starts_on <= on <= self.ends_on
