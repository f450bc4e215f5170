"""The navigation highlights the item of the page (``accompaniment.context_processors``): a
trainer's *My feedback* is not *Quality*; a client's pages belong to *Clients*."""

import re

import pytest
from django.urls import reverse

from core import roles
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


def active_items(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link[^"]*active[^"]*" href="([^"]+)"', html)


def test_the_trainers_my_feedback_highlights_my_feedback_not_quality(client, make_user):
    trainer = make_user(roles.SPECIALIST)
    stf.StaffMemberFactory(user=trainer)
    client.force_login(trainer)
    assert active_items(client.get(reverse("staff:my-feedback")).content.decode()) == [reverse("staff:my-feedback")]
    assert active_items(client.get(reverse("staff:quality")).content.decode()) == [reverse("staff:quality")]


def test_the_front_desk_sees_its_desk_in_the_navigation(client, frontdesk):
    client.force_login(frontdesk)
    html = client.get(reverse("desk")).content.decode()
    assert active_items(html) == [reverse("desk")]


def test_a_clients_pages_highlight_clients(client, manager):
    from clients.tests.factories import ClientFactory

    person = ClientFactory(assigned_manager=manager)
    client.force_login(manager)
    for url in (reverse("client-card", args=[person.pk]), reverse("sales:membership-sell", args=[person.pk]),
                reverse("programs:create", args=[person.pk])):
        assert active_items(client.get(url).content.decode()) == [reverse("clients:list")], url
