"""Booking clients into group classes: places, the waiting list, cancelling and promotion with
its message, the refusals; and the timetable against personal sessions, both ways."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Membership, Notification, Visit
from clients.tests import factories as cf
from programs.classes.models import ClassBooking, ClassOccurrence
from programs.classes.services import class_book, class_cancel, class_timetable_extend, group_class_save
from programs.models import Session
from programs.scheduling import Refusal, session_book
from programs.scheduling.slots import Board
from programs.tests import factories as pf

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db
BEFORE = at(MONDAY, 9)  # the morning of the class's day: booking is open


def book(studio, client, **kwargs):
    return class_book(occurrence=studio.occurrence, client=client, user=studio.manager, now=BEFORE, **kwargs)


def test_a_client_with_a_group_card_is_booked_against_it(studio):
    booking = book(studio, studio.clients[0])

    assert booking.status == ClassBooking.Status.BOOKED and booking.waitlist_position is None
    assert booking.membership == Membership.objects.get(client=studio.clients[0])
    assert booking.created_by == studio.manager


def test_a_full_class_puts_the_next_clients_on_the_waiting_list_in_turn(studio):
    first, second, third, fourth = (book(studio, client) for client in studio.clients)

    assert [b.status for b in (first, second)] == [ClassBooking.Status.BOOKED] * 2
    assert [(b.status, b.waitlist_position) for b in (third, fourth)] == [
        (ClassBooking.Status.WAITLISTED, 1), (ClassBooking.Status.WAITLISTED, 2)]


def test_without_a_waiting_list_a_full_class_refuses(studio):
    studio.group_class.waitlist_size = 0
    studio.group_class.save()
    book(studio, studio.clients[0])
    book(studio, studio.clients[1])

    with pytest.raises(ValidationError, match="The class is full"):
        book(studio, studio.clients[2])


def test_cancelling_a_place_promotes_the_first_on_the_waiting_list_with_one_message_in_their_language(studio):
    first, _second, waiting, last = (book(studio, client) for client in studio.clients)
    Notification.objects.all().delete()

    class_cancel(booking=first, reason="Ill", user=studio.manager, now=BEFORE - datetime.timedelta(days=2))

    waiting.refresh_from_db()
    last.refresh_from_db()
    assert (waiting.status, waiting.waitlist_position, waiting.promoted_at is not None) == (
        ClassBooking.Status.BOOKED, None, True)
    assert (last.status, last.waitlist_position) == (ClassBooking.Status.WAITLISTED, 1)
    message = Notification.objects.get()
    assert message.client == waiting.client and message.kind == "class_place"
    assert message.language == "en" and "Yoga" in message.body and "A place has opened up" in message.body
    first.refresh_from_db()
    assert first.status == ClassBooking.Status.CANCELLED


def test_the_promotion_message_is_written_in_the_clients_language(studio):
    studio.clients[2].language = "uk"
    studio.clients[2].save()
    first, *_rest = (book(studio, client) for client in studio.clients[:3])

    class_cancel(booking=first, reason="Trip", user=studio.manager, now=BEFORE - datetime.timedelta(days=2))

    message = Notification.objects.get(kind="class_place")
    assert message.language == "uk" and "місце" in message.body.lower(), message.body


def test_leaving_the_waiting_list_moves_the_others_up(studio):
    *_booked, third, fourth = (book(studio, client) for client in studio.clients)

    class_cancel(booking=third, reason="Changed plans", user=studio.manager, now=BEFORE)

    fourth.refresh_from_db()
    assert fourth.waitlist_position == 1 and not Notification.objects.filter(kind="class_place").exists()


def test_a_late_cancel_is_recorded_and_uses_a_visit_when_the_plan_says_so(studio):
    studio.plan.late_cancel_uses_visit = True
    studio.plan.save()
    soon = timezone.now() + datetime.timedelta(hours=3)  # a visit is written at the real moment
    ClassOccurrence.objects.filter(pk=studio.occurrence.pk).update(
        starts_at=soon, ends_at=soon + datetime.timedelta(hours=1), busy_until=soon + datetime.timedelta(hours=1))
    Membership.objects.filter(client=studio.clients[0]).update(start_date=timezone.localdate())
    booking = class_book(occurrence=studio.occurrence, client=studio.clients[0], user=studio.manager)

    class_cancel(booking=booking, reason="Traffic", user=studio.manager)

    booking.refresh_from_db()
    assert booking.status == ClassBooking.Status.LATE_CANCELLED
    assert Visit.objects.filter(client=studio.clients[0]).count() == 1


def test_a_cancel_needs_a_reason(studio):
    booking = book(studio, studio.clients[0])
    with pytest.raises(ValidationError, match="Say why"):
        class_cancel(booking=booking, reason=" ", user=studio.manager, now=BEFORE)


def test_booking_closes_before_the_class(studio):
    studio.group_class.booking_closes_minutes = 60
    studio.group_class.save()

    book_at = lambda moment, client: class_book(occurrence=studio.occurrence, client=client,  # noqa: E731
                                                user=studio.manager, now=moment)
    book_at(at(MONDAY, 16, 59), studio.clients[0])
    with pytest.raises(ValidationError, match="Booking for this class closed"):
        book_at(at(MONDAY, 17), studio.clients[1])


def test_no_usable_membership_for_group_classes_refuses(studio):
    gym_only = cf.ClientFactory(assigned_manager=studio.manager)
    cf.MembershipFactory(client=gym_only, plan=cf.MembershipPlanFactory(name="Gym 30", category="gym"),
                         start_date=MONDAY - datetime.timedelta(days=3))
    used_up = studio.clients[0]
    Membership.objects.filter(client=used_up).update(visits_used=8)

    for client in (gym_only, used_up, cf.ClientFactory(assigned_manager=studio.manager)):
        with pytest.raises(ValidationError, match="has no membership for group classes"):
            book(studio, client)
    assert not ClassBooking.objects.exists()


def test_a_client_is_booked_once(studio):
    book(studio, studio.clients[0])
    with pytest.raises(ValidationError, match="already booked"):
        book(studio, studio.clients[0])


def test_a_client_in_a_personal_session_then_is_refused(studio):
    item = pf.ProgramItemFactory(program__client=studio.clients[0], service=studio.personal, specialist=None)
    pf.SessionFactory(item=item, specialist=None, scheduled_at=at(MONDAY, 18, 30))
    with pytest.raises(ValidationError, match="The client has Personal training"):
        book(studio, studio.clients[0])


def test_a_manager_books_only_their_own_clients_and_an_erased_client_never(studio, make_user):
    from core import roles

    other = make_user(roles.MANAGER, username="other-manager")
    with pytest.raises(ValidationError, match="only the clients you work with"):
        class_book(occurrence=studio.occurrence, client=studio.clients[0], user=other, now=BEFORE)
    studio.clients[1].erased_at = BEFORE
    studio.clients[1].save()
    with pytest.raises(ValidationError, match="erased"):
        class_book(occurrence=studio.occurrence, client=studio.clients[1], user=studio.frontdesk, now=BEFORE)
    assert class_book(occurrence=studio.occurrence, client=studio.clients[2], user=studio.frontdesk, now=BEFORE)


# --- the timetable and personal sessions, both ways ------------------------------------------
def test_saving_a_class_generates_its_weeks_and_again_adds_nothing(studio, settings):
    settings.CLASS_TIMETABLE_WEEKS = 2
    ClassOccurrence.objects.all().delete()
    group_class, report = group_class_save(group_class=studio.group_class, user=studio.manager, today=MONDAY)

    starts = list(ClassOccurrence.objects.values_list("starts_at", flat=True))
    assert report.added == 7 == len(starts)  # Mon, Wed, Fri of two weeks and the third Monday
    assert starts[0] == at(MONDAY, 18) and starts[-1] == at(MONDAY + datetime.timedelta(days=14), 18)
    assert class_timetable_extend(today=MONDAY).added == 0
    assert class_timetable_extend(today=MONDAY + datetime.timedelta(days=7)).added == 3


def test_a_class_over_a_personal_session_of_its_trainer_is_refused_with_the_day(studio, settings, manager):
    settings.CLASS_TIMETABLE_WEEKS = 1
    item = pf.ProgramItemFactory(service=studio.personal, specialist=studio.trainer)
    session_book(item=item, start=at(MONDAY + datetime.timedelta(days=2), 17, 30), user=manager)
    ClassOccurrence.objects.all().delete()

    with pytest.raises(ValidationError, match="Olena .* is busy with Personal training"):
        group_class_save(group_class=studio.group_class, user=studio.manager, today=MONDAY)
    assert not ClassOccurrence.objects.exists()
    report = class_timetable_extend(today=MONDAY)
    assert report.added == 3 and len(report.skipped) == 1


def test_a_class_outside_the_trainers_hours_is_refused(studio, settings):
    settings.CLASS_TIMETABLE_WEEKS = 1
    studio.group_class.starts_at = datetime.time(20, 30)
    with pytest.raises(ValidationError, match="does not work then"):
        group_class_save(group_class=studio.group_class, user=studio.manager, today=MONDAY)


def test_a_class_larger_than_its_room_is_refused(studio):
    studio.group_class.capacity = 13
    with pytest.raises(ValidationError) as refused:
        group_class_save(group_class=studio.group_class, user=studio.manager, today=MONDAY)
    assert "capacity" in refused.value.message_dict


def test_a_personal_session_over_a_class_of_the_trainer_or_in_its_room_is_refused(studio, manager, make_user):
    item = pf.ProgramItemFactory(service=studio.personal, specialist=studio.trainer)
    with pytest.raises(Refusal, match="Olena .* is taken by the group class Yoga"):
        session_book(item=item, start=at(MONDAY, 18, 30), user=manager)
    other = pf.ProgramItemFactory(service=studio.personal,
                                  specialist=pf.StaffMemberFactory(department=studio.department))
    with pytest.raises(Refusal, match="Studio is taken by the group class Yoga"):
        session_book(item=other, start=at(MONDAY, 18), user=manager, room=studio.room)
    assert not Session.objects.exists()


def test_a_personal_session_of_a_client_booked_into_a_class_is_refused(studio, manager):
    book(studio, studio.clients[0])
    item = pf.ProgramItemFactory(program__client=studio.clients[0], service=studio.yoga, specialist=None)
    item.service.room_kind = ""
    with pytest.raises(Refusal, match="booked into the group class Yoga"):
        session_book(item=item, start=at(MONDAY, 18), user=manager)


def test_the_slot_finder_keeps_personal_sessions_off_class_times(studio):
    board = Board.load(specialist_ids=[studio.trainer.pk], client_ids=[], room_kinds=["studio"],
                       first=MONDAY, last=MONDAY)
    starts = [slot.start for slot in board.slots_on(day=MONDAY, service=studio.personal,
                                                    specialist_ids=[studio.trainer.pk], client_id=None)]
    assert at(MONDAY, 17) in starts and at(MONDAY, 19, 15) in starts
    assert not {at(MONDAY, 17, 15), at(MONDAY, 18), at(MONDAY, 19)} & set(starts)


def test_a_waiting_client_busy_elsewhere_meanwhile_keeps_their_turn_and_the_next_gets_the_place(studio):
    first, _second, busy, free = (book(studio, client) for client in studio.clients)
    item = pf.ProgramItemFactory(program__client=busy.client, service=studio.personal, specialist=None)
    pf.SessionFactory(item=item, specialist=None, scheduled_at=at(MONDAY, 18))

    class_cancel(booking=first, reason="Ill", user=studio.manager, now=BEFORE - datetime.timedelta(days=2))

    busy.refresh_from_db()
    free.refresh_from_db()
    assert (busy.status, busy.waitlist_position) == (ClassBooking.Status.WAITLISTED, 1)
    assert free.status == ClassBooking.Status.BOOKED
    assert Notification.objects.get(kind="class_place").client == free.client
