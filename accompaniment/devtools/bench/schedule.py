"""The bench club's schedule (issue #14's speed case): 40 specialists and 15 rooms, their weekly
hours, and a year of sessions — half a year behind today, half ahead — written with bulk inserts
and without conflicts, so that PostgreSQL's exclusion constraints accept them:

- each specialist works six days a week (a day off, turn by turn), 09:00–20:00, and gives a
  60-minute session at 09, 11, 13, 15 and 17 o'clock when a place in a room of the service's
  kind is left (rooms for one hold one session at a time, larger ones up to their capacity;
  the places go to the department's specialists in turn);
- a session's client is one of a pool of programs' clients taken in turn, never twice in the
  same hour.

Written once: the schedule is left alone when the bench's sessions are there (the case's size
does not grow with the clients, so that both sizes read the same schedule).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from programs.models import Program, ProgramItem, Session
from staff.models import OpeningHours, Room, RoomKind, Service, StaffMember, WorkingHours

SPECIALISTS = {"fitness": 14, "spa": 13, "cosmetology": 13}  # 40
ROOMS = {  # department -> [(kind, capacity)]: 15 rooms
    "fitness": [(RoomKind.GYM, 30), (RoomKind.GYM, 30), (RoomKind.STUDIO, 12), (RoomKind.STUDIO, 12), (RoomKind.POOL, 12)],
    "spa": [(RoomKind.MASSAGE, 1), (RoomKind.MASSAGE, 1), (RoomKind.MASSAGE, 1), (RoomKind.SPA, 4), (RoomKind.SPA, 4)],
    "cosmetology": [(RoomKind.COSMETOLOGY, 1)] * 5,
}
SERVICE_KINDS = {  # the kinds of each department's three bench services, in their order
    "fitness": [RoomKind.GYM, RoomKind.STUDIO, RoomKind.POOL],
    "spa": [RoomKind.MASSAGE, RoomKind.MASSAGE, RoomKind.SPA],
    "cosmetology": [RoomKind.COSMETOLOGY] * 3,
}
SHIFT = (datetime.time(9, 0), datetime.time(20, 0))
HOURS = (9, 11, 13, 15, 17)
BUFFER = 15  # minutes after a massage or a cosmetology session
DAYS_BACK, DAYS_AHEAD = 182, 183
POOL = 600  # clients with a program whose sessions these are
HOURS_FROM = datetime.date(2020, 1, 1)
PROGRAM_NAME = "Bench schedule program"


def seed_schedule(club) -> int:
    """The schedule's people, rooms, hours and sessions (see the module's docstring); returns the
    sessions written (0 when they were there)."""
    if Program.objects.filter(name=PROGRAM_NAME).exists():
        return 0
    with transaction.atomic():
        return _write(club)


def _write(club) -> int:
    today = club.today
    for weekday in range(7):
        OpeningHours.objects.get_or_create(weekday=weekday, defaults={
            "opens_at": datetime.time(7, 0), "closes_at": datetime.time(22, 0)})
    rooms, services, people = {}, {}, {}
    for code, department in club.departments.items():
        rooms[code] = [
            Room.objects.get_or_create(department=department, name=f"Bench {code} room {n + 1}",
                                       defaults={"kind": kind, "capacity": capacity})[0]
            for n, (kind, capacity) in enumerate(ROOMS[code])
        ]
        services[code] = sorted((s for s in club.services if s.department_id == department.pk), key=lambda s: s.name)
        for service, kind in zip(services[code], SERVICE_KINDS[code]):
            service.room_kind = kind
            service.buffer_minutes = BUFFER if kind in (RoomKind.MASSAGE, RoomKind.COSMETOLOGY) else 0
            service.save(update_fields=["room_kind", "buffer_minutes"])
        people[code] = [
            StaffMember.objects.get_or_create(
                first_name=f"Bench {code}", last_name=f"Specialist {k + 1}",
                defaults={"role": "trainer", "department": department, "hired_on": datetime.date(2022, 1, 1)},
            )[0]
            for k in range(SPECIALISTS[code])
        ]
        for member in people[code]:
            member.services.add(*services[code])
    hours = []
    everyone = [member for code in people for member in people[code]]
    for index, member in enumerate(everyone):
        hours += [WorkingHours(staff_member=member, valid_from=HOURS_FROM, weekday=weekday,
                               starts_at=SHIFT[0], ends_at=SHIFT[1])
                  for weekday in range(7) if weekday != index % 7]
    WorkingHours.objects.bulk_create(hours)

    pool = _programs(club, services)
    day_off = {member.pk: index % 7 for index, member in enumerate(everyone)}
    sessions, turn = [], 0
    first = today - datetime.timedelta(days=DAYS_BACK)
    for offset in range(DAYS_BACK + DAYS_AHEAD):
        day = first + datetime.timedelta(days=offset)
        for slot, hour in enumerate(HOURS):
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
            for code in people:
                places = [(room, seat) for room in rooms[code] for seat in range(room.capacity)]
                staff = list(enumerate(people[code]))
                turn_of = (offset * len(HOURS) + slot) % len(staff)  # the places go round, turn by turn
                for index, member in staff[turn_of:] + staff[:turn_of]:
                    if day.weekday() == day_off[member.pk]:
                        continue  # their day off
                    service = services[code][index % len(services[code])]
                    room = next((r for r, _seat in places if r.kind == service.room_kind), None)
                    if room is None:
                        continue  # no place left in a room of its kind this hour
                    places.remove((room, next(s for r, s in places if r == room)))
                    client_id, items = pool[turn % len(pool)]
                    turn += 1
                    end = start + datetime.timedelta(minutes=service.duration_minutes)
                    sessions.append(Session(
                        item_id=items[service.pk], client_id=client_id, specialist=member, room=room,
                        room_exclusive=room.capacity == 1, scheduled_at=start, ends_at=end,
                        busy_until=end + datetime.timedelta(minutes=service.buffer_minutes),
                        duration_minutes=service.duration_minutes,
                        status=Session.Status.DONE if day < today else Session.Status.PLANNED,
                        completed_at=end if day < today else None,
                    ))
    Session.objects.bulk_create(sessions, batch_size=5000)
    club.counts["sessions"] = len(sessions)
    return len(sessions)


def _programs(club, services) -> list[tuple[int, dict[int, int]]]:
    """POOL bench clients, each with an active program holding an item per bench service:
    (client id, {service id: item id})."""
    from clients.models import Client

    from .history import EMAIL_DOMAIN

    bench = Client.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk")
    clients = list(bench.values_list("pk", flat=True)[:min(POOL, bench.count() // 2)])  # others left for the proposal
    programs = Program.objects.bulk_create(
        Program(client_id=pk, name=PROGRAM_NAME, status=Program.Status.ACTIVE, start_date=club.today - datetime.timedelta(days=DAYS_BACK))
        for pk in clients
    )
    every = [service for code in services for service in services[code]]
    items = ProgramItem.objects.bulk_create(
        ProgramItem(program=program, service=service, sessions_count=200, sessions_per_week=7)
        for program in programs for service in every
    )
    by_program: dict[int, dict[int, int]] = {}
    for item in items:
        by_program.setdefault(item.program_id, {})[item.service_id] = item.pk
    return [(program.client_id, by_program[program.pk]) for program in programs]


def slot_proposal(club):
    """The case: a 16-session program (2 a week, a massage, any of the department's specialists)
    planned for a client with no program, the way the program page plans it, then rolled back."""
    from clients.models import Client

    from programs.scheduling import plan_program

    from .history import EMAIL_DOMAIN

    client = (Client.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exclude(programs__name=PROGRAM_NAME)
              .order_by("pk").first())
    service = Service.objects.filter(department=club.departments["spa"], room_kind=RoomKind.MASSAGE).order_by("name").first()
    start = club.today + datetime.timedelta(days=7)

    class RolledBack(Exception):
        pass

    def propose():
        try:
            with transaction.atomic():
                program = Program.objects.create(client=client, name="Bench proposal", start_date=start)
                ProgramItem.objects.create(program=program, service=service, sessions_count=16, sessions_per_week=2)
                placed = plan_program(program=program)
                if placed < 16:
                    raise RuntimeError(f"the slot proposal placed {placed} of 16 sessions")
                raise RolledBack
        except RolledBack:
            pass

    return propose
