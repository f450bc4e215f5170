"""The timetable: a group class's weekly rule turned into dated occurrences.

- **The rule's dates**: every day from the class's first day (or today, whichever is later) to
  its last day (or ``CLASS_TIMETABLE_WEEKS`` weeks ahead, whichever is earlier) that falls on one
  of its weekdays; each occurrence runs from the class's start time on that day (club-local, so
  09:00 stays 09:00 across the clock changes) for its duration, and takes the specialist and the
  room until the end plus the service's buffer.
- **No conflict**: an occurrence must lie within the specialist's working hours and the club's
  opening hours, not on a holiday (``staff.schedule``), and its specialist and its room must be
  free of personal sessions (not cancelled) and of other classes (a class takes its whole room).
- **Saving a class** (``group_class_save``) generates its occurrences over the horizon, all or
  nothing: a conflict refuses the save with the day and the reason. Future occurrences that no
  longer follow the rule are removed when nobody holds a place in them (kept otherwise, and said).
- **Extending** (``class_timetable_extend``, daily through Celery beat) adds what the horizon
  newly reaches, class by class; a conflicting day is skipped and reported, never forced.

Each class is generated under the row locks the session booking takes (``_lock(specialist,
room)``), so a session and a class cannot take the same hour at once; on PostgreSQL the
exclusion constraints (``programs.classes.constraints``) refuse two classes at once as well.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from staff.schedule import at, covers, load_calendar

from ..models import Session
from ..scheduling.booking import _lock, when
from .models import ClassBooking, ClassOccurrence, GroupClass


@dataclass
class Generated:
    """What generating a class did: occurrences added, removed, kept (booked) and skipped days."""

    added: int = 0
    removed: int = 0
    kept: list[ClassOccurrence] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def horizon(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(weeks=settings.CLASS_TIMETABLE_WEEKS)


def rule_dates(group_class: GroupClass, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The days of the rule from ``first`` to ``last`` (the module's docstring)."""
    first = max(first, group_class.start_date)
    if group_class.end_date:
        last = min(last, group_class.end_date)
    weekdays = set(group_class.weekday_numbers())
    days = (first + datetime.timedelta(days=n) for n in range(max((last - first).days + 1, 0)))
    return [day for day in days if day.weekday() in weekdays]


def moments(group_class: GroupClass, day: datetime.date):
    """Start, end and busy-until of the class on ``day``, in UTC."""
    start = at(day, group_class.starts_at)
    end = start + datetime.timedelta(minutes=group_class.duration_minutes)
    return start, end, end + datetime.timedelta(minutes=group_class.service.buffer_minutes)


class _Taken:
    """Sessions and other classes of one specialist and one room over some days (two queries)."""

    def __init__(self, group_class: GroupClass, first: datetime.date, last: datetime.date):
        start, end = at(first, datetime.time(0)), at(last + datetime.timedelta(days=1), datetime.time(0))
        who = Q(specialist=group_class.specialist_id) | Q(room=group_class.room_id)
        self.sessions = list(
            Session.objects.filter(who, scheduled_at__lt=end, busy_until__gt=start - datetime.timedelta(days=1))
            .exclude(status__in=Session.FREED).select_related("item__service", "specialist", "room"))
        self.classes = list(
            ClassOccurrence.objects.filter(who, cancelled=False, starts_at__lt=end,
                                           busy_until__gt=start - datetime.timedelta(days=1))
            .exclude(group_class=group_class.pk).select_related("group_class__service", "specialist", "room"))
        self.group_class = group_class

    def problem(self, start, until) -> str:
        g = self.group_class
        for session in self.sessions:
            if session.scheduled_at < until and start < session.busy_until:
                who = g.specialist if session.specialist_id == g.specialist_id else g.room
                return _("%(who)s is busy with %(service)s at %(when)s.") % {
                    "who": who, "service": session.item.service, "when": when(session.scheduled_at)}
        for other in self.classes:
            if other.starts_at < until and start < other.busy_until:
                who = g.specialist if other.specialist_id == g.specialist_id else g.room
                return _("%(who)s is taken by the group class %(service)s at %(when)s.") % {
                    "who": who, "service": other.group_class.service, "when": when(other.starts_at)}
        return ""


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _generate(group_class: GroupClass, *, today: datetime.date, strict: bool) -> Generated:
    """Bring the class's occurrences from ``today`` to the horizon in line with its rule (the
    caller holds the transaction). ``strict``: a conflict raises; otherwise the day is skipped."""
    report = Generated()
    now = timezone.now()
    last = horizon(today)
    _lock(group_class.specialist_id, group_class.room_id)
    future = {o.starts_at: o for o in ClassOccurrence.objects.filter(group_class=group_class, starts_at__gte=now)
              .select_related("room", "specialist")}
    days = rule_dates(group_class, today, last) if group_class.is_active else []
    wanted = {}
    for day in days:
        start, end, until = moments(group_class, day)
        if start >= now:
            wanted[start] = (day, end, until)
    holding = set(ClassBooking.objects.filter(occurrence__in=[o.pk for o in future.values()],
                                              status__in=ClassBooking.HOLDING)
                  .values_list("occurrence_id", flat=True).distinct())
    for start, occurrence in future.items():
        moved = (occurrence.specialist_id, occurrence.room_id) != (group_class.specialist_id, group_class.room_id)
        if start in wanted and not moved:
            continue
        if occurrence.pk in holding:
            report.kept.append(occurrence)
            wanted.pop(start, None)
            continue
        occurrence.delete()
        report.removed += 1
    future = {start: o for start, o in future.items() if o.pk is not None}
    if not wanted:
        return report
    calendar = load_calendar(member_ids=[group_class.specialist_id], first=min(d for d, _e, _u in wanted.values()),
                             last=max(d for d, _e, _u in wanted.values()))
    taken = _Taken(group_class, min(d for d, _e, _u in wanted.values()), max(d for d, _e, _u in wanted.values()))
    new = []
    for start, (day, end, until) in sorted(wanted.items()):
        if start in future:
            continue
        problem = ""
        if not group_class.room.is_active:
            problem = _("%(room)s is not in use.") % {"room": group_class.room}
        elif not covers(calendar.working_hours(group_class.specialist_id, day), start, end):
            problem = _("%(specialist)s does not work then (working hours, days off, the club's hours).") % {
                "specialist": group_class.specialist}
        else:
            problem = taken.problem(start, until)
        if problem:
            message = "{}: {}".format(_day(day), problem)
            if strict:
                raise ValidationError(message)
            report.skipped.append(message)
            continue
        new.append(ClassOccurrence(group_class=group_class, starts_at=start, ends_at=end, busy_until=until,
                                   specialist_id=group_class.specialist_id, room_id=group_class.room_id))
    try:
        with transaction.atomic():
            ClassOccurrence.objects.bulk_create(new)
    except IntegrityError:  # PostgreSQL's exclusion constraints: another class committed meanwhile
        raise ValidationError(_("This time was just taken.")) from None
    report.added = len(new)
    return report


@transaction.atomic
def group_class_save(*, group_class: GroupClass, user, today: datetime.date | None = None) -> tuple[GroupClass, Generated]:
    """Save a class of the timetable and generate its occurrences up to the horizon, or refuse
    with the first day that conflicts (nothing saved)."""
    group_class.full_clean()
    if group_class.pk is None:
        group_class.created_by = user
    group_class.save()
    group_class = GroupClass.objects.select_related("service", "specialist", "room").get(pk=group_class.pk)
    return group_class, _generate(group_class, today=today or timezone.localdate(), strict=True)


def class_timetable_extend(*, today: datetime.date | None = None) -> Generated:
    """Every active class's occurrences up to the horizon, each class in its own transaction; days
    that conflict are skipped and listed."""
    total = Generated()
    today = today or timezone.localdate()
    classes = GroupClass.objects.filter(is_active=True).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    for group_class in classes.select_related("service", "specialist", "room"):
        with transaction.atomic():
            report = _generate(group_class, today=today, strict=False)
        total.added += report.added
        total.removed += report.removed
        total.kept += report.kept
        total.skipped += ["{}: {}".format(group_class, line) for line in report.skipped]
    return total
