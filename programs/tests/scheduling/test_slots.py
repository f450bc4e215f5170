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


# --- A working week across the clocks' change -------------------------------------------------
@pytest.mark.parametrize("sunday", DST_SUNDAYS, ids=str)
def test_a_working_week_across_the_change_keeps_its_wall_clock_hours(spa, sunday):
    """09:00–18:00 every day: the Saturday before and the Monday after open at 09:00 local, an
    hour apart in UTC; every slot lasts the service's hour; the last start is 17:00."""
    nina = spa.masseurs[0]
    works_every_day(nina, valid_from=sunday - datetime.timedelta(days=1))
    saturday, monday = sunday - datetime.timedelta(days=1), sunday + datetime.timedelta(days=1)
    board = board_for(spa, saturday, monday)
    by_day = {day: board.slots_on(day=day, service=spa.massage, specialist_ids=[nina.pk], client_id=None)
              for day in (saturday, sunday, monday)}
    for day, slots in by_day.items():
        local = [timezone.localtime(slot.start) for slot in slots]
        assert (local[0].time(), local[-1].time()) == (datetime.time(9), datetime.time(17)), day
        assert all(slot.end - slot.start == datetime.timedelta(hours=1) for slot in slots)
        assert len(slots) == 8 * 4 + 1
    utc_hours = {day: slots[0].start.astimezone(datetime.timezone.utc).hour for day, slots in by_day.items()}
    shift = 1 if sunday.month == 3 else -1  # Kyiv is UTC+2 in winter, UTC+3 in summer
    assert utc_hours[saturday] - utc_hours[monday] == shift


@pytest.mark.parametrize("sunday, local_end", [
    (datetime.date(2027, 3, 28), datetime.time(4, 30)),  # 03:00–04:00 does not exist that night
    (datetime.date(2027, 10, 31), datetime.time(3, 30)),  # 03:00–04:00 happens twice that night
], ids=["march", "october"])
def test_a_session_across_the_change_lasts_its_real_duration(spa, manager, sunday, local_end):
    """A 60-minute massage from 02:30 on the night of the change lasts 60 real minutes: it ends
    at 04:30 by the clock in March, and at the first 03:30 in October."""
    from programs.scheduling import session_book

    nina = spa.masseurs[0]
    stf.WorkingHoursFactory(staff_member=nina, valid_from=sunday, weekday=6, starts_at=datetime.time(0, 0),
                            ends_at=datetime.time(23, 0))
    item = pf.ProgramItemFactory(service=spa.massage, specialist=nina,
                                 program__start_date=sunday - datetime.timedelta(days=7))
    session = session_book(item=item, start=at(sunday, 2, 30), user=manager)
    assert session.ends_at - session.scheduled_at == datetime.timedelta(minutes=60)
    assert session.duration_minutes == 60
    assert timezone.localtime(session.ends_at).time() == local_end
    assert session.busy_until - session.ends_at == datetime.timedelta(minutes=15)


def test_a_weekly_program_across_the_change_keeps_its_hour(spa, manager):
    """Sessions on the Saturdays and Mondays around the last Sunday of October all at 10:00 local
    (summer time before the change, winter time after)."""
    nina = spa.masseurs[0]
    works_every_day(nina, valid_from=datetime.date(2027, 10, 1))
    program = pf.ProgramFactory(start_date=datetime.date(2027, 10, 23), status=Program.Status.ACTIVE,
                                manager=manager, client__preferred_weekdays="16")
    item = pf.ProgramItemFactory(program=program, service=spa.massage, specialist=nina, sessions_count=4,
                                 sessions_per_week=2)
    assert plan_program(program=program) == 4
    local = [timezone.localtime(s.scheduled_at) for s in Session.objects.filter(item=item).order_by("scheduled_at")]
    assert [(t.date().isoformat(), t.time()) for t in local] == [
        ("2027-10-23", datetime.time(10)), ("2027-10-25", datetime.time(10)),
        ("2027-10-30", datetime.time(10)), ("2027-11-01", datetime.time(10))]
    assert [t.utcoffset() for t in local] == [datetime.timedelta(hours=h) for h in (3, 3, 3, 2)]
