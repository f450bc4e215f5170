"""Two managers booking the last place of a class at the same moment, each from their own thread
and connection on PostgreSQL: one gets the place, the other the waiting list (or, with no waiting
list, the refusal). And the database's own exclusion constraints on class occurrences."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from conftest import at_the_same_moment, service_url_or_skip
from programs.classes.models import ClassBooking
from programs.classes.services import class_book
from programs.tests import factories as pf

from .conftest import MONDAY, at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BEFORE = at(MONDAY, 9)


@pytest.fixture(autouse=True)
def _postgres():
    service_url_or_skip("DATABASE_URL")
    if connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL is set but the tests do not run on PostgreSQL")


def _last_place_taken_by_two(studio, make_user):
    from core import roles

    class_book(occurrence=studio.occurrence, client=studio.clients[0], user=studio.manager, now=BEFORE)
    other = make_user(roles.ADMINISTRATOR, username="desk-2")
    people = iter([(studio.manager, studio.clients[1]), (other, studio.clients[2])])

    def book():
        user, client = next(people)
        return class_book(occurrence=studio.occurrence, client=client, user=user, now=BEFORE)

    return at_the_same_moment(book)


def test_two_managers_booking_the_last_place_one_gets_it_the_other_waits(studio, make_user):
    booked, errors = _last_place_taken_by_two(studio, make_user)

    assert not errors, errors
    assert sorted(b.status for b in booked) == [ClassBooking.Status.BOOKED, ClassBooking.Status.WAITLISTED]
    assert ClassBooking.objects.filter(status="booked").count() == 2
    assert ClassBooking.objects.get(status="waitlisted").waitlist_position == 1


def test_without_a_waiting_list_the_other_is_refused(studio, make_user):
    studio.group_class.waitlist_size = 0
    studio.group_class.save()

    booked, errors = _last_place_taken_by_two(studio, make_user)

    assert len(booked) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError) and "The class is full" in str(errors[0])
    assert ClassBooking.objects.filter(status="booked").count() == 2


def test_the_database_refuses_two_classes_of_one_trainer_or_one_room_at_once(studio):
    other_class = pf.GroupClassFactory(service=studio.yoga, specialist=studio.trainer, room=studio.room)

    def write(**fields):
        row = dict(group_class=other_class, starts_at=at(MONDAY, 18, 30), ends_at=at(MONDAY, 19, 30),
                   busy_until=at(MONDAY, 19, 30), specialist=studio.trainer, room=other_class.room)
        row.update(fields)
        with transaction.atomic():
            pf.ClassOccurrenceFactory(**row)

    with pytest.raises(IntegrityError, match="class_occurrence_specialist_no_overlap"):
        write()
    with pytest.raises(IntegrityError, match="class_occurrence_room_no_overlap"):
        write(specialist=pf.StaffMemberFactory(department=studio.department), room=studio.room)
    write(starts_at=at(MONDAY, 19, 15), ends_at=at(MONDAY, 20), busy_until=at(MONDAY, 20))  # after the buffer
    assert other_class.occurrences.count() == 1
