"""A manager's search that finds none of their clients but matches another manager's says whose
client it is — the manager's name, never the client's name or contacts."""

import pytest
from django.urls import reverse

from clients.tests import factories as cf
from core import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def rivals_client(make_user):
    rival = make_user(roles.MANAGER, username="andrii", first_name="Andrii", last_name="Bondarenko")
    return cf.ClientFactory(first_name="Taras", last_name="Melnyk", phone="+380671112233", email="taras@example.com",
                            assigned_manager=rival)


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("typed", ["067 111 22 33", "Melnyk", "taras@example.com"])
def test_a_search_matching_only_another_managers_client_names_that_manager(as_manager, rivals_client, typed):
    response = as_manager.get(reverse("clients:list"), {"q": typed})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert response.context["other_managers"] == ["Andrii Bondarenko"]
    assert "a client of Andrii Bondarenko does" in html
    shown = html.replace(typed, "").replace(typed.replace(" ", "+"), "").replace(typed.replace("@", "%40"), "")
    for secret in ("Taras", "Melnyk", "111 22 33", "1112233", "taras@example.com"):
        assert secret not in shown


def test_no_hint_when_the_search_finds_the_managers_own_client_or_nobody(as_manager, rivals_client, manager):
    cf.ClientFactory(last_name="Melnyk", assigned_manager=manager)
    assert as_manager.get(reverse("clients:list"), {"q": "Melnyk"}).context["other_managers"] == []
    assert as_manager.get(reverse("clients:list"), {"q": "Nobody-at-all"}).context["other_managers"] == []


def test_whoever_sees_every_client_gets_no_hint(client, frontdesk, rivals_client):
    client.force_login(frontdesk)
    response = client.get(reverse("clients:list"), {"q": "Nobody-at-all"})
    assert response.context["other_managers"] == []


def test_a_client_without_a_manager_is_named_as_such(as_manager):
    cf.ClientFactory(last_name="Orphan", assigned_manager=None)
    html = as_manager.get(reverse("clients:list"), {"q": "Orphan"}).content.decode()
    assert "a client without a manager does" in html
