"""The calendar's reads: the columns (specialists or rooms) and the sessions of a few days, as
the calendar library (EventCalendar, ``static/js/calendar.js``) parses them.

Who sees what is the visibility rule of the clients (``clients.selectors.clients_visible_to``):

- whoever may ``plan_schedule`` sees every specialist's or room's sessions — the client's name and
  the service for the clients they see (a manager: their own), only *busy* for the others — and may
  move those of the clients they see; *my clients* narrows it to those sessions alone;
- a specialist without it sees their own column: the client's name and what to deliver, never
  contacts, read only.

The feed costs the same few queries whatever the number of sessions, specialists or rooms
(``FEED_QUERIES``; a test counts them at two sizes): the columns, the sessions (with their
service, client, specialist and room joined, and whether the user sees the client as one
subquery), the group classes of the columns (``classes.selectors.occurrences_between``: read only,
the service and the places taken, never the clients' names — whoever looks), and the working hours of the specialists in view (``staff.schedule.load_calendar``),
drawn behind the sessions.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.selectors import clients_visible_to
from core.capabilities import PLAN_SCHEDULE, can
from core.dates import day_bounds
from staff.models import Room, StaffMember
from staff.schedule import load_calendar

from .classes.selectors import occurrences_between
from .models import Session

BY_SPECIALISTS, BY_ROOMS = "specialists", "rooms"
DAY, WEEK = "day", "week"
MAX_DAYS = 42  # the longest range one request may read (six weeks)
# Queries of one feed: columns, sessions, group classes, and the hours behind them (opening hours,
# holidays, working hours, exceptions; by rooms the club's hours only).
FEED_QUERIES = {BY_SPECIALISTS: 7, BY_ROOMS: 5}
LOCAL = "%Y-%m-%dT%H:%M:%S"  # the calendar reads club-local wall-clock times


@dataclass
class CalendarFilter:
    """What one view of the calendar shows: the days [start, end), the columns, and the sessions."""

    start: datetime.date
    end: datetime.date
    by: str = BY_SPECIALISTS
    department_id: int | None = None
    program_id: int | None = None
    client_id: int | None = None
    mine: bool = False
    errors: dict = field(default_factory=dict)


def _pk(value) -> int | None:
    return int(value) if value and str(value).isdecimal() else None


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=7)


def calendar_filter(params) -> CalendarFilter:
    """The filter from a query string (``start``, ``end``, ``by``, ``department``, ``program``,
    ``client``, ``mine``); what is missing is this week, by specialists. A bad value is named in
    ``errors`` (the feed answers 400 with them)."""
    errors = {}
    start, end = _date(params.get("start")), _date(params.get("end"))
    if params.get("start") and start is None:
        errors["start"] = _("Enter a valid date.")
    if params.get("end") and end is None:
        errors["end"] = _("Enter a valid date.")
    if start is None or end is None:
        start, end = week_of(start or timezone.localdate())
    if end <= start:
        errors["end"] = _("The end must be after the start.")
    elif (end - start).days > MAX_DAYS:
        errors["end"] = _("Ask for at most %(days)s days at once.") % {"days": MAX_DAYS}
    by = params.get("by") if params.get("by") in (BY_SPECIALISTS, BY_ROOMS) else BY_SPECIALISTS
    return CalendarFilter(start=start, end=end, by=by, department_id=_pk(params.get("department")),
                          program_id=_pk(params.get("program")), client_id=_pk(params.get("client")),
                          mine=params.get("mine") in ("1", "true", "on"), errors=errors)


def own_staff_member(user) -> StaffMember | None:
    return StaffMember.objects.filter(user=user).first() if user.is_authenticated else None


def calendar_columns(user, flt: CalendarFilter, *, own: StaffMember | None = None) -> list:
    """The columns: the active specialists (or rooms) of the department; a specialist who may not
    plan has only their own column."""
    if flt.by == BY_ROOMS and can(user, PLAN_SCHEDULE):
        rooms = Room.objects.filter(is_active=True).select_related("department")
        if flt.department_id:
            rooms = rooms.filter(department=flt.department_id)
        return list(rooms.order_by("department__name", "name", "pk"))
    if not can(user, PLAN_SCHEDULE):
        return [own] if own is not None else []
    return list(specialists_of(flt.department_id).select_related("department"))


def specialists_of(department_id: int | None):
    """The active specialists of a department (every department's without one), by department
    and name: the by-specialist columns, and by room the booking form's specialists."""
    people = StaffMember.objects.filter(is_active=True, role__in=StaffMember.SPECIALIST_ROLES)
    if department_id:
        people = people.filter(department=department_id)
    return people.order_by("department__name", "last_name", "first_name", "pk")


def calendar_sessions(user, flt: CalendarFilter, columns: list):
    """The sessions of the columns in the days, with ``shown`` (whether the user may read the client's
    name and the service) — one query."""
    first, _end = day_bounds(flt.start)
    last = day_bounds(flt.end - datetime.timedelta(days=1))[1]
    ids = [column.pk for column in columns]
    sessions = Session.objects.exclude(status__in=Session.FREED).filter(scheduled_at__lt=last, ends_at__gt=first)
    sessions = sessions.filter(room__in=ids) if flt.by == BY_ROOMS else sessions.filter(specialist__in=ids)
    visible = clients_visible_to(user)
    if can(user, PLAN_SCHEDULE):
        sessions = sessions.annotate(shown=Exists(visible.filter(pk=OuterRef("client_id"))))
        if flt.mine:
            sessions = sessions.filter(client__in=visible)
    else:  # a specialist: their own sessions, the client's name and what to deliver
        sessions = sessions.annotate(shown=Value(True))  # their own column only (``calendar_columns``)
    if flt.client_id:
        sessions = sessions.filter(client=flt.client_id, client__in=visible)
    return sessions.select_related("item__service", "client", "specialist", "room").order_by("scheduled_at", "pk")


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(LOCAL)


def _event(session, *, by: str, may_plan: bool, program_id: int | None) -> dict:
    shown = session.shown
    service = session.item.service
    client = session.client.full_name if shown else ""
    classes = [f"ec-status-{session.status}", "ec-shown" if shown else "ec-busy"]
    if program_id and session.item.program_id == program_id:
        classes.append("ec-proposal")
    editable = bool(may_plan and shown and session.status == Session.Status.PLANNED)
    return {
        "id": str(session.pk),
        "resourceIds": [str(session.room_id if by == BY_ROOMS else session.specialist_id)],
        "start": _local(session.scheduled_at),
        "end": _local(session.ends_at),
        "title": f"{service.name} · {client}" if shown else _("Busy"),
        "classNames": classes,
        "editable": editable,
        "extendedProps": {
            "session": session.pk,
            "service": service.name if shown else "",
            "client": client,
            "notes": session.item.notes if shown else "",
            "specialist": str(session.specialist) if session.specialist_id else "",
            "room": session.room.name if session.room_id else "",
            "status": session.get_status_display(),
            "confirmed": bool(session.confirmed_at),
            "editable": editable,
        },
    }


def calendar_classes(flt: CalendarFilter, columns: list):
    """The dated group classes (not cancelled) held by the columns' specialists (or in their rooms)
    in the days, with their ``booked`` count — one query."""
    first, _end = day_bounds(flt.start)
    last = day_bounds(flt.end - datetime.timedelta(days=1))[1]
    ids = [column.pk for column in columns]
    rows = occurrences_between(first, last).filter(cancelled=False)
    return rows.filter(room__in=ids) if flt.by == BY_ROOMS else rows.filter(specialist__in=ids)


def _class_event(occurrence, *, by: str) -> dict:
    """A class on the calendar: read only, its service and places taken, a link to its page."""
    group_class = occurrence.group_class
    places = f"{occurrence.booked}/{group_class.capacity}"
    return {
        "id": f"class-{occurrence.pk}",
        "resourceIds": [str(occurrence.room_id if by == BY_ROOMS else occurrence.specialist_id)],
        "start": _local(occurrence.starts_at),
        "end": _local(occurrence.ends_at),
        "title": f"{group_class.service.name} · {places}",
        "classNames": ["ec-class"],
        "editable": False, "startEditable": False, "durationEditable": False,
        "extendedProps": {
            "occurrence": occurrence.pk,
            "url": reverse("programs:class-occurrence", args=[occurrence.pk]),
            "service": group_class.service.name,
            "places": places,
            "specialist": str(occurrence.specialist),
            "room": occurrence.room.name,
            "editable": False,
        },
    }


def _hours(flt: CalendarFilter, columns: list) -> list[dict]:
    """The working time drawn behind the sessions: each specialist's hours (by specialists), the
    club's opening hours (by rooms)."""
    if not columns:
        return []
    by_rooms = flt.by == BY_ROOMS
    last = flt.end - datetime.timedelta(days=1)
    calendar = load_calendar(member_ids=[] if by_rooms else [c.pk for c in columns], first=flt.start, last=last)
    events = []
    day = flt.start
    while day < flt.end:
        if by_rooms:
            rows = [([str(c.pk) for c in columns], calendar.club_hours(day))]
        else:
            rows = [([str(c.pk)], calendar.working_hours(c.pk, day)) for c in columns]
        for resource_ids, intervals in rows:
            for start, end in intervals:
                events.append({"resourceIds": resource_ids, "start": _local(start), "end": _local(end),
                               "display": "background", "classNames": ["ec-working"]})
        day += datetime.timedelta(days=1)
    return events


def _column(column, by: str) -> dict:
    if by == BY_ROOMS:
        return {"id": str(column.pk), "title": f"{column.name} ({column.capacity})",
                "extendedProps": {"department": column.department.name if column.department_id else "",
                                  "kind": column.kind}}
    return {"id": str(column.pk), "title": f"{column.first_name} {column.last_name}",
            "extendedProps": {"department": column.department.name if column.department_id else ""}}


def calendar_feed(user, flt: CalendarFilter) -> dict:
    """The columns and the sessions of ``flt`` for ``user``, as the calendar parses them, in
    ``FEED_QUERIES[flt.by]`` queries whatever the data size."""
    if flt.by == BY_ROOMS and not can(user, PLAN_SCHEDULE):
        flt.by = BY_SPECIALISTS
    own = None if can(user, PLAN_SCHEDULE) else own_staff_member(user)
    columns = calendar_columns(user, flt, own=own)
    may_plan = can(user, PLAN_SCHEDULE)
    events = [_event(s, by=flt.by, may_plan=may_plan, program_id=flt.program_id)
              for s in calendar_sessions(user, flt, columns)] if columns else []
    classes = [_class_event(o, by=flt.by) for o in calendar_classes(flt, columns)] if columns else []
    return {
        "resources": [_column(column, flt.by) for column in columns],
        "events": _hours(flt, columns) + events + classes,
    }


__all__ = ["BY_ROOMS", "BY_SPECIALISTS", "CalendarFilter", "FEED_QUERIES", "calendar_feed", "calendar_filter", "specialists_of",
           "week_of"]
