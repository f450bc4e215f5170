"""Planning a program: each item's sessions placed in free slots.

An item's sessions go on the days ``session_dates`` spreads them over (its sessions a week, from
the program's start); on each day the planner takes the first slot from the preferred time
(``PREFERRED_TIME``, 10:00) on — else the first of the day, else the first on one of the next
``LOOK_AHEAD_DAYS`` days — with the item's specialist, or any active specialist who provides the
service when none is chosen (the one already taken for the item first, then the least busy). Two
sessions of the program on one day keep a ``PROGRAM_BREAK`` between them. A session that finds no
slot is not booked: the item's ``unplaced`` says how many and why, and the program page lists it.
All of it reads one board (``slots.Board``) and writes in one statement, so planning a program
costs the same few queries however many sessions it has.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _, ngettext

from staff.models import StaffMember
from staff.schedule import at

from ..models import Program, ProgramItem, Session
from .slots import PROGRAM_BREAK, Board

PREFERRED_TIME = datetime.time(10, 0)
LOOK_AHEAD_DAYS = 3


def session_dates(start: datetime.date, count: int, per_week: int) -> list[datetime.date]:
    """Spread ``count`` sessions, ``per_week`` a week, evenly over the weeks from ``start``."""
    offsets = [(i * 7) // per_week for i in range(per_week)]  # 2 a week: Mon, Thu
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


def place_session(board: Board, *, service, candidates: list[int], day: datetime.date, client_id,
                  preferred: datetime.time = PREFERRED_TIME):
    """The slot for one session planned on ``day`` (the rule in the module's docstring), or None."""
    preferred = at(day, preferred)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        on = day + datetime.timedelta(days=offset)
        slots = board.slots_on(day=on, service=service, specialist_ids=candidates, client_id=client_id,
                               gap=PROGRAM_BREAK)
        if slots:
            later = [slot for slot in slots if slot.start >= preferred] if offset == 0 else []
            return (later or slots)[0]
    return None


def plan_items(*, program: Program, items: list[ProgramItem], start: datetime.date, user=None) -> int:
    """Place the sessions of ``items`` from ``start`` (the rule above); returns how many were booked."""
    dates = {item.pk: session_dates(start, item.sessions_count, item.sessions_per_week) for item in items}
    last = max((d[-1] for d in dates.values() if d), default=start) + datetime.timedelta(days=LOOK_AHEAD_DAYS)
    candidates = _candidates(items)
    specialist_ids = {pk for ids in candidates.values() for pk in ids}
    board = Board.load(specialist_ids=specialist_ids, client_ids=[program.client_id],
                       room_kinds={item.service.room_kind for item in items}, first=start, last=last)
    load = {pk: board.sessions_of(pk) for pk in specialist_ids}
    sessions, missing = [], {}
    for item in items:
        chosen = []
        for day in dates[item.pk]:
            people = sorted(candidates[item.pk], key=lambda pk: (pk not in chosen, load.get(pk, 0)))
            slot = place_session(board, service=item.service, candidates=people, day=day, client_id=program.client_id)
            if slot is None:
                missing.setdefault(item.pk, []).append(day)
                continue
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
        unplaced = missing.get(item.pk, [])
        item.unplaced = unplaced_reason(item, unplaced, candidates[item.pk]) if unplaced else ""
        ProgramItem.objects.filter(pk=item.pk).update(unplaced=item.unplaced)
    return len(sessions)


def _lock_people(specialist_ids) -> None:
    list(StaffMember.objects.select_for_update().filter(pk__in=specialist_ids).values_list("pk"))


def unplaced_reason(item: ProgramItem, days: list[datetime.date], candidates: list[int]) -> str:
    """What the program page says about an item's sessions that found no slot."""
    dates = ", ".join(formats.date_format(day, "SHORT_DATE_FORMAT") for day in days[:6])
    if not candidates and not item.specialist_id:
        why = _("nobody provides this service")
    else:
        why = _("no free time of the specialist, a room or the client on those days and the %(days)s after") % {
            "days": LOOK_AHEAD_DAYS}
    return ngettext(
        "%(count)s session not placed (%(dates)s): %(why)s.",
        "%(count)s sessions not placed (%(dates)s): %(why)s.",
        len(days),
    ) % {"count": len(days), "dates": dates + ("…" if len(days) > 6 else ""), "why": why}


def plan_program(*, program: Program, user=None) -> int:
    """Place every item's sessions from the program's start date."""
    items = list(program.items.select_related("service").order_by("position", "id"))
    return plan_items(program=program, items=items, start=program.start_date, user=user)
