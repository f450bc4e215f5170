"""The money: the sales ledger (every card, service and product sold or refunded) and the
departments' expenses, from which block turnover, profit and pay are summed."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client, Membership
from core.models import TimeStampedModel
from staff.models import Department, Service

from .catalog import Product
from .promotions import Promotion
from .upsell import Offer


class Sale(TimeStampedModel):
    """The money ledger: one row per membership, service or product sold (or refunded).

    ``amount`` = ``quantity`` × ``unit_price`` − ``discount``; a refund is a row of kind
    ``refund`` with a negative amount, so that every total is a plain sum.
    """

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", _("Membership")
        SERVICE = "service", _("Service")
        PRODUCT = "product", _("Product")
        REFUND = "refund", _("Refund")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="sales"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="sales"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
    )
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("from offer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales",
    )
    promotion = models.ForeignKey(
        Promotion,
        verbose_name=_("promotion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales",
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seller"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales",
    )
    sold_at = models.DateTimeField(_("sold at"), default=timezone.now)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    discount = models.DecimalField(
        _("discount"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    idempotency_key = models.CharField(
        _("form token"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The token of the form that sold it: a form sent twice sells once."),
    )

    # Who changed what and when (django-simple-history); the director reads it from the card.
    history = HistoricalRecords(excluded_fields=["updated_at"], verbose_name=_("historical sale"))

    class Meta:
        ordering = ["-sold_at", "-id"]
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        indexes = [
            models.Index(fields=["department", "sold_at"], name="sale_department_time_idx"),
            models.Index(fields=["sold_at"], name="sale_time_idx"),
            models.Index(fields=["client", "sold_at"], name="sale_client_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1),
                name="sale_quantity_positive",
                violation_error_message=_("The quantity is at least one."),
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, discount__gte=0),
                name="sale_price_non_negative",
                violation_error_message=_("Prices and discounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(discount__lte=F("quantity") * F("unit_price")),
                name="sale_discount_within_price",
                violation_error_message=_("The discount cannot exceed the price."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="refund") & Q(amount__lte=0))
                | (~Q(kind="refund") & Q(amount__gte=0)),
                name="sale_amount_sign",
                violation_error_message=_(
                    "A sale's amount cannot be negative; only a refund is."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="membership") | Q(membership__isnull=False),
                name="sale_membership_linked",
                violation_error_message=_("A membership sale names the membership."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="service") | Q(service__isnull=False),
                name="sale_service_linked",
                violation_error_message=_("A service sale names the service."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="product") | Q(product__isnull=False),
                name="sale_product_linked",
                violation_error_message=_("A product sale names the product."),
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="sale_idempotency_key_unique",
                violation_error_message=_("This form was sent already: it sold once."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.client} · {self.amount}"

    @staticmethod
    def compute_amount(*, kind: str, quantity: int, unit_price, discount) -> Decimal:
        gross = Decimal(quantity or 0) * Decimal(unit_price or 0) - Decimal(discount or 0)
        return -gross if kind == Sale.Kind.REFUND else gross

    def clean(self):
        if (
            self.quantity is not None
            and self.unit_price is not None
            and self.discount is not None
            and self.discount > self.quantity * self.unit_price
        ):
            raise ValidationError({"discount": _("The discount cannot exceed the price.")})

    def save(self, *args, **kwargs):
        self.amount = self.compute_amount(
            kind=self.kind, quantity=self.quantity, unit_price=self.unit_price, discount=self.discount
        )
        super().save(*args, **kwargs)


class DepartmentExpense(TimeStampedModel):
    """A cost of a block: consumables (creams, oils, towels…) and other running costs."""

    class Kind(models.TextChoices):
        CONSUMABLES = "consumables", _("Consumables")
        EQUIPMENT = "equipment", _("Equipment and repairs")
        OTHER = "other", _("Other")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="expenses"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.CONSUMABLES
    )
    incurred_on = models.DateField(_("date"), default=timezone.localdate)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["-incurred_on", "-id"]
        verbose_name = _("department expense")
        verbose_name_plural = _("department expenses")
        indexes = [
            models.Index(fields=["department", "incurred_on"], name="expense_department_date_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="expense_amount_non_negative",
                violation_error_message=_("An expense cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.department} · {self.get_kind_display()} · {self.amount}"
