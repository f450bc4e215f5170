"""The timetable, a class's page (its roster as each role may see it, booking, the waiting list)
and cancelling a booking; a fixed number of queries at two sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.tests import factories as cf
from core import roles
from programs.classes.models import ClassBooking
from programs.classes.services import class_book
from programs.tests import factories as pf
from staff.tests import factories as stf

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _before_the_class(monkeypatch):
    """Pages are looked at on the class's Monday morning (booking open)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(MONDAY, 9))


def test_the_timetable_shows_the_weeks_classes_with_places_and_the_waiting_list(client, studio):
    for person in studio.clients:
        class_book(occurrence=studio.occurrence, client=person, user=studio.manager)
    client.force_login(studio.manager)

    page = client.get(reverse("programs:classes") + f"?week={MONDAY:%Y-%m-%d}").content.decode()

    assert "Yoga" in page and "Full" in page and "2 waiting" in page and "2/2" in page
    other = stf.DepartmentFactory(name="SPA", code="spa")
    page = client.get(reverse("programs:classes") + f"?week={MONDAY:%Y-%m-%d}&department={other.pk}").content.decode()
    assert "Yoga" not in page


def test_a_manager_sees_their_own_clients_on_the_roster_and_others_as_a_count(client, studio, make_user):
    other_manager = make_user(roles.MANAGER, username="other-m")
    stranger = cf.ClientFactory(assigned_manager=other_manager, last_name="Stranger")
    cf.MembershipFactory(client=stranger, plan=studio.plan, start_date=MONDAY)
    class_book(occurrence=studio.occurrence, client=studio.clients[0], user=studio.manager)
    class_book(occurrence=studio.occurrence, client=stranger, user=other_manager)
    client.force_login(studio.manager)

    page = client.get(reverse("programs:class-occurrence", args=[studio.occurrence.pk])).content.decode()

    assert studio.clients[0].full_name in page and "Stranger" not in page and "And 1 more client." in page


def test_the_classes_specialist_sees_names_never_contacts_another_specialist_counts(client, studio, make_user):
    class_book(occurrence=studio.occurrence, client=studio.clients[0], user=studio.manager)
    trainer_user = make_user(roles.SPECIALIST, username="olena")
    studio.trainer.user = trainer_user
    studio.trainer.save()
    client.force_login(trainer_user)
    page = client.get(reverse("programs:class-occurrence", args=[studio.occurrence.pk])).content.decode()
    assert studio.clients[0].full_name in page
    assert studio.clients[0].email not in page and str(studio.clients[0].phone)[-7:] not in page
    assert "Book a client" not in page

    client.force_login(make_user(roles.SPECIALIST, username="someone-else"))
    page = client.get(reverse("programs:class-occurrence", args=[studio.occurrence.pk])).content.decode()
    assert studio.clients[0].full_name not in page and "And 1 more client." in page


def test_booking_from_the_page_and_a_full_class_puts_the_client_on_the_waiting_list(client, studio):
    client.force_login(studio.frontdesk)
    url = reverse("programs:class-book", args=[studio.occurrence.pk])
    for person in studio.clients[:3]:
        response = client.post(url, {"client": person.pk}, follow=True)

    page = response.content.decode()
    assert "is on the waiting list, turn 1" in page
    waiting = page.split('data-testid="roster-waiting"')[1]
    assert studio.clients[2].full_name in waiting


def test_a_refused_booking_says_why_next_to_the_search(client, studio):
    nobody = cf.ClientFactory(assigned_manager=studio.manager)
    client.force_login(studio.manager)

    response = client.post(reverse("programs:class-book", args=[studio.occurrence.pk]), {"client": nobody.pk})

    assert response.status_code == 200
    assert "has no membership for group classes" in response.content.decode()
    assert not ClassBooking.objects.exists()


def test_cancelling_with_a_reason_promotes_the_first_waiting(client, studio):
    first, *_rest = [class_book(occurrence=studio.occurrence, client=p, user=studio.manager) for p in studio.clients[:3]]
    client.force_login(studio.manager)
    url = reverse("programs:class-booking-cancel", args=[first.pk])

    assert "This field is required" in client.post(url, {"cancel_reason": ""}).content.decode()
    response = client.post(url, {"cancel_reason": "Ill"})

    assert response.status_code == 302
    assert list(ClassBooking.objects.filter(status="booked").values_list("client", flat=True).order_by("client")) == \
        sorted([studio.clients[1].pk, studio.clients[2].pk])


def test_the_client_card_lists_upcoming_group_classes(client, studio):
    class_book(occurrence=studio.occurrence, client=studio.clients[0], user=studio.manager)
    client.force_login(studio.manager)
    page = client.get(reverse("client-card", args=[studio.clients[0].pk])).content.decode()
    section = page.split('data-testid="card-classes"')[1]
    assert "Yoga" in section and "Booked" in section


# --- a fixed number of queries ----------------------------------------------------------------
def grow(studio, n):
    """n more classes in the week (each in its own room, at its own hour), each with a full roster
    and a waiting list."""
    for i in range(n):
        room = stf.RoomFactory(department=studio.department, kind="studio", capacity=12)
        trainer = stf.StaffMemberFactory(department=studio.department)
        group_class = pf.GroupClassFactory(service=studio.yoga, specialist=trainer, room=room, capacity=2)
        start = at(MONDAY + datetime.timedelta(days=i % 7), 10 + i // 7)
        occurrence = pf.ClassOccurrenceFactory(group_class=group_class, starts_at=start,
                                               ends_at=start + datetime.timedelta(hours=1),
                                               busy_until=start + datetime.timedelta(hours=1))
        for status, position in (("booked", None), ("booked", None), ("waitlisted", 1)):
            pf.ClassBookingFactory(occurrence=occurrence, status=status, waitlist_position=position,
                                   client=cf.ClientFactory(assigned_manager=studio.manager))
        pf.ClassBookingFactory(occurrence=studio.occurrence, client=cf.ClientFactory(assigned_manager=studio.manager),
                               status="waitlisted", waitlist_position=100 + i)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["manager", "frontdesk"])
@pytest.mark.parametrize("page", ["timetable", "occurrence"])
def test_the_pages_run_as_many_queries_with_more_classes_and_bookings(client, studio, who, page):
    client.force_login(getattr(studio, who))
    url = (reverse("programs:classes") + f"?week={MONDAY:%Y-%m-%d}" if page == "timetable"
           else reverse("programs:class-occurrence", args=[studio.occurrence.pk]) + "?q=a")
    grow(studio, 1)
    small = count(client, url)
    grow(studio, 12)
    assert count(client, url) == small <= 12, small
