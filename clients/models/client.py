import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel

from .base import Channel, Purpose
from .weekdays import WeekdaysField, weekdays_text

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


class Contraindication(models.Model):
    """A health flag from the club's vocabulary: clients carry it, services list it."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contraindication")
        verbose_name_plural = _("contraindications")

    def __str__(self):
        return self.name


class Client(TimeStampedModel):
    """A person the club serves; the accompaniment manager owns the relationship."""

    class Gender(models.TextChoices):
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")
        OTHER = "o", _("Other")

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        REFERRAL = "referral", _("Referral")
        WEBSITE = "website", _("Website")
        SOCIAL = "social", _("Social networks")
        ADVERTISING = "advertising", _("Advertising")
        CORPORATE = "corporate", _("Corporate program")
        OTHER = "other", _("Other")

    class Stage(models.TextChoices):
        """Relationship stage, computed from the client's history (never typed in)."""

        ACQUAINTANCE = "acquaintance", _("Acquaintance")
        TRUST = "trust", _("Trust")
        LOYALTY = "loyalty", _("Loyalty")
        AMBASSADOR = "ambassador", _("Ambassador")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        RUSSIAN = "ru", _("Russian")
        UKRAINIAN = "uk", _("Ukrainian")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    phone = PhoneNumberField(
        _("phone"), blank=True, help_text=_("Stored in international format, e.g. +380501234567.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    language = models.CharField(
        _("language of messages"),
        max_length=5,
        choices=Language.choices,
        default=Language.UKRAINIAN,
    )

    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.WALK_IN
    )
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    assigned_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accompaniment manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_clients",
    )
    stage = models.CharField(
        _("relationship stage"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.ACQUAINTANCE,
        editable=False,
    )

    goals = models.TextField(_("goals"), blank=True)
    needs = models.TextField(_("needs and preferences"), blank=True)
    health_notes = models.TextField(_("health notes"), blank=True)
    contraindications = models.ManyToManyField(
        Contraindication,
        verbose_name=_("contraindication flags"),
        blank=True,
        related_name="clients",
    )

    consent_email = models.BooleanField(_("marketing by e-mail"), default=False)
    consent_sms = models.BooleanField(_("marketing by SMS"), default=False)
    consent_telegram = models.BooleanField(_("marketing by Telegram"), default=False)
    consent_calls = models.BooleanField(_("marketing calls"), default=False)
    service_email = models.BooleanField(
        _("service messages by e-mail"), default=True,
        help_text=_("About what the client bought: expiry, sessions, answers. Untick if they opted out."),
    )
    service_sms = models.BooleanField(_("service messages by SMS"), default=True)
    service_telegram = models.BooleanField(_("service messages by Telegram"), default=True)
    telegram_chat_id = models.CharField(_("Telegram chat id"), max_length=64, blank=True)
    telegram_unreachable_at = models.DateTimeField(
        _("Telegram unreachable since"), null=True, blank=True, editable=False,
        help_text=_("Set when Telegram refused a message because the client blocked the bot."),
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    notes = models.TextField(_("notes"), blank=True)
    # When the client likes to come: the planner puts a program's sessions on these days and
    # within these hours when it can (``programs.scheduling.planning``).
    preferred_weekdays = WeekdaysField(
        _("preferred days"), help_text=_("The days the client likes to come; none ticked: any day."))
    preferred_time_from = models.TimeField(
        _("preferred time from"), null=True, blank=True, help_text=_("For example 07:00, or 18:00 after work."))
    preferred_time_to = models.TimeField(_("preferred time until"), null=True, blank=True)
    erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True, editable=False,
        help_text=_("Set when the client's personal and health data were erased on request."),
    )

    # Who changed what and when (django-simple-history); the director reads it from the card.
    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=[contraindications], verbose_name=_("historical client")
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            # The client list's order, to its last key: the first page read from the index alone,
            # 25 rows, not every client sharing the first names of the alphabet sorted by id.
            models.Index(fields=["last_name", "first_name", "id"], name="client_name_id_idx"),
            models.Index(fields=["phone"], name="client_phone_idx"),
            models.Index(Lower("email"), name="client_email_lower_idx"),
            models.Index(fields=["birth_date"], name="client_birth_date_idx"),
            models.Index(fields=["stage"], name="client_stage_idx"),
            # A manager's clients' ids read from the index alone (an index-only scan): every
            # statement of Today and the client list narrows to them, and the dashboard's tables
            # per manager join their sets to the clients through it (PostgreSQL).
            models.Index(fields=["assigned_manager", "id"], name="client_manager_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~Q(phone=""),
                name="client_phone_unique",
                violation_error_message=_("A client with this phone number already exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="client_email_unique_ci",
                violation_error_message=_("A client with this e-mail already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(first_name=""),
                name="client_first_name_required",
                violation_error_message=_("A client needs a first name."),
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_date__gte=EARLIEST_BIRTH_DATE),
                name="client_birth_date_plausible",
                violation_error_message=_("The birth date is too far in the past."),
            ),
            models.CheckConstraint(
                condition=Q(preferred_time_from__isnull=True) | Q(preferred_time_to__isnull=True)
                | Q(preferred_time_to__gt=F("preferred_time_from")),
                name="client_preferred_times_in_order",
                violation_error_message=_("The preferred time ends before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(referred_by__isnull=True) | ~Q(referred_by=F("pk")),
                name="client_not_referred_by_self",
                violation_error_message=_("A client cannot refer themselves."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def preferred_days_text(self) -> str:
        return weekdays_text(self.preferred_weekdays)

    @property
    def has_preferred_times(self) -> bool:
        return bool(self.preferred_weekdays or self.preferred_time_from or self.preferred_time_to)

    @property
    def preferred_times_text(self) -> str:
        """"Mon, Thu · 18:00–21:00" in the active language; "" when the client has no preference."""
        starts, ends = self.preferred_time_from, self.preferred_time_to
        if starts and ends:
            hours = f"{time_format(starts, 'TIME_FORMAT')}–{time_format(ends, 'TIME_FORMAT')}"
        elif starts:
            hours = _("from %(time)s") % {"time": time_format(starts, "TIME_FORMAT")}
        elif ends:
            hours = _("until %(time)s") % {"time": time_format(ends, "TIME_FORMAT")}
        else:
            hours = ""
        return " · ".join(part for part in (self.preferred_days_text, hours) if part)

    @property
    def full_name(self) -> str:
        return self.name_of(self.first_name, self.last_name)

    @staticmethod
    def name_of(first_name: str, last_name: str) -> str:
        """A client's full name from their first and last names (``full_name``)."""
        return " ".join(part for part in (first_name, last_name) if part)

    def age(self, on: datetime.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        on = on or timezone.localdate()
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - before_birthday

    def reachable_on(self, channel: str) -> bool:
        """They have an address on the channel, and it works (Telegram: the bot is not blocked)."""
        if channel not in Channel.values:
            return False
        channel = Channel(channel)
        if channel == Channel.TELEGRAM and self.telegram_unreachable_at:
            return False
        return bool(getattr(self, channel.address_field))

    def consents_to(self, channel: str, purpose: str = Purpose.MARKETING) -> bool:
        """They may be written to by this channel for this purpose and are reachable on it:
        marketing needs their consent, service messages go unless they opted out."""
        if channel not in Channel.values:
            return False
        channel = Channel(channel)
        field = channel.service_field if purpose == Purpose.SERVICE else channel.consent_field
        return bool(getattr(self, field)) and self.reachable_on(channel)

    def refusal_reason(self, channel: str, purpose: str) -> str:
        """Why ``consents_to(channel, purpose)`` is false, in a few words (for the outbox)."""
        channel = Channel(channel)
        if purpose == Purpose.SERVICE and not getattr(self, channel.service_field):
            return f"{channel.value}: opted out of service messages"
        if purpose != Purpose.SERVICE and not getattr(self, channel.consent_field):
            return f"{channel.value}: no marketing consent"
        if not getattr(self, channel.address_field):
            return f"{channel.value}: no address"
        if channel == Channel.TELEGRAM and self.telegram_unreachable_at:
            return f"{channel.value}: unreachable (the bot is blocked)"
        return ""

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
        if self.referred_by_id and self.pk and self.referred_by_id == self.pk:
            raise ValidationError({"referred_by": _("A client cannot refer themselves.")})


class Measurement(TimeStampedModel):
    """A body measurement taken by a trainer or the manager; charted over time on the card."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="measurements"
    )
    measured_on = models.DateField(_("measured on"), default=timezone.localdate)
    weight_kg = models.DecimalField(
        _("weight, kg"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height, cm"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    body_fat_percent = models.DecimalField(
        _("body fat, %"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    muscle_mass_kg = models.DecimalField(
        _("muscle mass, kg"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    waist_cm = models.DecimalField(
        _("waist, cm"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    hips_cm = models.DecimalField(_("hips, cm"), max_digits=4, decimal_places=1, null=True, blank=True)
    chest_cm = models.DecimalField(
        _("chest, cm"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    resting_heart_rate = models.PositiveSmallIntegerField(
        _("resting heart rate, bpm"), null=True, blank=True
    )
    blood_pressure_systolic = models.PositiveSmallIntegerField(
        _("blood pressure, systolic"), null=True, blank=True
    )
    blood_pressure_diastolic = models.PositiveSmallIntegerField(
        _("blood pressure, diastolic"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    VALUE_FIELDS = (
        "weight_kg",
        "height_cm",
        "body_fat_percent",
        "muscle_mass_kg",
        "waist_cm",
        "hips_cm",
        "chest_cm",
        "resting_heart_rate",
        "blood_pressure_systolic",
        "blood_pressure_diastolic",
    )

    class Meta:
        ordering = ["client", "-measured_on", "-id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [models.Index(fields=["client", "measured_on"], name="measurement_client_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gt=0, weight_kg__lt=500),
                name="measurement_weight_range",
                violation_error_message=_("Weight must be between 0 and 500 kg."),
            ),
            models.CheckConstraint(
                condition=Q(height_cm__isnull=True) | Q(height_cm__gt=0, height_cm__lt=300),
                name="measurement_height_range",
                violation_error_message=_("Height must be between 0 and 300 cm."),
            ),
            models.CheckConstraint(
                condition=Q(body_fat_percent__isnull=True)
                | Q(body_fat_percent__gte=0, body_fat_percent__lte=100),
                name="measurement_body_fat_range",
                violation_error_message=_("Body fat must be between 0 and 100 %%."),
            ),
            models.CheckConstraint(
                condition=Q(muscle_mass_kg__isnull=True) | Q(muscle_mass_kg__gt=0),
                name="measurement_muscle_mass_positive",
                violation_error_message=_("Muscle mass must be positive."),
            ),
            models.CheckConstraint(
                condition=(Q(waist_cm__isnull=True) | Q(waist_cm__gt=0))
                & (Q(hips_cm__isnull=True) | Q(hips_cm__gt=0))
                & (Q(chest_cm__isnull=True) | Q(chest_cm__gt=0)),
                name="measurement_girths_positive",
                violation_error_message=_("Girths must be positive."),
            ),
            models.CheckConstraint(
                condition=~Q(
                    weight_kg__isnull=True,
                    height_cm__isnull=True,
                    body_fat_percent__isnull=True,
                    muscle_mass_kg__isnull=True,
                    waist_cm__isnull=True,
                    hips_cm__isnull=True,
                    chest_cm__isnull=True,
                    resting_heart_rate__isnull=True,
                    blood_pressure_systolic__isnull=True,
                    blood_pressure_diastolic__isnull=True,
                ),
                name="measurement_has_a_value",
                violation_error_message=_("Enter at least one measured value."),
            ),
        ]

    def __str__(self):
        return f"{self.client} · {self.measured_on:%Y-%m-%d}"
