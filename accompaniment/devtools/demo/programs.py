"""The demo's personal programs: built from the templates (never one whose services the
client's health flags rule out), each service delivered by a specialist who provides it,
sessions done or missed only once they have begun."""

import datetime
from collections import defaultdict

from programs.models import Program, ProgramItem, Session
from programs.scheduling import Board, place_session
from staff.models import RoomKind

from .lives import Life, profile_department


def write_programs(history, lives: list[Life]) -> dict:
    """A few personal programs built from the templates, with done and planned sessions.

    Returns each program client's done sessions (client pk -> sessions) for recommendations.
    """
    rng, today = history.rng, history.today
    candidates = [life for life in lives if life.scenario in ("running", "new", "frozen", "expiring")]
    wanted = min(max(len(lives) // 10, 3), 150)
    chosen = []
    for life in rng.sample(candidates, min(len(candidates), wanted * 2)):
        templates = [template for template in history.club.templates if not conflicts(history, template, life)]
        preferred = [t for t in templates if t.department_id == profile_department(history, life.profile).pk]
        if templates:
            chosen.append((life, rng.choice(preferred or templates)))
        if len(chosen) >= wanted:
            break
    programs = []
    for index, (life, template) in enumerate(chosen):
        weeks = template.duration_weeks
        finished = today - datetime.timedelta(days=weeks * 7 + rng.randint(5, 60))
        if index % 6 == 5 and finished >= life.joined:  # a program already completed
            start, status = finished, Program.Status.COMPLETED
        else:
            start = today - datetime.timedelta(days=rng.randint(0, min(weeks * 7 - 7, 40)))
            start, status = max(start, life.joined), Program.Status.ACTIVE
        programs.append(Program(
            client_id=life.client.pk, template=template, manager=life.manager, name=template.name,
            goal=life.goal, status=status, start_date=start,
            end_date=start + datetime.timedelta(days=weeks * 7 - 1),
        ))
    history.bulk(Program, programs, "programs")
    history.consultations = programs  # the manager built each program with the client
    items, item_plans = [], []
    for program in programs:
        for template_item in history.club.template_items[program.template_id]:
            service = template_item.service
            specialist = specialist_for(history, service)
            items.append(ProgramItem(
                program_id=program.pk, service=service, specialist=specialist,
                sessions_count=template_item.sessions_count,
                sessions_per_week=template_item.sessions_per_week,
                position=template_item.position, notes=template_item.notes,
            ))
            item_plans.append(program)
    history.bulk(ProgramItem, items, "program items")
    sessions, done_by_client = [], defaultdict(list)
    board = schedule_board(history, item_plans)
    specialists = {member.pk: member for member in history.club.specialists}
    for item, program in zip(items, item_plans):
        hour = rng.choice((8, 10, 12, 17, 18, 19))
        candidates = [item.specialist_id] if item.specialist_id else \
            [m.pk for m in history.club.deliverers.get(item.service_id, [])]
        for number in range(item.sessions_count):
            week, within = divmod(number, item.sessions_per_week)
            day = program.start_date + datetime.timedelta(
                days=week * 7 + within * (7 // item.sessions_per_week) + item.position % 3
            )
            attended = rng.random() < 0.9  # drawn whatever happens next, to keep the sequence
            # Placed by the club's rules (programs.scheduling): nobody and no room booked twice.
            slot = place_session(board, service=item.service, candidates=candidates, day=day,
                                 client_id=program.client_id, preferred=datetime.time(hour))
            if slot is None:
                continue
            until = slot.end + datetime.timedelta(minutes=item.service.buffer_minutes)
            board.take(slot.specialist_id, slot.room_id, program.client_id, slot.start, slot.end, until)
            session = Session(
                item_id=item.pk, client_id=program.client_id, specialist=specialists.get(slot.specialist_id),
                room_id=slot.room_id, room_exclusive=slot.room_id in board.single_rooms,
                scheduled_at=slot.start, ends_at=slot.end, busy_until=until,
                duration_minutes=item.service.duration_minutes,
            )
            if slot.end <= history.now:
                session.status = Session.Status.DONE if attended else Session.Status.MISSED
                session.completed_at = slot.end
                if session.status == Session.Status.DONE:
                    done_by_client[program.client_id].append(session)
            elif program.status == Program.Status.COMPLETED:
                session.status, session.completed_at = Session.Status.CANCELLED, history.now
            sessions.append(session)
    history.bulk(Session, sessions, "program sessions")
    return done_by_client


def schedule_board(history, programs) -> Board:
    """What is taken already for the demo's specialists and rooms over the programs' weeks."""
    first = min((p.start_date for p in programs), default=history.today)
    last = max((p.end_date for p in programs), default=history.today) + datetime.timedelta(days=7)
    board = Board.load(specialist_ids=[m.pk for m in history.club.specialists], client_ids=[],
                       room_kinds=list(RoomKind.values), first=first, last=last)
    board.single_rooms = {room.pk for room in board.rooms if room.capacity == 1}
    return board


def conflicts(history, template, life) -> bool:
    flags = set(life.flags)
    return any(history.club.service_flags.get(item.service_id, set()) & flags
               for item in history.club.template_items[template.pk])


def specialist_for(history, service):
    deliverers = history.club.deliverers.get(service.pk) or [None]
    if history.club.trainer_member in deliverers and history.rng.random() < 0.5:
        return history.club.trainer_member  # the demo specialist login sees a full week
    return history.rng.choice(deliverers)
