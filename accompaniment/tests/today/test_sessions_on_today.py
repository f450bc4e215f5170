"""Today shows the manager's own clients' sessions of the day and tomorrow's sessions and places in
group classes the client has not confirmed, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf
from programs.classes.models import ClassBooking
from programs.models import Session
from programs.tests import factories as pf

pytestmark = pytest.mark.django_db


def at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def client_with_sessions(manager, n: int = 0):
    client = cf.ClientFactory(assigned_manager=manager, first_name=f"Client{n}")
    item = pf.ProgramItemFactory(program__client=client)
    today = pf.SessionFactory(item=item, specialist=item.specialist, scheduled_at=at(0, 12))
    pf.SessionFactory(item=item, specialist=item.specialist, scheduled_at=at(0, 14), status=Session.Status.CANCELLED,
                      completed_at=timezone.now())
    unconfirmed = pf.SessionFactory(item=item, specialist=item.specialist, scheduled_at=at(1, 10))
    pf.SessionFactory(item=item, specialist=item.specialist, scheduled_at=at(1, 12), confirmed_at=timezone.now(),
                      confirmed_via=Session.Confirmation.TELEGRAM)
    return today, unconfirmed


def client_with_places(manager, n: int = 0) -> ClassBooking:
    """Tomorrow: a place not confirmed (the one returned), a confirmed one, a turn on a waiting
    list, a place in a cancelled class; and one the day after."""
    client = cf.ClientFactory(assigned_manager=manager, first_name=f"Member{n}")
    place = pf.ClassBookingFactory(client=client, occurrence__starts_at=at(1, 8))
    pf.ClassBookingFactory(client=client, occurrence__starts_at=at(1, 9), confirmed_at=timezone.now())
    pf.ClassBookingFactory(client=client, occurrence__starts_at=at(1, 11), status=ClassBooking.Status.WAITLISTED,
                           waitlist_position=1)
    pf.ClassBookingFactory(client=client, occurrence__starts_at=at(1, 13), occurrence__cancelled=True)
    pf.ClassBookingFactory(client=client, occurrence__starts_at=at(2, 8))
    return place


def test_today_lists_tomorrows_unconfirmed_places_in_group_classes_of_my_clients_only(client, manager, make_user):
    from core import roles

    place = client_with_places(manager)
    client_with_places(make_user(roles.MANAGER, username="other"))
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert [b.pk for b in response.context["unconfirmed_places_tomorrow"]["rows"]] == [place.pk]
    html = response.content.decode()
    assert 'data-testid="place-unconfirmed"' in html and "Group classes tomorrow, not confirmed" in html
    client.cookies["django_language"] = "uk"
    assert "Групові заняття завтра, не підтверджені" in client.get(reverse("home")).content.decode()


def test_today_lists_the_days_sessions_and_tomorrows_unconfirmed_ones_of_my_clients_only(client, manager, make_user):
    from core import roles

    today, unconfirmed = client_with_sessions(manager)
    client_with_sessions(make_user(roles.MANAGER, username="other"))  # somebody else's clients
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert [s.pk for s in response.context["sessions_today"]["rows"]] == [today.pk]  # not the cancelled one
    assert [s.pk for s in response.context["unconfirmed_tomorrow"]["rows"]] == [unconfirmed.pk]
    html = response.content.decode()
    assert 'data-testid="session-today"' in html and 'data-testid="session-unconfirmed"' in html
    assert "Tomorrow, not confirmed" in html
    client.cookies["django_language"] = "uk"
    assert "Завтра, не підтверджені" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()


def test_the_sessions_on_today_take_a_fixed_number_of_queries(client, manager, django_assert_num_queries):
    client.force_login(manager)
    client_with_sessions(manager)
    client_with_places(manager)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for n in range(1, 20):
        client_with_sessions(manager, n)
        client_with_places(manager, n)
    with django_assert_num_queries(len(small)):
        response = client.get(reverse("home"))
    assert response.context["sessions_today"]["count"] == 20
    assert response.context["unconfirmed_tomorrow"]["count"] == 20
    assert len(response.context["unconfirmed_tomorrow"]["rows"]) == 15  # capped like every section
    assert response.context["unconfirmed_places_tomorrow"]["count"] == 20
