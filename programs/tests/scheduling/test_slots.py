"""The slot finder: working hours, exceptions, holidays, buffers, the Sundays the clocks change in
Europe/Kyiv, and a program that cannot be fully placed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from programs.models import Program, Session
from programs.scheduling import Board, plan_program
from programs.tests import factories as pf
from staff.models import WorkException
from staff.tests import factories as stf

from .conftest import MONDAY, at, works_every_day

# The last Sundays of March (clocks forward, 03:00 → 04:00) and October (back, 04:00 → 03:00).
DST_SUNDAYS = [datetime.date(2026, 3, 29), datetime.date(2026, 10, 25), datetime.date(2027, 3, 28),
               datetime.date(2027, 10, 31)]


def board_for(spa, first, last, client_ids=()):
    return Board.load(specialist_ids=[m.pk for m in spa.masseurs], client_ids=list(client_ids),
                      room_kinds=[spa.massage.room_kind], first=first, last=last)


@pytest.mark.parametrize("sunday", DST_SUNDAYS, ids=str)
def test_on_the_sundays_the_clocks_change_the_hours_stay_on_the_wall_clock(spa, sunday):
    member = spa.masseurs[0]
    stf.WorkingHoursFactory(staff_member=member, valid_from=sunday, weekday=6,
                            starts_at=datetime.time(1, 0), ends_at=datetime.time(21, 0))
    slots = board_for(spa, sunday, sunday).slots_on(day=sunday, service=spa.massage, specialist_ids=[member.pk],
                                                    client_id=None)
    local = [timezone.localtime(slot.start) for slot in slots]
    assert local[0].time() == datetime.time(1, 0) and local[-1].time() == datetime.time(20, 0)
    assert all(slot.end - slot.start == datetime.timedelta(hours=1) for slot in slots)
    # the day has 23 or 25 hours: 19 or 21 hours of work, a start every quarter of an hour
    hours = 19 if sunday.month == 3 else 21
    assert len(slots) == (hours - 1) * 4 + 1
    assert len({slot.start for slot in slots}) == len(slots)


def test_the_working_week_valid_from_a_date_replaces_the_old_one(spa):
    member = spa.masseurs[0]
    later = MONDAY + datetime.timedelta(days=7)
    stf.WorkingHoursFactory(staff_member=member, valid_from=later, weekday=0,
                            starts_at=datetime.time(14, 0), ends_at=datetime.time(16, 0))
    board = board_for(spa, MONDAY, later)
    before = board.slots_on(day=MONDAY, service=spa.massage, specialist_ids=[member.pk], client_id=None)
    after = board.slots_on(day=later, service=spa.massage, specialist_ids=[member.pk], client_id=None)
    assert timezone.localtime(before[0].start).time() == datetime.time(9, 0)
    assert [timezone.localtime(s.start).time() for s in after] == [
        datetime.time(14, 0), datetime.time(14, 15), datetime.time(14, 30), datetime.time(14, 45),
        datetime.time(15, 0)]
    # Tuesday of the new week has no hours: a day off
    assert not board.slots_on(day=later + datetime.timedelta(days=1), service=spa.massage,
                              specialist_ids=[member.pk], client_id=None)


def test_a_sick_day_a_holiday_and_the_buffer_take_time_away(spa):
    nina, ihor = spa.masseurs
    stf.WorkExceptionFactory(staff_member=nina, kind=WorkException.Kind.SICK, starts_on=MONDAY, ends_on=MONDAY)
    stf.HolidayFactory(day=MONDAY + datetime.timedelta(days=1))
    pf.SessionFactory(item=pf.ProgramItemFactory(service=spa.massage, specialist=ihor), specialist=ihor,
                      room=spa.room, scheduled_at=at(MONDAY, 9), busy_until=at(MONDAY, 10, 15))
    board = board_for(spa, MONDAY, MONDAY + datetime.timedelta(days=1))
    monday = board.slots_on(day=MONDAY, service=spa.massage, specialist_ids=[nina.pk, ihor.pk], client_id=None)
    assert {slot.specialist_id for slot in monday} == {ihor.pk}
    assert timezone.localtime(monday[0].start).time() == datetime.time(10, 15)  # after the buffer
    assert not board.slots_on(day=MONDAY + datetime.timedelta(days=1), service=spa.massage,
                              specialist_ids=[nina.pk, ihor.pk], client_id=None)


def test_a_program_that_cannot_be_fully_placed_lists_what_is_missing(spa, client, manager):
    """Nina works Mondays only: of a massage twice a week (Monday and Thursday), the Thursdays find
    no slot (nor the three days after); the program page says so."""
    lone = stf.StaffMemberFactory(department=spa.department, first_name="Lone")
    lone.services.set([spa.massage])
    stf.WorkingHoursFactory(staff_member=lone, valid_from=MONDAY, weekday=0)
    program = pf.ProgramFactory(start_date=MONDAY, status=Program.Status.ACTIVE, manager=manager,
                                client__assigned_manager=manager)
    item = pf.ProgramItemFactory(program=program, service=spa.massage, specialist=lone, sessions_count=4,
                                 sessions_per_week=2)

    assert plan_program(program=program) == 2
    item.refresh_from_db()
    sessions = list(Session.objects.filter(item=item).order_by("scheduled_at"))
    assert [timezone.localtime(s.scheduled_at) for s in sessions] == [
        at(MONDAY, 10), at(MONDAY + datetime.timedelta(days=7), 10)]
    assert {s.room for s in sessions} == {spa.room}
    assert item.unplaced.startswith("2 sessions not placed (04.03.2027, 11.03.2027)")
    client.force_login(manager)
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "2 sessions not placed" in page


def test_any_specialist_who_provides_the_service_is_taken_when_none_is_chosen(spa, manager):
    nina, ihor = spa.masseurs
    program = pf.ProgramFactory(start_date=MONDAY, status=Program.Status.ACTIVE)
    busy = pf.ProgramItemFactory(service=spa.sauna, specialist=nina)
    pf.SessionFactory(item=busy, specialist=nina, scheduled_at=at(MONDAY, 10))
    item = pf.ProgramItemFactory(program=program, service=spa.massage, specialist=None, sessions_count=1)

    assert plan_program(program=program) == 1
    session = Session.objects.get(item=item)
    assert (session.specialist, timezone.localtime(session.scheduled_at)) == (ihor, at(MONDAY, 10))


@pytest.mark.parametrize("language, expected", [
    ("ru", "2 занятия не размещены (04.03.2027, 11.03.2027)"),
    ("uk", "2 заняття не розміщено (04.03.2027, 11.03.2027)"),
    ("en", "2 sessions not placed (04.03.2027, 11.03.2027)"),
])
def test_what_was_not_placed_reads_in_each_viewers_language(spa, client, manager, language, expected):
    """Planned by someone speaking English; kept as codes; each reader gets their own language."""
    lone = stf.StaffMemberFactory(department=spa.department, first_name="Lone")
    lone.services.set([spa.massage])
    stf.WorkingHoursFactory(staff_member=lone, valid_from=MONDAY, weekday=0)
    program = pf.ProgramFactory(start_date=MONDAY, status=Program.Status.ACTIVE, manager=manager,
                                client__assigned_manager=manager)
    item = pf.ProgramItemFactory(program=program, service=spa.massage, specialist=lone, sessions_count=4,
                                 sessions_per_week=2)
    with translation.override("en"):
        plan_program(program=program)
    item.refresh_from_db()
    assert item.placing == {"days": ["2027-03-04", "2027-03-11"], "look_ahead": 3, "why": "no_time"}
    client.force_login(manager)
    client.cookies["django_language"] = language
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert expected in page
