import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel

from ..plan_departments import validate_department_code
from .client import Client


def validate_reminder_days(value: str) -> None:
    """"30,14,7,1": whole days before the end date, each between 0 and 365."""
    if not value.strip():
        return
    try:
        days = [int(part) for part in value.split(",")]
    except ValueError:
        raise ValidationError(
            _("Enter whole numbers of days separated by commas, e.g. 30,14,7,1."), code="invalid"
        ) from None
    if any(day < 0 or day > 365 for day in days):
        raise ValidationError(_("Each number of days must be between 0 and 365."), code="range")


class MembershipPlan(TimeStampedModel):
    """What the club sells as a card: a period, optionally a number of visits, a price."""

    class Category(models.TextChoices):
        GYM = "gym", _("Gym")
        GROUP = "group", _("Group training")
        SPA = "spa", _("SPA")
        COSMETOLOGY = "cosmetology", _("Cosmetology")
        ALL_INCLUSIVE = "all", _("All inclusive")

    name = models.CharField(_("name"), max_length=120, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.GYM
    )
    department_code = models.CharField(
        _("department"),
        max_length=30,
        validators=[validate_department_code],
        help_text=_("The department whose turnover the plan's sales count in."),
    )
    description = models.TextField(_("description"), blank=True)
    duration_days = models.PositiveIntegerField(
        _("duration, days"), validators=[MinValueValidator(1)]
    )
    visit_limit = models.PositiveIntegerField(
        _("visit limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for unlimited visits."),
    )
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    max_freeze_days = models.PositiveIntegerField(
        _("freeze days allowed"),
        default=0,
        help_text=_("How many days in total a membership of this plan may be frozen."),
    )
    expiry_reminder_days = models.CharField(
        _("expiry reminders, days before"),
        max_length=50,
        blank=True,
        validators=[validate_reminder_days],
        help_text=_("E.g. 30,14,7,1. Leave empty to use the club's default."),
    )
    late_cancel_uses_visit = models.BooleanField(
        _("a late cancel uses a visit"),
        default=False,
        help_text=_("A session cancelled later than the club's late-cancel window counts as a visit."),
    )
    no_show_uses_visit = models.BooleanField(
        _("a no-show uses a visit"),
        default=True,
        help_text=_("A session the client did not come to counts as a visit."),
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("membership plan")
        verbose_name_plural = _("membership plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="plan_price_non_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(duration_days__gte=1),
                name="plan_duration_positive",
                violation_error_message=_("A plan lasts at least one day."),
            ),
            models.CheckConstraint(
                condition=Q(visit_limit__isnull=True) | Q(visit_limit__gte=1),
                name="plan_visit_limit_positive",
                violation_error_message=_("A visit limit must be at least one visit."),
            ),
            models.CheckConstraint(
                condition=Q(max_freeze_days__gte=0),
                name="plan_freeze_days_non_negative",
                violation_error_message=_("Freeze days cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def reminder_days(self) -> list[int]:
        """This plan's own expiry thresholds, largest first; empty means the club's default."""
        if not self.expiry_reminder_days.strip():
            return []
        return sorted({int(part) for part in self.expiry_reminder_days.split(",")}, reverse=True)


class Membership(TimeStampedModel):
    """A client's card: a plan bought for a period; freezes move the end date.

    Its status is active or cancelled; whether it runs, is frozen or usable on a day is computed
    from its dates, its freezes (rows) and its visits by ``clients.rules``."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="memberships"
    )
    plan = models.ForeignKey(
        MembershipPlan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    card_number = models.CharField(
        _("card number"),
        max_length=32,
        unique=True,
        error_messages={"unique": _("A membership with this card number already exists.")},
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    visit_limit = models.PositiveIntegerField(
        _("visit limit"), null=True, blank=True, help_text=_("Empty means unlimited visits.")
    )
    visits_used = models.PositiveIntegerField(_("visits used"), default=0)
    price = models.DecimalField(
        _("price paid"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sold by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships_sold",
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Who changed what and when (django-simple-history); the director reads it from the card.
    history = HistoricalRecords(excluded_fields=["updated_at"], verbose_name=_("historical membership"))

    class Meta:
        ordering = ["-end_date", "-id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [
            models.Index(fields=["end_date"], name="membership_end_date_idx"),
            models.Index(fields=["status", "end_date"], name="membership_status_end_idx"),
            models.Index(fields=["client", "end_date"], name="membership_client_end_idx"),
            # The search's card number, case-insensitive (``clients.selectors.client_search_q``).
            models.Index(Upper("card_number"), name="membership_card_upper_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="membership_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="membership_price_non_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(visit_limit__isnull=True) | Q(visit_limit__gte=1),
                name="membership_visit_limit_positive",
                violation_error_message=_("A visit limit must be at least one visit."),
            ),
            models.CheckConstraint(
                condition=Q(visits_used__gte=0)
                & (Q(visit_limit__isnull=True) | Q(visits_used__lte=F("visit_limit"))),
                name="membership_visits_within_limit",
                violation_error_message=_("Visits used cannot exceed the visit limit."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "cancelled"]),
                name="membership_status_known",
                violation_error_message=_("A membership is active or cancelled."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_on__isnull=False),
                name="membership_cancelled_has_date",
                violation_error_message=_("A cancelled membership needs the date it was cancelled."),
            ),
        ]

    def __str__(self):
        return f"{self.card_number} · {self.plan}"

    def days_left(self, on: datetime.date | None = None) -> int:
        """Days of validity left after ``on`` (club's local date); negative once expired."""
        on = on or timezone.localdate()
        return (self.end_date - on).days

    @property
    def visits_left(self) -> int | None:
        if self.visit_limit is None:
            return None
        return self.visit_limit - self.visits_used


class Freeze(TimeStampedModel):
    """A pause of a membership; an open freeze has no end date yet."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="freezes"
    )
    start_date = models.DateField(_("first frozen day"))
    end_date = models.DateField(
        _("last frozen day"), null=True, blank=True, help_text=_("Empty while the freeze is open.")
    )
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("freeze")
        verbose_name_plural = _("freezes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="freeze_end_after_start",
                violation_error_message=_("A freeze cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="freeze_reason_required",
                violation_error_message=_("Give the reason for the freeze."),
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(end_date__isnull=True),
                name="freeze_one_open_per_membership",
                violation_error_message=_("This membership already has an open freeze."),
            ),
        ]

    def __str__(self):
        end = f"{self.end_date:%Y-%m-%d}" if self.end_date else "…"
        return f"{self.membership.card_number}: {self.start_date:%Y-%m-%d} – {end}"

    @property
    def days(self) -> int | None:
        """Length in days, both ends included; None while open."""
        if self.end_date is None:
            return None
        return (self.end_date - self.start_date).days + 1
