"""What the club sells besides cards and services: retail products."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from staff.models import Department


class Product(TimeStampedModel):
    """A retail product (home-care cosmetics, supplements, accessories)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=150)
    sku = models.CharField(_("SKU"), max_length=50, unique=True)
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="product_price_non_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(sku=""),
                name="product_sku_required",
                violation_error_message=_("A product needs an SKU."),
            ),
        ]

    def __str__(self):
        return self.name
