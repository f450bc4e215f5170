"""The slot finder: where a service fits.

A **slot** for a service is a start at which, for the service's duration,

- the specialist works (``staff.schedule``: weekly hours, exceptions, the club's hours and holidays),
- the specialist has no other session until the end plus the service's buffer,
- the client has no other session (and, within one program, a ``PROGRAM_BREAK`` between two),
- a room of the kind the service needs (``Service.room_kind``) has a place left until the end plus
  the buffer (a room for one holds one session; a larger one up to its capacity at once);
- no group class takes the specialist, the room (a class takes the whole room) or the client
  (``programs.classes.busy``).

Starts are tried every ``STEP`` minutes from the beginning of each working interval. Everything is
read up front (``Board.load``: a fixed number of queries whatever the number of days, specialists
or sessions); sessions the planner places are added to the board as it goes. Moments are built
from each day's wall-clock times, so the Sundays the clocks change in Europe/Kyiv keep 09:00 at 09:00.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from staff.models import Room, Service
from staff.schedule import Calendar, Interval, covers, load_calendar

from ..models import Session

STEP = datetime.timedelta(minutes=15)
PROGRAM_BREAK = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime
    end: datetime.datetime
    specialist_id: int | None
    room_id: int | None


def overlaps(start, end, intervals) -> bool:
    return any(s < end and start < e for s, e in intervals)


@dataclass
class Board:
    """Who and what is taken, for some specialists, rooms and a client over some days."""

    calendar: Calendar
    rooms: list[Room]
    specialist_busy: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    room_busy: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    client_busy: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    room_closed: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    cache: dict = field(default_factory=dict, repr=False)  # worked out once: hours by (specialist, day), rooms

    @classmethod
    def load(cls, *, specialist_ids, client_ids, room_kinds, first: datetime.date, last: datetime.date,
             exclude_pk=None, department_ids=None) -> "Board":
        """Seven to nine queries: the calendar, the rooms of ``room_kinds``, every session not
        cancelled of those specialists, rooms and clients from ``first`` to ``last``, and the group
        classes that take them."""
        from ..classes.busy import bookings_taking, occurrences_taking
        from core.dates import days_bounds

        specialist_ids = [pk for pk in specialist_ids if pk]
        calendar = load_calendar(member_ids=specialist_ids, first=first, last=last)
        rooms = list(Room.objects.filter(kind__in=[k for k in room_kinds if k], is_active=True)
                     .order_by("capacity", "name", "pk")) if any(room_kinds) else []
        if department_ids is not None:
            rooms = [room for room in rooms if room.department_id in department_ids] or rooms
        start, end = days_bounds(first - datetime.timedelta(days=1), last + datetime.timedelta(days=1))
        board = cls(calendar=calendar, rooms=rooms)
        taken = Q(specialist__in=specialist_ids) | Q(client__in=client_ids) | Q(room__in=[r.pk for r in rooms])
        sessions = (Session.objects.filter(taken, scheduled_at__lt=end, busy_until__gt=start)
                    .exclude(status__in=Session.FREED).exclude(pk=exclude_pk)
                    .values_list("specialist_id", "room_id", "client_id", "scheduled_at", "ends_at", "busy_until"))
        for specialist_id, room_id, client_id, starts, ends, busy_until in sessions:
            board.take(specialist_id, room_id, client_id, starts, ends, busy_until)
        room_ids = [r.pk for r in rooms]
        for occurrence in occurrences_taking(start=start, end=end, specialist_ids=specialist_ids, room_ids=room_ids):
            board.take(occurrence.specialist_id if occurrence.specialist_id in specialist_ids else None, None, None,
                       occurrence.starts_at, occurrence.ends_at, occurrence.busy_until)
            if occurrence.room_id in room_ids:
                board.room_closed[(occurrence.room_id, timezone.localtime(occurrence.starts_at).date())].append(
                    (occurrence.starts_at, occurrence.busy_until))
        for booking in bookings_taking(start=start, end=end, client_ids=client_ids):
            board.take(None, None, booking.client_id, booking.occurrence.starts_at, booking.occurrence.ends_at,
                       booking.occurrence.ends_at)
        return board

    def take(self, specialist_id, room_id, client_id, start, end, busy_until, gap=datetime.timedelta(0)):
        """Mark [start, busy_until) taken for the specialist and the room, [start, end) for the client
        (kept by club-local day, so that a check reads one day's sessions, not the year's)."""
        day = timezone.localtime(start).date()
        if specialist_id:
            self.specialist_busy[(specialist_id, day)].append((start, busy_until))
        if room_id:
            self.room_busy[(room_id, day)].append((start, busy_until))
        if client_id:
            self.client_busy[(client_id, day)].append((start, end + gap))

    @staticmethod
    def around(busy: dict, key, start, day=None) -> list[Interval]:
        """What is taken for ``key`` on the day of ``start`` (its club-local ``day`` when known) and
        the day before (a late session)."""
        day = day or timezone.localtime(start).date()
        return busy.get((key, day), []) + busy.get((key, day - datetime.timedelta(days=1)), [])

    def hours_of(self, specialist_id, day: datetime.date) -> list[Interval]:
        """When ``specialist_id`` works on ``day`` (None: when the club is open), worked out once
        per board (the calendar does not change while the board is read)."""
        key = (specialist_id, day)
        if key not in self.cache:
            self.cache[key] = (self.calendar.working_hours(specialist_id, day) if specialist_id
                               else self.calendar.club_hours(day))
        return self.cache[key]

    def sessions_of(self, specialist_id) -> int:
        return sum(len(v) for (key, _day), v in self.specialist_busy.items() if key == specialist_id)

    def room_free(self, room: Room, start, until, day=None) -> bool:
        """Whether ``room`` has a place left at every moment of [start, until)."""
        day = day or timezone.localtime(start).date()
        if overlaps(start, until, self.around(self.room_closed, room.pk, start, day)):
            return False
        busy = [(s, e) for s, e in self.around(self.room_busy, room.pk, start, day) if s < until and start < e]
        if room.capacity == 1 or not busy:
            return not busy
        moments = sorted({start} | {s for s, _ in busy if s > start})
        return all(sum(1 for s, e in busy if s <= moment < e) < room.capacity for moment in moments)

    def free_room(self, service: Service, start, until, day=None) -> Room | None | bool:
        """The room to use (None when the service needs none; False when none is free)."""
        if not service.room_kind:
            return None
        key = ("rooms", service.room_kind, service.department_id)
        if key not in self.cache:  # the rooms to try, the service's department's first: sorted once
            rooms = [r for r in self.rooms if r.kind == service.room_kind]
            self.cache[key] = [r for r in rooms if r.department_id == service.department_id] + \
                              [r for r in rooms if r.department_id != service.department_id]
        preferred = self.cache[key]
        return next((room for room in preferred if self.room_free(room, start, until, day)), False)

    def fits(self, *, service: Service, specialist_id, client_id, start, gap=datetime.timedelta(0), zone=None):
        """The slot at ``start`` (with its room), or None: the rule in the module's docstring."""
        end = start + datetime.timedelta(minutes=service.duration_minutes)
        until = end + datetime.timedelta(minutes=service.buffer_minutes)
        day = start.astimezone(zone or timezone.get_current_timezone()).date()
        if not covers(self.hours_of(specialist_id, day), start, end):
            return None
        if specialist_id and overlaps(start, until, self.around(self.specialist_busy, specialist_id, start, day)):
            return None
        if client_id and overlaps(start - gap, end + gap, self.around(self.client_busy, client_id, start, day)):
            return None
        room = self.free_room(service, start, until, day)
        if room is False:
            return None
        return Slot(start, end, specialist_id, room.pk if room else None)

    def slots_on(self, *, day: datetime.date, service: Service, specialist_ids, client_id,
                 not_before=None, gap=datetime.timedelta(0)):
        """Every slot on ``day`` for any of ``specialist_ids`` (None: no specialist), by time."""
        found, zone = [], timezone.get_current_timezone()
        duration = datetime.timedelta(minutes=service.duration_minutes)
        taken = duration + datetime.timedelta(minutes=service.buffer_minutes)
        for specialist_id in specialist_ids or [None]:
            # Every start tried lies on ``day`` (hours end by its midnight): the specialist's
            # sessions around it are read once, and a start they block jumps past them.
            busy = self.around(self.specialist_busy, specialist_id, None, day) if specialist_id else []
            for opens, closes in self.hours_of(specialist_id, day):
                start = opens
                while start + duration <= closes:
                    blocked = max((e for s, e in busy if s < start + taken and start < e), default=None)
                    if blocked is not None:  # every start before ``blocked`` overlaps the same session
                        start = opens + -((opens - blocked) // STEP) * STEP
                        continue
                    if not_before is None or start >= not_before:
                        slot = self.fits(service=service, specialist_id=specialist_id, client_id=client_id,
                                         start=start, gap=gap, zone=zone)
                        if slot:
                            found.append(slot)
                    start += STEP
        return sorted(found, key=lambda slot: (slot.start, slot.specialist_id or 0))


def nearest_slots(board: Board, *, service: Service, specialist_ids, client_id, near: datetime.datetime,
                  days: int, count: int = 3, not_before=None) -> list[Slot]:
    """The ``count`` slots nearest to ``near`` (before or after it) over ``days`` days from its day,
    none before ``not_before``."""
    near = near.astimezone(datetime.timezone.utc)
    first = timezone.localtime(near).date()
    candidates = []
    for offset in range(-1, days):
        day = first + datetime.timedelta(days=offset)
        candidates += board.slots_on(day=day, service=service, specialist_ids=specialist_ids,
                                     client_id=client_id, not_before=not_before)
    candidates.sort(key=lambda slot: (abs(slot.start - near), slot.start))
    return sorted(candidates[:count], key=lambda slot: slot.start)
