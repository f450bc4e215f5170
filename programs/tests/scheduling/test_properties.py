"""Random sequences of book / move / resize / cancel for two specialists, three clients, a massage room for
one and a sauna for two never leave an overlap or an over-full room, and every refusal is the one a
plain model of the rules predicts — on SQLite and on PostgreSQL alike, so both give the same
refusals for the same sequence. On PostgreSQL the database's exclusion constraints are tried as
well: a row written past the service that overlaps is refused by the database itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import Session
from programs.scheduling import Refusal, session_book, session_cancel, session_move
from programs.tests import factories as pf

from .conftest import MONDAY, at

EXAMPLES = 40
STARTS = [at(MONDAY + datetime.timedelta(days=d), 8) + datetime.timedelta(minutes=15 * q)
          for d in range(2) for q in range(44)]  # 08:00–18:45 on two days: some outside the hours
operation = st.one_of(
    st.tuples(st.just("book"), st.integers(0, 5), st.sampled_from(STARTS)),
    st.tuples(st.just("move"), st.integers(0, 30), st.sampled_from(STARTS)),
    st.tuples(st.just("resize"), st.integers(0, 30), st.sampled_from([30, 45, 90, 120, 180])),
    st.tuples(st.just("cancel"), st.integers(0, 30), st.none()),
)


class Model:
    """The rules, written plainly: what the booking service must accept and refuse."""

    def __init__(self, items, rooms):
        self.items, self.rooms, self.sessions = items, rooms, {}

    def accepts(self, item, start, moving=None, minutes=None) -> bool:
        service = item.service
        end = start + datetime.timedelta(minutes=minutes or service.duration_minutes)
        until = end + datetime.timedelta(minutes=service.buffer_minutes)
        day = start.astimezone(at(MONDAY, 9).tzinfo).date()
        if item.specialist_id and not (at(day, 9) <= start and end <= at(day, 18)):
            return False  # the masseurs work 09:00–18:00; the club keeps no hours: a sauna any time
        others = [s for pk, s in self.sessions.items() if pk != moving]
        if item.specialist_id and any(s["specialist"] == item.specialist_id and s["start"] < until and start < s["until"]
                                      for s in others):
            return False
        if any(s["client"] == item.program.client_id and s["start"] < end and start < s["end"] for s in others):
            return False
        room = self.rooms[service.room_kind]
        in_room = [s for s in others if s["room"] == room.pk and s["start"] < until and start < s["until"]]
        moments = [start] + [s["start"] for s in in_room if s["start"] > start]
        return all(sum(1 for s in in_room if s["start"] <= m < s["until"]) < room.capacity for m in moments)

    def take(self, session):
        self.sessions[session.pk] = {"specialist": session.specialist_id, "client": session.client_id,
                                     "room": session.room_id, "start": session.scheduled_at,
                                     "end": session.ends_at, "until": session.busy_until,
                                     "minutes": session.duration_minutes}


def assert_no_overlap():
    live = list(Session.objects.exclude(status=Session.Status.CANCELLED).select_related("room"))
    for a in live:
        for b in live:
            if a.pk >= b.pk:
                continue
            if a.specialist_id and a.specialist_id == b.specialist_id:
                assert not (a.scheduled_at < b.busy_until and b.scheduled_at < a.busy_until), (a, b)
            if a.client_id == b.client_id:
                assert not (a.scheduled_at < b.ends_at and b.scheduled_at < a.ends_at), (a, b)
    for a in live:
        if a.room_id:
            at_once = sum(1 for b in live if b.room_id == a.room_id and b.scheduled_at <= a.scheduled_at < b.busy_until)
            assert at_once <= a.room.capacity


def database_refuses_an_overlap(session: Session) -> bool:
    """A copy of ``session`` written straight to the table (past the service)."""
    copy = Session(item_id=session.item_id, client_id=session.client_id, specialist_id=session.specialist_id,
                   room_id=session.room_id, room_exclusive=session.room_exclusive, scheduled_at=session.scheduled_at,
                   ends_at=session.ends_at, busy_until=session.busy_until, duration_minutes=session.duration_minutes)
    try:
        with transaction.atomic():
            Session.objects.bulk_create([copy])
    except IntegrityError:
        return True
    return False


@pytest.fixture
def cast(spa, manager):
    clients = [pf.ProgramFactory(), pf.ProgramFactory(), pf.ProgramFactory()]
    nina, ihor = spa.masseurs
    items = [pf.ProgramItemFactory(program=clients[0], service=spa.massage, specialist=nina),
             pf.ProgramItemFactory(program=clients[1], service=spa.massage, specialist=nina),
             pf.ProgramItemFactory(program=clients[2], service=spa.massage, specialist=ihor),
             pf.ProgramItemFactory(program=clients[0], service=spa.sauna, specialist=None),
             pf.ProgramItemFactory(program=clients[1], service=spa.sauna, specialist=None),
             pf.ProgramItemFactory(program=clients[2], service=spa.sauna, specialist=None)]
    rooms = {spa.massage.room_kind: spa.room, spa.sauna.room_kind: spa.sauna_room}
    return items, rooms, manager


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_random_bookings_never_overlap_and_refuse_as_the_rules_say(cast, operations):
    items, rooms, manager = cast
    with transaction.atomic():
        model, booked = Model(items, rooms), []
        for kind, index, start in operations:
            if kind == "book":
                item = items[index]
                expected = model.accepts(item, start)
                try:
                    session = session_book(item=item, start=start, user=manager)
                except Refusal:
                    assert not expected, f"refused what the rules allow: {item.service} at {start}"
                else:
                    assert expected, f"booked what the rules refuse: {item.service} at {start}"
                    model.take(session)
                    booked.append(session)
            elif booked:
                session = booked[index % len(booked)]
                if kind == "cancel":
                    try:
                        session_cancel(session=session, reason="changed plans", user=manager)
                        model.sessions.pop(session.pk, None)
                    except ValidationError:
                        assert session.pk not in model.sessions  # cancelled already
                    continue
                if session.pk not in model.sessions:
                    continue
                item = next(i for i in items if i.pk == session.item_id)
                if kind == "resize":  # the calendar's drag of the end: same start, another length
                    start, minutes = model.sessions[session.pk]["start"], start
                else:
                    minutes = None  # a move keeps the length the session has
                expected = model.accepts(item, start, moving=session.pk,
                                         minutes=minutes or model.sessions[session.pk]["minutes"])
                try:
                    moved = session_move(session=session, start=start, user=manager, minutes=minutes)
                except Refusal:
                    assert not expected, f"refused a {kind} the rules allow: to {start}, {minutes} min"
                else:
                    assert expected, f"{kind}d where the rules refuse: to {start}, {minutes} min"
                    model.take(moved)
            assert_no_overlap()
        if connection.vendor == "postgresql":
            exclusive = [s for s in Session.objects.exclude(status=Session.Status.CANCELLED)
                         if s.specialist_id or s.room_exclusive]
            assert all(database_refuses_an_overlap(s) for s in exclusive)
        transaction.set_rollback(True)
