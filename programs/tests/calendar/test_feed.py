"""The calendar's feed: columns and sessions as the calendar parses them, who sees which names,
and the same number of queries whatever the data size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.tests import factories as cf
from core.capabilities import capabilities_of
from programs.calendar import BY_ROOMS, BY_SPECIALISTS, FEED_QUERIES, calendar_feed, calendar_filter
from programs.scheduling import session_book
from programs.tests import factories as pf
from staff.tests import factories as stf

from .support import MONDAY, WEEK, local

pytestmark = pytest.mark.django_db


def feed(user, **params):
    return calendar_feed(user, calendar_filter({**WEEK, **params}))


def sessions(answer):
    return [event for event in answer["events"] if event.get("display") != "background"]


def test_a_manager_reads_their_clients_sessions_and_only_busy_time_of_the_others(spa):
    answer = feed(spa.users.manager, by=BY_SPECIALISTS)

    assert [c["title"] for c in answer["resources"]] == ["Ihor Masseur", "Nina Masseur"]
    by_id = {e["id"]: e for e in sessions(answer)}
    own, other = by_id[str(spa.sessions[0].pk)], by_id[str(spa.sessions[1].pk)]
    assert own["title"] == "Massage · Iryna Mine" and own["editable"] is True
    assert own["start"] == local(MONDAY, 10) and own["end"] == local(MONDAY, 11)
    assert own["resourceIds"] == [str(spa.masseurs[0].pk)]
    assert other["title"] == "Busy" and other["editable"] is False and "Oksana" not in str(other)
    assert "ec-busy" in other["classNames"]


def test_my_clients_only_leaves_the_others_out(spa):
    answer = feed(spa.users.manager, mine="1")
    assert [e["id"] for e in sessions(answer)] == [str(spa.sessions[0].pk)]


def test_the_front_desk_reads_every_name_and_may_move_every_session(spa):
    answer = feed(spa.users.desk)
    assert sorted(e["title"] for e in sessions(answer)) == ["Massage · Iryna Mine", "Massage · Oksana Theirs"]
    assert all(e["editable"] for e in sessions(answer))


def test_a_specialist_sees_their_own_column_with_names_and_no_contacts(spa):
    answer = feed(spa.users.specialist, by=BY_ROOMS)  # rooms are for planners: their own column instead

    assert [c["title"] for c in answer["resources"]] == ["Nina Masseur"]
    [session] = sessions(answer)
    assert session["title"] == "Massage · Iryna Mine" and session["editable"] is False
    assert str(spa.mine.phone) not in str(answer) and spa.mine.email not in str(answer)


def test_by_room_the_columns_are_rooms_and_the_club_hours_are_behind(spa):
    answer = feed(spa.users.manager, by=BY_ROOMS, department=str(spa.department.pk))
    assert [c["title"] for c in answer["resources"]] == ["Massage 1 (1)", "Massage 2 (1)"]
    assert {e["resourceIds"][0] for e in sessions(answer)} == {str(room.pk) for room in spa.rooms}


def test_working_hours_are_drawn_behind_each_specialist(spa):
    hours = [e for e in feed(spa.users.manager)["events"] if e.get("display") == "background"]
    assert len(hours) == 2 * 7
    assert {(e["start"][11:16], e["end"][11:16]) for e in hours} == {("09:00", "18:00")}


def test_a_program_s_sessions_are_marked_as_the_proposal(spa):
    answer = feed(spa.users.manager, program=str(spa.items[0].program_id))
    marked = [e["id"] for e in sessions(answer) if "ec-proposal" in e["classNames"]]
    assert marked == [str(spa.sessions[0].pk)]


def test_a_client_filter_shows_that_client_only_and_only_when_visible(spa):
    assert [e["id"] for e in sessions(feed(spa.users.manager, client=str(spa.mine.pk)))] == [str(spa.sessions[0].pk)]
    assert sessions(feed(spa.users.manager, client=str(spa.theirs.pk))) == []


@pytest.mark.parametrize("params, field", [
    ({"start": "yesterday"}, "start"),
    ({"start": "2027-03-08", "end": "2027-03-01"}, "end"),
    ({"start": "2027-03-01", "end": "2027-06-01"}, "end"),
])
def test_a_bad_range_is_named(params, field):
    assert field in calendar_filter(params).errors


def _more_sessions(spa, days: int):
    """Another client of the manager's with a massage every day of the week at 15:00 (Nina) and a
    group class at noon, and one more specialist and room."""
    client = cf.ClientFactory(assigned_manager=spa.users.manager)
    item = pf.ProgramItemFactory(program__client=client, service=spa.massage, specialist=spa.masseurs[0])
    for offset in range(days):
        day = MONDAY + datetime.timedelta(days=offset)
        session_book(item=item, start=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15))),
                     user=spa.users.manager)
    group_class = pf.GroupClassFactory(service=spa.massage, specialist=spa.masseurs[0], room=spa.rooms[1])
    for offset in range(days):  # and a class at noon every day, with a client booked
        starts = timezone.make_aware(datetime.datetime.combine(MONDAY + datetime.timedelta(days=offset),
                                                               datetime.time(12)))
        occurrence = pf.ClassOccurrenceFactory(group_class=group_class, starts_at=starts)
        pf.ClassBookingFactory(occurrence=occurrence, client=client)
    extra = stf.StaffMemberFactory(department=spa.department, role="massage")
    stf.WorkingHoursFactory(staff_member=extra, valid_from=MONDAY)
    stf.RoomFactory(department=spa.department)


@pytest.mark.parametrize("by", [BY_SPECIALISTS, BY_ROOMS])
def test_the_feed_costs_the_same_queries_whatever_the_data_size(spa, by):
    """The bench's contract: the week calendar of a department in ``FEED_QUERIES`` queries."""
    counts = []
    capabilities_of(spa.users.manager)  # read once per request, before the page's queries
    for more in (0, 7):
        _more_sessions(spa, more)
        with CaptureQueriesContext(connection) as queries:
            answer = feed(spa.users.manager, by=by, department=str(spa.department.pk))
        counts.append((len(queries), len(sessions(answer))))
    (small, few), (large, many) = counts
    assert many > few
    assert small == large == FEED_QUERIES[by]
