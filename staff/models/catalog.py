"""What the club offers: its departments (blocks) and the services each provides."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clients.models import Contraindication
from core.models import TimeStampedModel


class Department(TimeStampedModel):
    """A block of the club (Fitness, SPA, Cosmetology): its own turnover, costs and staff."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    def plans(self):
        """The membership plans that belong to this department (by its code as stored)."""
        from clients.models import MembershipPlan

        stored = Department.objects.filter(pk=self.pk).values_list("code", flat=True).first() if self.pk else None
        return MembershipPlan.objects.filter(department_code=stored) if stored else MembershipPlan.objects.none()

    def clean(self):
        super().clean()
        plans = self.plans()
        if self.pk and plans.exclude(department_code=self.code).exists():
            raise ValidationError({"code": _(
                "Membership plans belong to this department by its code (%(plans)s): it cannot "
                "change while they do. Its name can."
            ) % {"plans": ", ".join(plan.name for plan in plans[:5])}})


class RoomKind(models.TextChoices):
    """What a room is for; a service names the kind it needs (``Service.room_kind``)."""

    GYM = "gym", _("Gym")
    STUDIO = "studio", _("Studio")
    POOL = "pool", _("Pool")
    MASSAGE = "massage", _("Massage room")
    COSMETOLOGY = "cosmetology", _("Cosmetology cabinet")
    SPA = "spa", _("SPA room")


class Service(TimeStampedModel):
    """A training or procedure the club offers; the manager builds programs from these."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        PROCEDURE = "procedure", _("Procedure")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TRAINING)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer after, minutes"), default=0, validators=[MaxValueValidator(240)],
        help_text=_("Cleaning or rest after a session, before the room or the specialist takes the next one."),
    )
    room_kind = models.CharField(
        _("room needed"), max_length=20, blank=True, choices=[("", _("No room"))] + list(RoomKind.choices),
    )
    description = models.TextField(_("description"), blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    drawbacks = models.TextField(_("drawbacks and limits"), blank=True)
    contraindications = models.ManyToManyField(
        Contraindication, verbose_name=_("contraindications"), blank=True, related_name="services"
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["department", "is_active"], name="service_department_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="service_unique_name_per_department",
                violation_error_message=_("This department already has a service with this name."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="service_price_non_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="service_duration_range",
                violation_error_message=_("A service lasts between 5 and 600 minutes."),
            ),
        ]

    def __str__(self):
        return self.name
