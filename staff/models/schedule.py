"""Where and when people work: rooms and cabinets, the club's opening hours and holidays, each
specialist's weekly working hours and the exceptions to them. The rule that reads them is
``staff.schedule``; the booking service that keeps sessions inside them is ``programs.scheduling``."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .catalog import Department, RoomKind
from .people import StaffMember


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Room(TimeStampedModel):
    """A room or cabinet: a massage room holds one client at a time, the pool twelve."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices)
    capacity = models.PositiveSmallIntegerField(
        _("capacity, clients at once"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="room_unique_name_per_department",
                violation_error_message=_("This department already has a room with this name."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="room_capacity_positive",
                violation_error_message=_("A room holds at least one client."),
            ),
        ]

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    """The club's hours on a weekday; a weekday without a row is a day the club is closed. With no
    rows at all the club's hours are not kept and do not limit bookings."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="opening_hours_close_after_open",
                violation_error_message=_("The club closes after it opens."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Holiday(models.Model):
    """A day the club is closed (a public holiday, a sanitary day)."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["day"]
        verbose_name = _("club holiday")
        verbose_name_plural = _("club holidays")

    def __str__(self):
        return self.name


class WorkingHours(models.Model):
    """A specialist's hours on a weekday, from a date on. The rows with the latest ``valid_from``
    not after a day make up the week that applies to it: a new week is entered with a new date,
    and the old one stays for the sessions already past."""

    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("specialist"), on_delete=models.CASCADE, related_name="working_hours"
    )
    valid_from = models.DateField(_("valid from"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["staff_member", "-valid_from", "weekday", "starts_at"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        indexes = [models.Index(fields=["staff_member", "valid_from"], name="working_hours_member_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="working_hours_end_after_start",
                violation_error_message=_("Work ends after it starts."),
            ),
            models.UniqueConstraint(
                fields=["staff_member", "valid_from", "weekday", "starts_at"], name="working_hours_unique_start",
                violation_error_message=_("These hours are already entered."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class WorkException(models.Model):
    """Days a specialist does not work (vacation, sick leave), or an extra shift on a day."""

    class Kind(models.TextChoices):
        VACATION = "vacation", _("Vacation")
        SICK = "sick", _("Sick leave")
        EXTRA = "extra", _("Extra shift")

    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("specialist"), on_delete=models.CASCADE, related_name="work_exceptions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    starts_at = models.TimeField(_("shift starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("shift ends at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("working hours exception")
        verbose_name_plural = _("working hours exceptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="work_exception_end_after_start",
                violation_error_message=_("The last day cannot be before the first."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="extra") | Q(starts_at__isnull=False, ends_at__gt=F("starts_at")),
                name="work_exception_extra_has_hours",
                violation_error_message=_("An extra shift needs its hours, ending after they start."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.staff_member}"
