"""The manager moves a session (a refusal names the session in the way and offers free slots as
buttons) or cancels it with the reason."""

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Program, Session
from programs.scheduling import session_book
from programs.tests import factories as pf

from ..scheduling.conftest import MONDAY, at, spa  # noqa: F401 - the fixture


@pytest.fixture
def booked(spa, manager):
    program = pf.ProgramFactory(client__assigned_manager=manager, manager=manager, status=Program.Status.ACTIVE)
    mine = pf.ProgramItemFactory(program=program, service=spa.massage, specialist=spa.masseurs[0])
    theirs = pf.ProgramItemFactory(service=spa.massage, specialist=spa.masseurs[0])
    return (session_book(item=mine, start=at(MONDAY, 10), user=manager),
            session_book(item=theirs, start=at(MONDAY, 12), user=manager))


def test_a_refused_move_names_the_session_in_the_way_and_offers_free_slots(client, manager, booked):
    session, other = booked
    client.force_login(manager)
    url = reverse("programs:session-change", args=[session.pk])

    page = client.post(url, {"action": "move", "move-start": "2027-03-01T12:30"})
    html = page.content.decode()
    assert page.status_code == 200 and "is busy with Massage at 01.03.2027 12:00" in html
    assert 'data-testid="alternatives"' in html and other.item.program.client.last_name not in html
    slot = page.context["alternatives"][0]
    moved = client.post(url, {"action": "move", "move-start": timezone.localtime(slot.start).strftime("%Y-%m-%dT%H:%M")})
    assert moved.status_code == 302
    assert Session.objects.get(pk=session.pk).scheduled_at == slot.start


def test_cancelling_needs_a_reason_and_keeps_it(client, manager, booked):
    session, _other = booked
    client.force_login(manager)
    url = reverse("programs:session-change", args=[session.pk])

    assert "This field is required" in client.post(url, {"action": "cancel", "cancel-reason": ""}).content.decode()
    assert client.post(url, {"action": "cancel", "cancel-reason": "Flu"}).status_code == 302
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == (Session.Status.CANCELLED, "Flu")


def test_another_managers_session_is_not_found(client, make_user, booked):
    from core import roles

    client.force_login(make_user(roles.MANAGER, username="other"))
    assert client.get(reverse("programs:session-change", args=[booked[0].pk])).status_code == 404
