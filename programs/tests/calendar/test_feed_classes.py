"""Group classes on the calendar: read-only events in the specialist's (or the room's) column,
titled with the service and the places taken, linking to the class's page, never a client's name,
narrowed by department; a cancelled class is not shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf
from programs.calendar import BY_ROOMS, BY_SPECIALISTS, calendar_feed, calendar_filter
from programs.tests import factories as pf
from staff.tests import factories as stf

from .support import MONDAY, WEEK, local

pytestmark = pytest.mark.django_db


def feed(user, **params):
    return calendar_feed(user, calendar_filter({**WEEK, **params}))


def classes(answer):
    return [e for e in answer["events"] if str(e.get("id", "")).startswith("class-")]


@pytest.fixture
def pilates(spa):
    """Pilates with Nina in Massage 2 on Tuesday at 12:00 for four, two booked (one of each manager's
    clients) and one waiting; a cancelled one on Wednesday."""
    group_class = pf.GroupClassFactory(service__department=spa.department, service__name="Pilates",
                                       specialist=spa.masseurs[0], room=spa.rooms[1], capacity=4)
    tuesday = MONDAY + datetime.timedelta(days=1)
    starts = timezone.make_aware(datetime.datetime.combine(tuesday, datetime.time(12)))
    occurrence = pf.ClassOccurrenceFactory(group_class=group_class, starts_at=starts)
    for client in (spa.mine, spa.theirs):
        pf.ClassBookingFactory(occurrence=occurrence, client=client)
    pf.ClassBookingFactory(occurrence=occurrence, client=cf.ClientFactory(first_name="Waiting"),
                           status="waitlisted", waitlist_position=1)
    pf.ClassOccurrenceFactory(group_class=group_class, starts_at=starts + datetime.timedelta(days=1), cancelled=True)
    return occurrence


@pytest.mark.parametrize("by", [BY_SPECIALISTS, BY_ROOMS])
def test_a_class_is_a_read_only_event_in_its_column_with_the_places_taken(spa, pilates, by):
    (event,) = classes(feed(spa.users.manager, by=by))

    column = spa.rooms[1] if by == BY_ROOMS else spa.masseurs[0]
    assert event["resourceIds"] == [str(column.pk)]
    assert event["title"] == "Pilates · 2/4"
    assert (event["start"], event["end"]) == (local(MONDAY + datetime.timedelta(days=1), 12),
                                              local(MONDAY + datetime.timedelta(days=1), 13))
    assert event["editable"] is event["startEditable"] is event["durationEditable"] is False
    assert "ec-class" in event["classNames"]
    assert event["extendedProps"]["url"] == reverse("programs:class-occurrence", args=[pilates.pk])


def test_managers_and_specialists_see_counts_never_clients_names(spa, pilates):
    for user in (spa.users.manager, spa.users.other, spa.users.specialist, spa.users.desk):
        answer = classes(feed(user))
        assert len(answer) == 1
        assert not any(name in str(answer) for name in ("Iryna", "Oksana", "Waiting"))


def test_the_department_filter_narrows_classes_with_their_columns(spa, pilates):
    other = stf.DepartmentFactory(name="Fitness", code="fitness")
    stf.StaffMemberFactory(department=other, role="trainer")

    assert classes(feed(spa.users.desk, department=str(spa.department.pk)))
    assert not classes(feed(spa.users.desk, department=str(other.pk)))
    assert not classes(feed(spa.users.desk, department=str(other.pk), by=BY_ROOMS))
