"""The booking service: no overlap for a specialist, a room or a client; only within the working
hours and the club's; a refusal names the session in the way and proposes free slots nearby."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from programs.models import Session
from programs.scheduling import Refusal, session_book, session_cancel, session_move
from staff.models import WorkException
from staff.tests import factories as stf

from .conftest import MONDAY, at


def test_a_specialist_in_a_session_is_refused_with_the_session_and_free_slots(spa, item_for, manager):
    first = session_book(item=item_for(), start=at(MONDAY, 10), user=manager)

    with pytest.raises(Refusal) as refused:
        session_book(item=item_for(), start=at(MONDAY, 10, 30), user=manager)

    assert refused.value.in_the_way == first
    assert "Nina" in refused.value.reason and "Massage" in refused.value.reason
    starts = [slot.start for slot in refused.value.alternatives]
    assert starts and at(MONDAY, 10, 30) not in starts
    # the buffer: 10:00–11:00 and 15 minutes of cleaning; the nearest start after it is 11:15
    assert at(MONDAY, 11, 15) in starts and at(MONDAY, 11) not in starts
    assert Session.objects.count() == 1


def test_a_room_for_one_holds_one_session_and_a_larger_one_its_capacity(spa, item_for, manager):
    session_book(item=item_for(), start=at(MONDAY, 10), user=manager)
    with pytest.raises(Refusal, match="No massage room is free"):
        session_book(item=item_for(specialist=spa.masseurs[1]), start=at(MONDAY, 10), user=manager)

    two = [session_book(item=item_for(service=spa.sauna, specialist=None), start=at(MONDAY, 12), user=manager)
           for _ in range(2)]
    assert {s.room for s in two} == {spa.sauna_room}
    with pytest.raises(Refusal):
        session_book(item=item_for(service=spa.sauna, specialist=None), start=at(MONDAY, 12, 30), user=manager)


def test_a_client_is_never_in_two_places(spa, item_for, manager):
    item = item_for()
    session_book(item=item, start=at(MONDAY, 10), user=manager)
    other = item_for(program=item.program, service=spa.sauna, specialist=spa.masseurs[1])

    with pytest.raises(Refusal, match="The client has Massage"):
        session_book(item=other, start=at(MONDAY, 10, 30), user=manager)
    assert session_book(item=other, start=at(MONDAY, 11), user=manager)


def test_outside_the_hours_on_a_holiday_or_on_vacation_is_refused_an_extra_shift_is_not(spa, item_for, manager):
    nina = spa.masseurs[0]
    with pytest.raises(Refusal, match="does not work then"):
        session_book(item=item_for(), start=at(MONDAY, 17, 30), user=manager)  # ends 18:30
    stf.HolidayFactory(day=MONDAY + datetime.timedelta(days=1))
    with pytest.raises(Refusal):
        session_book(item=item_for(), start=at(MONDAY + datetime.timedelta(days=1), 10), user=manager)
    stf.WorkExceptionFactory(staff_member=nina, starts_on=MONDAY + datetime.timedelta(days=2),
                             ends_on=MONDAY + datetime.timedelta(days=3))
    with pytest.raises(Refusal):
        session_book(item=item_for(), start=at(MONDAY + datetime.timedelta(days=3), 10), user=manager)
    stf.WorkExceptionFactory(staff_member=nina, kind=WorkException.Kind.EXTRA, starts_on=MONDAY, ends_on=MONDAY,
                             starts_at=datetime.time(18, 0), ends_at=datetime.time(21, 0))
    assert session_book(item=item_for(), start=at(MONDAY, 19), user=manager)


def test_the_club_hours_limit_everyone(spa, item_for, manager):
    stf.OpeningHoursFactory(weekday=0, opens_at=datetime.time(11, 0), closes_at=datetime.time(20, 0))
    with pytest.raises(Refusal) as refused:
        session_book(item=item_for(), start=at(MONDAY, 10), user=manager)
    assert min(slot.start for slot in refused.value.alternatives) >= at(MONDAY, 11)


def test_moving_checks_the_new_time_and_cancelling_frees_it(spa, item_for, manager):
    first = session_book(item=item_for(), start=at(MONDAY, 10), user=manager)
    second = session_book(item=item_for(), start=at(MONDAY, 12), user=manager)

    with pytest.raises(Refusal) as refused:
        session_move(session=second, start=at(MONDAY, 10, 45), user=manager)
    assert refused.value.in_the_way == first
    second.refresh_from_db()
    assert second.scheduled_at == at(MONDAY, 12)

    with pytest.raises(ValidationError, match="Say why"):
        session_cancel(session=first, reason=" ", user=manager)
    session_cancel(session=first, reason="Client is ill", user=manager)
    moved = session_move(session=second, start=at(MONDAY, 10), user=manager)
    assert (moved.scheduled_at, moved.ends_at, moved.busy_until) == (
        at(MONDAY, 10), at(MONDAY, 11), at(MONDAY, 11, 15))
    assert Session.objects.get(pk=first.pk).cancel_reason == "Client is ill"
