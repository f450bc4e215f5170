from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client, Membership, MembershipPlan
from core.models import TimeStampedModel
from programs.models import Session
from staff.models import Department, Service, StaffMember


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
