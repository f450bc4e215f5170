"""Who works at the club: staff members (with or without a login) and their pay rates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.models import TimeStampedModel

from .catalog import Department, Service


class StaffMember(TimeStampedModel):
    """Someone who works at the club, with or without a login."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Accompaniment manager")
        TRAINER = "trainer", _("Trainer")
        MASSAGE_THERAPIST = "massage", _("Massage therapist")
        COSMETOLOGIST = "cosmetologist", _("Cosmetologist")
        SPA_SPECIALIST = "spa", _("SPA specialist")
        DIRECTOR = "director", _("Director")
        ADMINISTRATOR = "administrator", _("Administrator")

    SPECIALIST_ROLES = (
        Role.TRAINER,
        Role.MASSAGE_THERAPIST,
        Role.COSMETOLOGIST,
        Role.SPA_SPECIALIST,
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_members",
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    is_head_of_department = models.BooleanField(
        _("head of the block"),
        default=False,
        help_text=_("The accompaniment manager who heads the block and shares its profit."),
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("services delivered"), blank=True, related_name="staff_members"
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    is_active = models.BooleanField(_("works at the club"), default=True)
    bio = models.TextField(_("qualifications and specialities"), blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        indexes = [models.Index(fields=["department", "role"], name="staff_department_role_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(is_head_of_department=True),
                name="staff_one_head_per_department",
                violation_error_message=_("This department already has a head."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self):
        if self.is_head_of_department and not self.department_id:
            raise ValidationError(
                {"is_head_of_department": _("Choose the department this person heads.")}
            )


class PayRate(TimeStampedModel):
    """A staff member's pay from a date on; a month's pay uses the rate in force then."""

    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="pay_rates",
    )
    effective_from = models.DateField(_("effective from"))
    monthly_salary = models.DecimalField(
        _("monthly salary"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    head_rate = models.DecimalField(
        _("head-of-block rate"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    profit_share_percent = models.DecimalField(
        _("share of block profit, %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["staff_member", "-effective_from"]
        verbose_name = _("pay rate")
        verbose_name_plural = _("pay rates")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "effective_from"],
                name="payrate_one_per_date",
                violation_error_message=_("This staff member already has a rate from this date."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_salary__gte=0, head_rate__gte=0),
                name="payrate_money_non_negative",
                violation_error_message=_("Pay cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(profit_share_percent__gte=0, profit_share_percent__lte=100),
                name="payrate_percent_range",
                violation_error_message=_("The profit share is between 0 and 100 %%."),
            ),
        ]

    def __str__(self):
        return f"{self.staff_member} · {self.effective_from:%Y-%m-%d}"
