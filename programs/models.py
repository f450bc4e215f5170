import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client
from core.models import TimeStampedModel
from staff.models import Department, Room, Service, StaffMember


class ProgramTemplate(TimeStampedModel):
    """A ready-made program ("Back health, 8 weeks") the manager adapts to a client."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    goal = models.CharField(_("goal"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("main department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="program_templates",
    )
    duration_weeks = models.PositiveSmallIntegerField(
        _("duration, weeks"), default=8, validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("program template")
        verbose_name_plural = _("program templates")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_weeks__gte=1),
                name="template_duration_positive",
                violation_error_message=_("A program lasts at least one week."),
            ),
        ]

    def __str__(self):
        return self.name


class ProgramTemplateItem(models.Model):
    template = models.ForeignKey(
        ProgramTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="items"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    sessions_count = models.PositiveSmallIntegerField(
        _("sessions"), validators=[MinValueValidator(1)]
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        _("sessions per week"), default=1, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["template", "position", "id"]
        verbose_name = _("template item")
        verbose_name_plural = _("template items")
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_count__gte=1, sessions_per_week__gte=1, sessions_per_week__lte=14),
                name="template_item_counts_positive",
                violation_error_message=_(
                    "Sessions must be at least one, and from 1 to 14 per week."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.service} × {self.sessions_count}"


class Program(TimeStampedModel):
    """A client's personal program of trainings and procedures."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="programs"
    )
    template = models.ForeignKey(
        ProgramTemplate,
        verbose_name=_("from template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programs",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programs",
    )
    name = models.CharField(_("name"), max_length=150)
    goal = models.TextField(_("goal"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    one_off = models.BooleanField(
        _("single sessions"), default=False, editable=False,
        help_text=_("The client's single sessions booked on the calendar (a massage sold as a service), "
                    "kept beside their personal program."),
    )
    plan_confirmed_at = models.DateTimeField(
        _("plan confirmed at"), null=True, blank=True, editable=False,
        help_text=_("When the manager confirmed the sessions' times on the calendar."),
    )

    # Who changed what and when (django-simple-history); the director reads it from the card.
    history = HistoricalRecords(excluded_fields=["updated_at"], verbose_name=_("historical program"))

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        indexes = [models.Index(fields=["client", "status"], name="program_client_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="program_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status="active", one_off=False),
                name="program_one_active_per_client",
                violation_error_message=_("This client already has an active program."),
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.client}"


class ProgramItem(models.Model):
    """A service in a program: who delivers it, how many sessions, how often."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="items"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="program_items"
    )
    specialist = models.ForeignKey(
        StaffMember,
        verbose_name=_("specialist"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="program_items",
    )
    sessions_count = models.PositiveSmallIntegerField(
        _("sessions"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        _("sessions per week"), default=1, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    # What the planner could not do as asked, as codes and numbers (each reader sees it in their own
    # language: ``unplaced``, ``off_preferences``): {"days": ["2027-03-04", …], "why": "nobody" |
    # "no_time", "look_ahead": 3, "off_preferences": 2}; {} when all went as asked.
    placing = models.JSONField(_("planning notes"), default=dict, blank=True, editable=False)
    contraindication_override = models.TextField(
        _("reason to go ahead despite contraindications"),
        blank=True,
        help_text=_("Required when the service lists a contraindication the client has."),
    )
    override_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["program", "position", "id"]
        verbose_name = _("program item")
        verbose_name_plural = _("program items")
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_count__gte=1, sessions_per_week__gte=1, sessions_per_week__lte=14),
                name="program_item_counts_positive",
                violation_error_message=_(
                    "Sessions must be at least one, and from 1 to 14 per week."
                ),
            ),
        ]

    @property
    def unplaced(self) -> str:
        """The sessions the planner could not place and why, in the active language ("" if none)."""
        days = [datetime.date.fromisoformat(day) for day in (self.placing or {}).get("days", [])]
        if not days:
            return self.placing.get("text", "") if self.placing else ""
        dates = ", ".join(formats.date_format(day, "SHORT_DATE_FORMAT") for day in days[:6])
        if self.placing.get("why") == "nobody":
            why = gettext("nobody provides this service")
        else:
            why = gettext("no free time of the specialist, a room or the client on those days and the %(days)s after") % {
                "days": self.placing.get("look_ahead", 0)}
        return ngettext(
            "%(count)s session not placed (%(dates)s): %(why)s.",
            "%(count)s sessions not placed (%(dates)s): %(why)s.",
            len(days),
        ) % {"count": len(days), "dates": dates + ("…" if len(days) > 6 else ""), "why": why}

    @property
    def off_preferences(self) -> str:
        """How many sessions went off the client's preferred days or hours, in the active language."""
        count = (self.placing or {}).get("off_preferences", 0)
        if not count:
            return ""
        return ngettext(
            "%(count)s session is off the client's preferred days or hours: no free time then.",
            "%(count)s sessions are off the client's preferred days or hours: no free time then.",
            count,
        ) % {"count": count}

    def __str__(self):
        return f"{self.service} × {self.sessions_count}"

    def clean(self):
        if (
            self.specialist_id
            and self.service_id
            and self.specialist.department_id != self.service.department_id
        ):
            raise ValidationError(
                {"specialist": _("The specialist must belong to the service's department.")}
            )


class Session(TimeStampedModel):
    """One planned occurrence of a program item: a training or a procedure from ``scheduled_at``
    to ``ends_at``, with a specialist and (when the service needs one) a room. The specialist and
    the room are taken until ``busy_until`` (the end plus the service's buffer). Booked, moved and
    cancelled through ``programs.scheduling``, which keeps sessions from overlapping; on PostgreSQL
    exclusion constraints refuse overlaps as well (migration 0004)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")
        LATE_CANCELLED = "late_cancelled", _("Cancelled late")

    # A cancelled session, in time or late, no longer takes its specialist, room or client.
    FREED = (Status.CANCELLED, Status.LATE_CANCELLED)

    class Confirmation(models.TextChoices):
        TELEGRAM = "telegram", _("Telegram")
        PAGE = "page", _("Personal page")
        STAFF = "staff", _("Staff")

    item = models.ForeignKey(
        ProgramItem, verbose_name=_("program item"), on_delete=models.CASCADE, related_name="sessions"
    )
    specialist = models.ForeignKey(
        StaffMember,
        verbose_name=_("specialist"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="sessions", editable=False
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    room_exclusive = models.BooleanField(
        _("room for one"), default=False, editable=False,
        help_text=_("The room holds one client at a time: the database refuses an overlap in it."),
    )
    scheduled_at = models.DateTimeField(_("scheduled at"))
    ends_at = models.DateTimeField(_("ends at"))
    busy_until = models.DateTimeField(_("busy until"), editable=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"), default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    completed_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_via = models.CharField(
        _("confirmed by"), max_length=10, choices=Confirmation.choices, blank=True, editable=False
    )
    visit = models.OneToOneField(
        "clients.Visit", verbose_name=_("visit used"), on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="session",
        help_text=_("The visit a late cancel or a no-show used up on the client's card, by the plan's rule."),
    )
    notes = models.TextField(_("notes"), blank=True)
    feedback = models.ManyToManyField(
        "staff.Feedback", verbose_name=_("feedback"), blank=True, related_name="sessions"
    )

    class Meta:
        ordering = ["scheduled_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["specialist", "scheduled_at"], name="session_specialist_idx"),
            models.Index(fields=["status", "scheduled_at"], name="session_status_idx"),
            models.Index(fields=["room", "scheduled_at"], name="session_room_idx"),
            models.Index(fields=["client", "scheduled_at"], name="session_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="session_duration_range",
                violation_error_message=_("A session lasts between 5 and 600 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("scheduled_at"), busy_until__gte=F("ends_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(completed_at__isnull=False),
                name="session_marked_has_time",
                violation_error_message=_("A done, missed or cancelled session needs the time."),
            ),
        ]

    def __str__(self):
        return f"{self.item.service} · {timezone.localtime(self.scheduled_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        """Fills what follows from the session's own start, duration and item when a caller (a test
        factory, an old import) leaves it out; the booking service always sets them itself."""
        if self.scheduled_at and not self.ends_at:
            self.ends_at = self.scheduled_at + datetime.timedelta(minutes=self.duration_minutes)
        if self.ends_at and not self.busy_until:
            self.busy_until = self.ends_at
        if not self.client_id and self.item_id:
            self.client_id = ProgramItem.objects.filter(pk=self.item_id).values_list("program__client", flat=True).get()
        super().save(*args, **kwargs)


class CalendarFeed(models.Model):
    """A specialist's private calendar feed (``programs.feed``): the secret in its address. Reset
    gives a new secret, and the old address stops working at once."""

    staff_member = models.OneToOneField(
        StaffMember, verbose_name=_("specialist"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(_("secret"), max_length=64, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.staff_member)


# Group classes live in their own sub-package; imported here so that Django finds the models.
from .classes.models import ClassBooking, ClassOccurrence, GroupClass  # noqa: E402,F401
