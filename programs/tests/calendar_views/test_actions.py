"""The calendar's actions through their endpoints, as the page's script calls them (JSON with the
CSRF token in a header): move, resize, book a single session, cancel, confirm a plan; refusals
with the reason, and nobody acting on another manager's client."""

import json

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from programs.models import Program, ProgramItem, Session
from programs.tests.calendar.support import MONDAY, WEEK, local

pytestmark = pytest.mark.django_db


def browser_of(user) -> Browser:
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get(reverse("programs:calendar"))  # sets the CSRF cookie, as the page does
    return browser


def post(browser, name, data, **kwargs):
    return browser.post(reverse(name, kwargs=kwargs), json.dumps(data), content_type="application/json",
                        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)


def test_the_page_opens_for_planners_and_specialists(spa, client):
    for user in (spa.users.manager, spa.users.desk, spa.users.specialist):
        client.force_login(user)
        response = client.get(reverse("programs:calendar"), {"view": "day", "date": MONDAY.isoformat()})
        assert response.status_code == 200
        assert b"calendar-config" in response.content and b"event-calendar.min.js" in response.content


def test_the_feed_answers_json_and_a_bad_range_400(spa, client):
    client.force_login(spa.users.manager)
    answer = client.get(reverse("programs:calendar-events"), {**WEEK, "by": "specialists"})
    assert answer.status_code == 200 and len(answer.json()["resources"]) == 2
    bad = client.get(reverse("programs:calendar-events"), {"start": "2027-03-08", "end": "2027-03-01"})
    assert bad.status_code == 400 and "end" in bad.json()["errors"]


def test_a_session_dragged_to_a_free_time_is_moved(spa):
    session = spa.sessions[0]
    response = post(browser_of(spa.users.manager), "programs:calendar-move",
                    {"start": local(MONDAY, 14), "end": local(MONDAY, 15)}, session_pk=session.pk)
    assert response.status_code == 200, response.content
    session.refresh_from_db()
    assert timezone.localtime(session.scheduled_at).strftime("%Y-%m-%dT%H:%M:%S") == local(MONDAY, 14)


def test_a_session_dragged_onto_a_busy_one_is_refused_with_the_reason(spa):
    session = spa.sessions[0]
    response = post(browser_of(spa.users.desk), "programs:calendar-move",
                    {"start": local(MONDAY, 10), "end": local(MONDAY, 11), "resource": spa.masseurs[1].pk},
                    session_pk=session.pk)
    assert response.status_code == 409
    reason = response.json()["error"]
    assert "Ihor" in reason and "Massage" in reason and "Free nearby" in reason
    session.refresh_from_db()
    assert session.specialist == spa.masseurs[0]


def test_a_session_dragged_to_another_specialist_and_resized(spa):
    session = spa.sessions[0]
    response = post(browser_of(spa.users.manager), "programs:calendar-move",
                    {"start": local(MONDAY, 12), "end": local(MONDAY, 13, 30), "resource": spa.masseurs[1].pk},
                    session_pk=session.pk)
    assert response.status_code == 200, response.content
    session.refresh_from_db()
    assert (session.specialist, session.duration_minutes) == (spa.masseurs[1], 90)


def test_a_resize_past_the_working_hours_is_refused(spa):
    session = spa.sessions[0]
    response = post(browser_of(spa.users.manager), "programs:calendar-move",
                    {"start": local(MONDAY, 17), "end": local(MONDAY, 19)}, session_pk=session.pk)
    assert response.status_code == 409 and "does not work then" in response.json()["error"]
    session.refresh_from_db()
    assert session.duration_minutes == 60


def test_bad_input_is_named_by_field(spa):
    response = post(browser_of(spa.users.manager), "programs:calendar-move",
                    {"start": "soon", "end": local(MONDAY, 9)}, session_pk=spa.sessions[0].pk)
    assert response.status_code == 400 and "start" in response.json()["errors"]


def test_a_single_session_is_booked_in_the_clients_single_sessions_program(spa):
    browser = browser_of(spa.users.manager)
    data = {"client": spa.mine.pk, "service": spa.massage.pk, "specialist": spa.masseurs[0].pk,
            "start": local(MONDAY, 15)}
    first = post(browser, "programs:calendar-book", data)
    second = post(browser, "programs:calendar-book", {**data, "start": local(MONDAY, 16, 15)})
    assert first.status_code == second.status_code == 200, first.content
    program = Program.objects.get(client=spa.mine, one_off=True)
    assert program.status == Program.Status.ACTIVE and program.items.count() == 2
    assert Program.objects.filter(client=spa.mine, status=Program.Status.ACTIVE).count() == 2  # beside the personal one
    assert Session.objects.filter(item__program=program).count() == 2


def test_a_single_session_in_the_way_is_refused_and_leaves_nothing(spa):
    response = post(browser_of(spa.users.manager), "programs:calendar-book",
                    {"client": spa.mine.pk, "service": spa.massage.pk, "specialist": spa.masseurs[0].pk,
                     "start": local(MONDAY, 10, 30)})
    assert response.status_code == 409 and "Nina" in response.json()["error"]
    assert not Program.objects.filter(one_off=True).exists()
    assert ProgramItem.objects.count() == 2


def test_by_room_a_single_session_is_booked_in_the_room_clicked(spa):
    """The by-room view sends the column's room: the session takes it, though the first room of
    the kind is free too (by specialist, without a room, the first free one is taken)."""
    browser = browser_of(spa.users.manager)
    data = {"client": spa.mine.pk, "service": spa.massage.pk, "specialist": spa.masseurs[0].pk}
    in_room = post(browser, "programs:calendar-book", {**data, "start": local(MONDAY, 15), "room": spa.rooms[1].pk})
    any_room = post(browser, "programs:calendar-book", {**data, "start": local(MONDAY, 12), "room": ""})
    assert in_room.status_code == any_room.status_code == 200, in_room.content
    assert Session.objects.get(pk=in_room.json()["session"]).room == spa.rooms[1]
    assert Session.objects.get(pk=any_room.json()["session"]).room == spa.rooms[0]


def test_by_room_a_taken_room_or_one_of_another_kind_is_refused_and_leaves_nothing(spa):
    from staff.models import RoomKind
    from staff.tests import factories as stf

    studio = stf.RoomFactory(department=spa.department, name="Studio", kind=RoomKind.STUDIO, capacity=8)
    # 10:00-11:15 Massage 1 and 2 are taken by the two clients' sessions; Ihor is free at 11:00.
    taken = post(browser_of(spa.users.other), "programs:calendar-book",
                 {"client": spa.theirs.pk, "service": spa.massage.pk, "specialist": spa.masseurs[1].pk,
                  "start": local(MONDAY, 11, 15), "room": spa.rooms[0].pk})
    assert taken.status_code == 200  # the room is free again at 11:15 (the buffer included)
    refused = post(browser_of(spa.users.manager), "programs:calendar-book",
                   {"client": spa.mine.pk, "service": spa.massage.pk, "specialist": spa.masseurs[0].pk,
                    "start": local(MONDAY, 11, 45), "room": spa.rooms[0].pk})
    assert refused.status_code == 409 and "Massage 1" in refused.json()["error"]
    wrong_kind = post(browser_of(spa.users.manager), "programs:calendar-book",
                      {"client": spa.mine.pk, "service": spa.massage.pk, "specialist": spa.masseurs[0].pk,
                       "start": local(MONDAY, 15), "room": studio.pk})
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["errors"]["room"] == ["Massage needs a room of the kind: massage room."]
    assert not Program.objects.filter(client=spa.mine, one_off=True).exists()


def test_by_room_a_service_that_needs_no_room_takes_the_room_given_and_a_room_out_of_use_is_refused(spa):
    from staff.tests import factories as stf

    consultation = stf.ServiceFactory(department=spa.department, name="Consultation", duration_minutes=30,
                                      room_kind="")
    spa.masseurs[0].services.add(consultation)
    browser = browser_of(spa.users.manager)
    data = {"client": spa.mine.pk, "service": consultation.pk, "specialist": spa.masseurs[0].pk}
    booked = post(browser, "programs:calendar-book", {**data, "start": local(MONDAY, 15), "room": spa.rooms[1].pk})
    assert booked.status_code == 200, booked.content
    assert Session.objects.get(pk=booked.json()["session"]).room == spa.rooms[1]
    spa.rooms[0].is_active = False
    spa.rooms[0].save()
    refused = post(browser, "programs:calendar-book", {**data, "start": local(MONDAY, 16), "room": spa.rooms[0].pk})
    assert refused.status_code == 400 and "room" in refused.json()["errors"]
    assert Session.objects.filter(item__program__one_off=True).count() == 1


def test_the_by_room_page_offers_the_departments_specialists_and_each_rooms_kind(spa, client):
    client.force_login(spa.users.manager)
    page = client.get(reverse("programs:calendar"), {"by": "rooms", "department": spa.department.pk})
    assert [m["name"] for m in page.context["config"]["specialists"]] == ["Ihor Masseur", "Nina Masseur"]
    feed = client.get(reverse("programs:calendar-events"), {**WEEK, "by": "rooms", "department": spa.department.pk})
    assert {r["title"]: r["extendedProps"]["kind"] for r in feed.json()["resources"]} == {
        "Massage 1 (1)": "massage", "Massage 2 (1)": "massage"}
    by_specialist = client.get(reverse("programs:calendar"), {"department": spa.department.pk})
    assert "specialists" not in by_specialist.context["config"]  # the columns are the specialists


def test_booking_asks_for_each_missing_field(spa):
    response = post(browser_of(spa.users.manager), "programs:calendar-book", {"start": "tomorrow"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"client", "service", "specialist", "start"}


def test_a_manager_books_only_for_their_own_clients(spa):
    response = post(browser_of(spa.users.manager), "programs:calendar-book",
                    {"client": spa.theirs.pk, "service": spa.massage.pk, "specialist": spa.masseurs[0].pk,
                     "start": local(MONDAY, 15)})
    assert response.status_code == 400 and "client" in response.json()["errors"]
    assert not Program.objects.filter(one_off=True).exists()


def test_a_session_is_cancelled_with_the_reason(spa):
    browser = browser_of(spa.users.manager)
    session = spa.sessions[0]
    refused = post(browser, "programs:calendar-cancel", {"reason": " "}, session_pk=session.pk)
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    response = post(browser, "programs:calendar-cancel", {"reason": "Client is ill"}, session_pk=session.pk)
    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == (Session.Status.CANCELLED, "Client is ill")


@pytest.mark.parametrize("name, data", [
    ("programs:calendar-move", {"start": local(MONDAY, 14), "end": local(MONDAY, 15)}),
    ("programs:calendar-cancel", {"reason": "Because"}),
])
def test_nobody_acts_on_another_managers_client_nor_a_specialist_nor_a_stranger(spa, name, data):
    theirs = spa.sessions[1]
    assert post(browser_of(spa.users.manager), name, data, session_pk=theirs.pk).status_code == 404
    assert post(browser_of(spa.users.specialist), name, data, session_pk=spa.sessions[0].pk).status_code == 403
    anonymous = Browser()
    response = anonymous.post(reverse(name, kwargs={"session_pk": theirs.pk}), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    theirs.refresh_from_db()
    assert theirs.status == Session.Status.PLANNED and theirs.scheduled_at == spa.sessions[1].scheduled_at


def test_a_move_without_the_csrf_token_is_refused(spa):
    browser = browser_of(spa.users.manager)
    response = browser.post(reverse("programs:calendar-move", kwargs={"session_pk": spa.sessions[0].pk}),
                            json.dumps({"start": local(MONDAY, 14), "end": local(MONDAY, 15)}),
                            content_type="application/json")
    assert response.status_code == 403


def test_the_plan_is_confirmed_and_the_page_says_so(spa):
    program = spa.items[0].program
    browser = browser_of(spa.users.manager)
    response = browser.post(reverse("programs:plan-confirm", args=[program.pk]),
                            {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}, follow=True)
    assert response.status_code == 200 and b'data-testid="plan-confirmed"' in response.content
    program.refresh_from_db()
    assert program.plan_confirmed_at is not None
    other = browser_of(spa.users.other)
    assert other.post(reverse("programs:plan-confirm", args=[program.pk]),
                      {"csrfmiddlewaretoken": other.cookies["csrftoken"].value}).status_code == 404


def test_clients_are_found_within_the_users_own(spa, client):
    client.force_login(spa.users.manager)
    found = client.get(reverse("programs:calendar-clients"), {"q": "Mine"}).json()["clients"]
    assert [c["name"] for c in found] == ["Iryna Mine"]
    assert client.get(reverse("programs:calendar-clients"), {"q": "Theirs"}).json()["clients"] == []


def test_the_week_feed_of_a_department_costs_the_same_queries_at_two_sizes(spa, client):
    """The bench's request: ``programs:calendar-events`` with start, end, by and department."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programs.tests.calendar.test_feed import _more_sessions

    client.force_login(spa.users.manager)
    params = {**WEEK, "by": "specialists", "department": spa.department.pk}
    counts = []
    for more in (0, 7):
        _more_sessions(spa, more)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(reverse("programs:calendar-events"), params)
        counts.append((len(queries), len(answer.json()["events"])))
    assert counts[1][1] > counts[0][1] and counts[0][0] == counts[1][0]
