"""Two managers booking the last free hour of a specialist at the same moment, each from their own
thread and connection on PostgreSQL: one gets it, the other the refusal with the free slots nearby.
And the database's own exclusion constraints, written to past the service."""

import pytest
from django.db import IntegrityError, connection, transaction

from conftest import at_the_same_moment, service_url_or_skip
from programs.models import Session
from programs.scheduling import Refusal, session_book
from programs.tests import factories as pf

from .conftest import MONDAY, at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres():
    service_url_or_skip("DATABASE_URL")
    if connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL is set but the tests do not run on PostgreSQL")


def test_two_managers_booking_the_last_slot_one_wins_the_other_gets_alternatives(spa, manager):
    nina = spa.masseurs[0]
    items = iter([pf.ProgramItemFactory(service=spa.massage, specialist=nina) for _ in range(2)])

    booked, refused = at_the_same_moment(lambda: session_book(item=next(items), start=at(MONDAY, 16), user=manager))

    assert len(booked) == 1 and len(refused) == 1
    assert isinstance(refused[0], Refusal), refused[0]
    assert refused[0].in_the_way == booked[0]
    assert refused[0].alternatives and at(MONDAY, 16) not in [slot.start for slot in refused[0].alternatives]
    assert Session.objects.count() == 1


def test_the_database_refuses_an_overlap_written_past_the_service(spa):
    nina, ihor = spa.masseurs
    item = pf.ProgramItemFactory(service=spa.massage, specialist=nina)
    first = pf.SessionFactory(item=item, room=spa.room, room_exclusive=True, scheduled_at=at(MONDAY, 10))

    def write(**fields):
        row = dict(item=item, client_id=first.client_id, specialist=nina, scheduled_at=at(MONDAY, 10, 30))
        row.update(fields)
        with transaction.atomic():
            pf.SessionFactory(**row)

    with pytest.raises(IntegrityError, match="session_specialist_no_overlap"):
        write()
    with pytest.raises(IntegrityError, match="session_client_no_overlap"):
        write(specialist=ihor)
    other = pf.ProgramItemFactory(service=spa.massage, specialist=ihor)
    with pytest.raises(IntegrityError, match="session_room_no_overlap"):
        write(item=other, client_id=other.program.client_id, specialist=ihor, room=spa.room, room_exclusive=True)
    # a room for more, a cancelled session, and back to back: no refusal
    write(item=other, client_id=other.program.client_id, specialist=ihor, room=spa.sauna_room)
    Session.objects.filter(pk=first.pk).update(status=Session.Status.CANCELLED, completed_at=at(MONDAY, 9))
    write(scheduled_at=at(MONDAY, 12))
    write(scheduled_at=at(MONDAY, 11))
    assert Session.objects.count() == 4
