"""The demo's personal programs: built from the templates (never one whose services the
client's health flags rule out), each service delivered by a specialist who provides it,
sessions done or missed only once they have begun."""

import datetime
from collections import defaultdict

from programs.models import Program, ProgramItem, Session

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
    sessions, done_by_client, booked = [], defaultdict(list), set()
    for item, program in zip(items, item_plans):
        hour = rng.choice((8, 10, 12, 17, 18, 19))
        for number in range(item.sessions_count):
            week, within = divmod(number, item.sessions_per_week)
            day = program.start_date + datetime.timedelta(
                days=week * 7 + within * (7 // item.sessions_per_week) + item.position % 3
            )
            when = history.at(day, hour)
            # Neither the specialist nor the client is booked twice at the same moment.
            while (item.specialist_id, when) in booked or (program.client_id, when) in booked:
                when += datetime.timedelta(hours=1)
            booked.update({(item.specialist_id, when), (program.client_id, when)})
            session = Session(item_id=item.pk, specialist=item.specialist, scheduled_at=when,
                              duration_minutes=item.service.duration_minutes)
            attended = rng.random() < 0.9  # drawn whatever the time, to keep the sequence
            if when + datetime.timedelta(minutes=session.duration_minutes) <= history.now:
                session.status = Session.Status.DONE if attended else Session.Status.MISSED
                session.completed_at = when + datetime.timedelta(minutes=session.duration_minutes)
                if session.status == Session.Status.DONE:
                    done_by_client[program.client_id].append(session)
            elif program.status == Program.Status.COMPLETED:
                session.status, session.completed_at = Session.Status.CANCELLED, history.now
            sessions.append(session)
    history.bulk(Session, sessions, "program sessions")
    return done_by_client


def conflicts(history, template, life) -> bool:
    flags = set(life.flags)
    return any(history.club.service_flags.get(item.service_id, set()) & flags
               for item in history.club.template_items[template.pk])


def specialist_for(history, service):
    deliverers = history.club.deliverers.get(service.pk) or [None]
    if history.club.trainer_member in deliverers and history.rng.random() < 0.5:
        return history.club.trainer_member  # the demo specialist login sees a full week
    return history.rng.choice(deliverers)
