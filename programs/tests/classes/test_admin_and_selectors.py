"""A class saved in the admin site goes through ``group_class_save`` (its occurrences generated; a
conflict shown on the form, nothing saved); the calendar's selector runs one query."""

import datetime

import pytest
from django.urls import reverse

from programs.classes.models import ClassOccurrence, GroupClass
from programs.classes.selectors import occurrences_between, places_left
from programs.tests import factories as pf

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _horizon_reaches_the_studios_weeks(settings):
    settings.CLASS_TIMETABLE_WEEKS = 30


def form(studio, **changes):
    data = {"service": studio.yoga.pk, "specialist": studio.trainer.pk, "room": studio.room.pk, "capacity": "10",
            "waitlist_size": "", "weekdays": ["1", "3"], "starts_at": "12:00", "duration_minutes": "60",
            "start_date": MONDAY.isoformat(), "end_date": (MONDAY + datetime.timedelta(days=13)).isoformat(),
            "booking_closes_minutes": "", "is_active": "on"}
    data.update(changes)
    return data


def test_a_class_added_in_the_admin_site_gets_its_occurrences(admin_client, studio):
    response = admin_client.post(reverse("admin:programs_groupclass_add"), form(studio))

    assert response.status_code == 302, response.content.decode()[:2000]
    added = GroupClass.objects.exclude(pk=studio.group_class.pk).get()
    assert added.weekdays == "13"
    assert list(added.occurrences.values_list("starts_at", flat=True)) == [
        at(MONDAY + datetime.timedelta(days=d), 12) for d in (1, 3, 8, 10)]


def test_a_conflicting_class_is_refused_on_the_form_and_nothing_is_saved(admin_client, studio):
    response = admin_client.post(reverse("admin:programs_groupclass_add"),
                                 form(studio, weekdays=["0"], starts_at="18:30"))

    assert response.status_code == 200
    assert "is taken by the group class Yoga" in response.content.decode()
    assert GroupClass.objects.count() == 1 and ClassOccurrence.objects.count() == 1


def test_a_class_larger_than_its_room_is_refused_next_to_the_field(admin_client, studio):
    response = admin_client.post(reverse("admin:programs_groupclass_add"), form(studio, capacity="13"))
    assert response.status_code == 200 and "Studio holds 12 at once." in response.content.decode()


def test_occurrences_between_runs_one_query_with_counts(studio, django_assert_num_queries):
    for i in range(5):
        pf.ClassOccurrenceFactory(starts_at=at(MONDAY, 8 + i))
    pf.ClassBookingFactory(occurrence=studio.occurrence, status="booked")
    pf.ClassBookingFactory(occurrence=studio.occurrence, status="waitlisted", waitlist_position=1)

    with django_assert_num_queries(1):
        rows = list(occurrences_between(at(MONDAY, 0), at(MONDAY + datetime.timedelta(days=1), 0),
                                        department=studio.department))
        shown = [(o.group_class.service.name, o.specialist.pk, o.room.name, o.booked, o.waiting, places_left(o))
                 for o in rows]
    assert shown == [("Yoga", studio.trainer.pk, "Studio", 1, 1, 1)]
