"""Group classes: a timetable of recurring classes (``GroupClass``), the dated occurrences it
generates (``ClassOccurrence``) and the clients booked into them (``ClassBooking``). Written
through ``programs.classes.services``; the rules are in that module's docstring."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Membership
from core.models import TimeStampedModel
from staff.models import Room, Service, StaffMember
from staff.models.schedule import Weekday

weekdays_validator = RegexValidator(
    r"^[0-6]{1,7}$", _("Choose at least one weekday."), code="weekdays",
)


class GroupClass(TimeStampedModel):
    """A class on the timetable: a service held by one specialist in one room, every week on the
    chosen weekdays at one time, from a start date to an end date (or on), for up to ``capacity``
    clients; booking closes ``booking_closes_minutes`` before each class (the club's default,
    ``CLASS_BOOKING_CLOSES_MINUTES``, when empty)."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    specialist = models.ForeignKey(
        StaffMember, verbose_name=_("specialist"), on_delete=models.PROTECT, related_name="group_classes")
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="group_classes")
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("At most the room's capacity."))
    waitlist_size = models.PositiveSmallIntegerField(
        _("waiting list places"), null=True, blank=True, validators=[MaxValueValidator(500)],
        help_text=_("Empty: no limit; 0: no waiting list (a full class refuses)."))
    weekdays = models.CharField(
        _("weekdays"), max_length=7, validators=[weekdays_validator],
        help_text=_("The weekdays as digits, Monday 0 … Sunday 6 (“024”: Monday, Wednesday, Friday)."))
    starts_at = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"), validators=[MinValueValidator(5), MaxValueValidator(600)])
    start_date = models.DateField(_("first day"), default=timezone.localdate)
    end_date = models.DateField(_("last day"), null=True, blank=True, help_text=_("Empty: until further notice."))
    booking_closes_minutes = models.PositiveIntegerField(
        _("booking closes, minutes before"), null=True, blank=True, validators=[MaxValueValidator(10080)],
        help_text=_("Empty: the club's default."))
    is_active = models.BooleanField(_("on the timetable"), default=True)

    class Meta:
        ordering = ["starts_at", "service__name", "id"]
        verbose_name = _("group class")
        verbose_name_plural = _("group classes")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="group_class_capacity_positive",
                violation_error_message=_("A class has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="group_class_ends_after_start",
                violation_error_message=_("The last day cannot come before the first."),
            ),
        ]

    def __str__(self):
        return f"{self.service} · {self.weekdays_display()} {self.starts_at:%H:%M}"

    def weekday_numbers(self) -> list[int]:
        return sorted({int(d) for d in self.weekdays or "" if d.isdigit()})

    def weekdays_display(self) -> str:
        return ", ".join(str(Weekday(d).label)[:2] for d in self.weekday_numbers())

    @property
    def closes_minutes(self) -> int:
        if self.booking_closes_minutes is not None:
            return self.booking_closes_minutes
        return settings.CLASS_BOOKING_CLOSES_MINUTES

    def clean(self):
        super().clean()
        errors = {}
        if self.room_id and self.capacity and self.capacity > self.room.capacity:
            errors["capacity"] = _("%(room)s holds %(capacity)s at once.") % {
                "room": self.room, "capacity": self.room.capacity}
        if self.service_id and self.room_id and self.service.room_kind and self.room.kind != self.service.room_kind:
            errors["room"] = _("%(service)s needs a room of the kind: %(kind)s.") % {
                "service": self.service, "kind": self.service.get_room_kind_display().lower()}
        if (self.specialist_id and self.service_id
                and not self.specialist.services.filter(pk=self.service_id).exists()):
            errors["specialist"] = _("%(specialist)s does not provide %(service)s.") % {
                "specialist": self.specialist, "service": self.service}
        if errors:
            raise ValidationError(errors)


class ClassOccurrence(models.Model):
    """One dated class of the timetable, from ``starts_at`` to ``ends_at``; its specialist and
    room are taken until ``busy_until`` (the end plus the service's buffer). A cancelled one frees
    them. On PostgreSQL exclusion constraints refuse two occurrences of one specialist or one room
    at once (``programs.classes.constraints``)."""

    group_class = models.ForeignKey(
        GroupClass, verbose_name=_("group class"), on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    busy_until = models.DateTimeField(_("busy until"), editable=False)
    specialist = models.ForeignKey(
        StaffMember, verbose_name=_("specialist"), on_delete=models.PROTECT, related_name="class_occurrences")
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="class_occurrences")
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("class occurrence")
        verbose_name_plural = _("class occurrences")
        indexes = [
            models.Index(fields=["starts_at"], name="class_occurrence_start_idx"),
            models.Index(fields=["specialist", "starts_at"], name="class_occurrence_spec_idx"),
            models.Index(fields=["room", "starts_at"], name="class_occurrence_room_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group_class", "starts_at"], name="class_occurrence_unique_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at"), busy_until__gte=F("ends_at")),
                name="class_occurrence_ends_after_start",
                violation_error_message=_("A class ends after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.group_class.service} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class ClassBooking(TimeStampedModel):
    """A client's place in a class, or their turn on its waiting list."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        LATE_CANCELLED = "late_cancelled", _("Cancelled late")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")

    # A booking that holds a place or a turn.
    HOLDING = (Status.BOOKED, Status.WAITLISTED)
    # A booking marked once the class has started; with a booked one, a place taken.
    MARKED = (Status.ATTENDED, Status.NO_SHOW)
    TAKEN = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

    occurrence = models.ForeignKey(
        ClassOccurrence, verbose_name=_("class"), on_delete=models.CASCADE, related_name="bookings")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="class_bookings")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BOOKED)
    waitlist_position = models.PositiveSmallIntegerField(_("place on the waiting list"), null=True, blank=True)
    membership = models.ForeignKey(
        Membership, verbose_name=_("membership used"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="class_bookings")
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved from the waiting list at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(
        _("confirmed at"), null=True, blank=True, editable=False,
        help_text=_("When the client confirmed through the reminder's link that they will come."))

    class Meta:
        ordering = ["occurrence", "status", "waitlist_position", "created_at", "id"]
        verbose_name = _("class booking")
        verbose_name_plural = _("class bookings")
        indexes = [models.Index(fields=["client", "status"], name="class_booking_client_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "client"], condition=Q(status__in=["booked", "waitlisted"]),
                name="class_booking_once_per_client",
                violation_error_message=_("The client is already booked into this class."),
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="class_booking_waitlist_position",
                violation_error_message=_("Only a booking on the waiting list has a place on it."),
            ),
        ]

    def __str__(self):
        return f"{self.client} · {self.occurrence}"
