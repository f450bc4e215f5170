"""The client's preferred days and hours (kept on the card) steer the planner: sessions go on
those days and within those hours when a slot is free, else on the nearest slot of the day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import Program, Session
from programs.scheduling import plan_program, session_dates
from programs.scheduling.planning import week_offsets
from programs.tests import factories as pf

from .conftest import MONDAY, at

TUESDAY, THURSDAY = MONDAY + datetime.timedelta(days=1), MONDAY + datetime.timedelta(days=3)


def test_sessions_go_on_the_preferred_days():
    assert session_dates(MONDAY, 4, 2, "24") == [
        TUESDAY, THURSDAY, TUESDAY + datetime.timedelta(days=7), THURSDAY + datetime.timedelta(days=7)]


def test_more_preferred_days_than_sessions_a_week_are_spread_among():
    assert week_offsets(MONDAY, 2, "1357") == [0, 4]  # Monday and Friday of Mon, Wed, Fri, Sun
    assert week_offsets(MONDAY, 1, "35") == [2]


def test_fewer_preferred_days_than_sessions_a_week_take_the_spread_days_farthest_from_them():
    assert week_offsets(MONDAY, 2, "2") == [1, 3]  # Tuesday, and Thursday rather than Monday
    assert week_offsets(MONDAY, 3, "6") == [0, 2, 5]


def test_a_start_after_the_preferred_day_begins_with_the_next_one():
    wednesday = MONDAY + datetime.timedelta(days=2)
    assert session_dates(wednesday, 2, 1, "1") == [MONDAY + datetime.timedelta(days=7),
                                                   MONDAY + datetime.timedelta(days=14)]


def test_no_preference_keeps_the_even_spread():
    assert session_dates(MONDAY, 3, 2) == session_dates(MONDAY, 3, 2, "")


def program_for(spa, manager, sessions=4, **preferences):
    program = pf.ProgramFactory(start_date=MONDAY, status=Program.Status.ACTIVE, manager=manager,
                                client__assigned_manager=manager, **{f"client__{k}": v for k, v in preferences.items()})
    item = pf.ProgramItemFactory(program=program, service=spa.massage, specialist=spa.masseurs[0],
                                 sessions_count=sessions, sessions_per_week=2)
    return program, item


def local_starts(item):
    return [timezone.localtime(s.scheduled_at) for s in Session.objects.filter(item=item).order_by("scheduled_at")]


def test_an_evening_client_gets_evening_sessions_on_their_days(spa, manager):
    program, item = program_for(spa, manager, preferred_weekdays="24", preferred_time_from=datetime.time(17, 0),
                                preferred_time_to=datetime.time(18, 0))
    assert plan_program(program=program) == 4
    assert local_starts(item) == [at(TUESDAY, 17), at(THURSDAY, 17), at(TUESDAY + datetime.timedelta(days=7), 17),
                                  at(THURSDAY + datetime.timedelta(days=7), 17)]
    item.refresh_from_db()
    assert item.unplaced == "" and item.placing == {}


def test_an_early_bird_without_an_end_gets_the_first_slot_from_their_hour(spa, manager):
    program, item = program_for(spa, manager, sessions=1, preferred_time_from=datetime.time(7, 0))
    plan_program(program=program)
    assert local_starts(item) == [at(MONDAY, 9)]  # Nina starts at 09:00: the nearest to 07:00


def test_a_taken_preferred_hour_gives_the_nearest_slot_of_the_day(spa, manager):
    nina = spa.masseurs[0]
    other = pf.ProgramItemFactory(service=spa.sauna, specialist=nina)
    pf.SessionFactory(item=other, specialist=nina, scheduled_at=at(MONDAY, 16), busy_until=at(MONDAY, 18))
    program, item = program_for(spa, manager, sessions=1, preferred_time_from=datetime.time(16, 0),
                                preferred_time_to=datetime.time(18, 0))
    plan_program(program=program)
    # the latest start before Nina is busy: 75 minutes before the preferred hours, the morning further
    assert local_starts(item) == [at(MONDAY, 14, 45)]  # ends 15:45, the massage's buffer before 16:00


def test_the_planner_reads_the_preferences_in_the_same_few_queries_at_any_size(spa, manager):
    counts = []
    for sessions in (2, 16):
        program, _item = program_for(spa, manager, sessions=sessions, preferred_weekdays="135",
                                     preferred_time_from=datetime.time(12, 0))
        with CaptureQueriesContext(connection) as queries:
            assert plan_program(program=program) == sessions
        counts.append(len(queries))
        Session.objects.filter(item__program=program).delete()
    assert counts[0] == counts[1]


@pytest.mark.parametrize("weekdays", ["1357", "25", "67"])
def test_every_session_lands_on_a_preferred_day_when_the_specialist_works_then(spa, manager, weekdays):
    program, item = program_for(spa, manager, sessions=6, preferred_weekdays=weekdays)
    plan_program(program=program)
    assert {str(start.isoweekday()) for start in local_starts(item)} <= set(weekdays)


def test_sessions_off_the_preferences_are_counted_and_the_page_says_so(spa, manager, client):
    """Nina works 09:00–18:00: a client who likes 19:00–21:00 gets 17:00, and is told."""
    program, item = program_for(spa, manager, sessions=2, preferred_time_from=datetime.time(19, 0),
                                preferred_time_to=datetime.time(21, 0))
    plan_program(program=program)
    assert [s.time() for s in local_starts(item)] == [datetime.time(17, 0)] * 2
    item.refresh_from_db()
    assert item.placing == {"off_preferences": 2} and item.unplaced == ""
    client.force_login(manager)
    client.cookies["django_language"] = "uk"
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert 'data-testid="off-preferences"' in page and "2 заняття" in page


def test_the_days_a_week_takes_beyond_the_preferred_ones_are_not_counted_as_off(spa, manager):
    program, item = program_for(spa, manager, sessions=4, preferred_weekdays="2")
    plan_program(program=program)
    assert {start.isoweekday() for start in local_starts(item)} == {2, 4}
    item.refresh_from_db()
    assert item.placing == {}


def test_a_preferred_day_the_specialist_is_off_moves_the_session_and_counts_it(spa, manager):
    from staff.models import WorkException
    from staff.tests import factories as stf

    stf.WorkExceptionFactory(staff_member=spa.masseurs[0], kind=WorkException.Kind.SICK, starts_on=TUESDAY,
                             ends_on=TUESDAY)
    program, item = program_for(spa, manager, sessions=2, preferred_weekdays="24")
    plan_program(program=program)
    assert [start.date() for start in local_starts(item)] == [TUESDAY + datetime.timedelta(days=1), THURSDAY]
    item.refresh_from_db()
    assert item.placing == {"off_preferences": 1}
