"""Planning a program: each item's sessions placed in free slots.

An item's sessions go on the days ``session_dates`` spreads them over (its sessions a week, from
the program's start): on the client's preferred days (``Client.preferred_weekdays``) when the card
has them — as many of them a week as the item needs, the rest of the week's sessions spread
between. On each day the planner takes the first slot within the client's preferred hours
(``Client.preferred_time_from`` / ``preferred_time_to``), else the slot of that day nearest to
them; with no preferred hours, the first slot from ``PREFERRED_TIME`` (10:00) on, else the first
of the day. A day with no slot at all passes the session to one of the next ``LOOK_AHEAD_DAYS``
days. The specialist is the item's, or any active specialist who provides the service when none
is chosen (the one already taken for the item first, then the least busy). Two sessions of the
program on one day keep a ``PROGRAM_BREAK`` between them. A session that finds no slot is not
booked, and a session placed off the client's preferred days or hours is counted: the item's
``placing`` keeps how many and why as codes (``placing_note``), and the program page shows it in
the reader's language.
All of it reads one board (``slots.Board``) and writes in one statement, so planning a program
costs the same few queries however many sessions it has.
"""

import dataclasses
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from clients.models.weekdays import on_weekdays, weekdays_of
from staff.models import StaffMember
from staff.schedule import at

from ..models import Program, ProgramItem, Session
from .slots import PROGRAM_BREAK, Board, Slot

PREFERRED_TIME = datetime.time(10, 0)
LOOK_AHEAD_DAYS = 3


def week_offsets(start: datetime.date, per_week: int, weekdays: str = "") -> list[int]:
    """The days of each week (from ``start``, 0–6) the sessions go on: spread evenly (2 a week
    from a Monday: Mon, Thu); with preferred ``weekdays`` ("135"), those days — spread among
    them when there are more than needed, the evenly spread days farthest from them added when
    there are fewer."""
    spread = [(i * 7) // per_week for i in range(per_week)]
    preferred = sorted({(day - start.isoweekday()) % 7 for day in weekdays_of(weekdays)})
    if not preferred:
        return spread
    if len(preferred) >= per_week:
        return [preferred[(i * len(preferred)) // per_week] for i in range(per_week)]

    def distance(offset):
        return min(min(abs(offset - p), 7 - abs(offset - p)) for p in preferred)

    extra = sorted((o for o in spread if o not in preferred), key=lambda o: (-distance(o), o))
    return sorted(preferred + extra[:per_week - len(preferred)])


def session_dates(start: datetime.date, count: int, per_week: int, weekdays: str = "") -> list[datetime.date]:
    """Spread ``count`` sessions, ``per_week`` a week, over the weeks from ``start``, on the
    preferred ``weekdays`` when given (``week_offsets``)."""
    offsets = week_offsets(start, per_week, weekdays)
    return [
        start + datetime.timedelta(weeks=n // per_week, days=offsets[n % per_week])
        for n in range(count)
    ]


def _candidates(items) -> dict[int, list[int]]:
    """Who may deliver each item: its specialist, or every active one providing the service."""
    providers = {}
    service_ids = {item.service_id for item in items if not item.specialist_id}
    for member_id, service_id in StaffMember.objects.filter(
        services__in=service_ids, is_active=True
    ).values_list("pk", "services").order_by("last_name", "first_name", "pk"):
        providers.setdefault(service_id, []).append(member_id)
    return {item.pk: [item.specialist_id] if item.specialist_id else providers.get(item.service_id, [])
            for item in items}


@dataclasses.dataclass(frozen=True)
class Preferences:
    """When the client likes to come (``clients.Client``): ISO weekday digits ("" any day) and
    club-local hours (either end may be open)."""

    weekdays: str = ""
    starts: datetime.time | None = None
    ends: datetime.time | None = None

    @property
    def has_hours(self) -> bool:
        return bool(self.starts or self.ends)

    def off_hours(self, slot: Slot) -> datetime.timedelta:
        """How far ``slot`` is outside the preferred hours of its day (zero: within them)."""
        day = timezone.localtime(slot.start).date()
        if self.starts and slot.start < at(day, self.starts):
            return at(day, self.starts) - slot.start
        if self.ends and slot.end > at(day, self.ends):
            return slot.end - at(day, self.ends)
        return datetime.timedelta(0)

    def keeps(self, slot: Slot, day: datetime.date) -> bool:
        """Whether ``slot`` for a session planned on ``day`` is within the preferred hours and, when
        ``day`` is a preferred day, on it (a week needing more sessions than preferred days takes
        other days by design: not counted as off)."""
        moved_off = on_weekdays(day, self.weekdays) and not on_weekdays(
            timezone.localtime(slot.start).date(), self.weekdays)
        return not moved_off and not self.off_hours(slot)


NO_PREFERENCES = Preferences()


def client_preferences(client_id) -> Preferences:
    """One query: the client's preferred days and hours."""
    row = Client.objects.filter(pk=client_id).values_list(
        "preferred_weekdays", "preferred_time_from", "preferred_time_to").first()
    return Preferences(*row) if row else NO_PREFERENCES


def place_session(board: Board, *, service, candidates: list[int], day: datetime.date, client_id,
                  preferred: datetime.time = PREFERRED_TIME, preferences: Preferences = NO_PREFERENCES):
    """The slot for one session planned on ``day`` (the rule in the module's docstring), or None."""
    preferred = at(day, preferred)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        on = day + datetime.timedelta(days=offset)
        slots = board.slots_on(day=on, service=service, specialist_ids=candidates, client_id=client_id,
                               gap=PROGRAM_BREAK)
        if slots and preferences.has_hours:
            return min(slots, key=lambda slot: (preferences.off_hours(slot), slot.start))
        if slots:
            later = [slot for slot in slots if slot.start >= preferred] if offset == 0 else []
            return (later or slots)[0]
    return None


def plan_items(*, program: Program, items: list[ProgramItem], start: datetime.date, user=None) -> int:
    """Place the sessions of ``items`` from ``start`` (the rule above); returns how many were booked."""
    preferences = client_preferences(program.client_id)
    dates = {item.pk: session_dates(start, item.sessions_count, item.sessions_per_week, preferences.weekdays)
             for item in items}
    last = max((d[-1] for d in dates.values() if d), default=start) + datetime.timedelta(days=LOOK_AHEAD_DAYS)
    candidates = _candidates(items)
    specialist_ids = {pk for ids in candidates.values() for pk in ids}
    board = Board.load(specialist_ids=specialist_ids, client_ids=[program.client_id],
                       room_kinds={item.service.room_kind for item in items}, first=start, last=last)
    load = {pk: board.sessions_of(pk) for pk in specialist_ids}
    sessions, missing, off_preferences = [], {}, {}
    for item in items:
        chosen = []
        for day in dates[item.pk]:
            people = sorted(candidates[item.pk], key=lambda pk: (pk not in chosen, load.get(pk, 0)))
            slot = place_session(board, service=item.service, candidates=people, day=day, client_id=program.client_id,
                                 preferences=preferences)
            if slot is None:
                missing.setdefault(item.pk, []).append(day)
                continue
            if not preferences.keeps(slot, day):
                off_preferences[item.pk] = off_preferences.get(item.pk, 0) + 1
            chosen.append(slot.specialist_id)
            load[slot.specialist_id] = load.get(slot.specialist_id, 0) + 1
            until = slot.end + datetime.timedelta(minutes=item.service.buffer_minutes)
            board.take(slot.specialist_id, slot.room_id, program.client_id, slot.start, slot.end, until)
            room = next((r for r in board.rooms if r.pk == slot.room_id), None)
            sessions.append(Session(
                item=item, client_id=program.client_id, specialist_id=slot.specialist_id, room_id=slot.room_id,
                room_exclusive=bool(room and room.capacity == 1), scheduled_at=slot.start, ends_at=slot.end,
                busy_until=until, duration_minutes=item.service.duration_minutes, created_by=user,
            ))
    _lock_people(specialist_ids)
    try:
        with transaction.atomic():
            Session.objects.bulk_create(sessions)
    except IntegrityError:  # PostgreSQL: another booking took one of these slots meanwhile
        from django.core.exceptions import ValidationError

        raise ValidationError(_("The schedule changed while the program was planned: try again.")) from None
    for item in items:
        item.placing = placing_note(item, missing.get(item.pk, []), candidates[item.pk],
                                    off_preferences.get(item.pk, 0))
        ProgramItem.objects.filter(pk=item.pk).update(placing=item.placing)
    return len(sessions)


def _lock_people(specialist_ids) -> None:
    list(StaffMember.objects.select_for_update().filter(pk__in=specialist_ids).values_list("pk"))


def placing_note(item: ProgramItem, days: list[datetime.date], candidates: list[int], off_preferences: int) -> dict:
    """What the program page says about an item (``ProgramItem.placing``): the sessions that found
    no slot and why, and how many went off the client's preferences; codes, read in each
    reader's language."""
    note = {}
    if days:
        note.update(days=[day.isoformat() for day in days], look_ahead=LOOK_AHEAD_DAYS,
                    why="nobody" if not candidates and not item.specialist_id else "no_time")
    if off_preferences:
        note["off_preferences"] = off_preferences
    return note


def plan_program(*, program: Program, user=None) -> int:
    """Place every item's sessions from the program's start date."""
    items = list(program.items.select_related("service").order_by("position", "id"))
    return plan_items(program=program, items=items, start=program.start_date, user=user)
