"""Today's everyday clicks: "Log call" (and Congratulate, Log intro visit, Renew) from Today
comes back to Today, and the row shows it was done today; a relayed complaint says when staff
answered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Interaction
from clients.tests import factories as cf
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def expiring(manager):
    client = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)
    return cf.MembershipFactory(client=client, start_date=TODAY - datetime.timedelta(days=26),
                                end_date=TODAY + datetime.timedelta(days=3))


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


def section_rows(response, name):
    return response.context[name]["rows"]


def test_log_call_from_today_returns_to_today_and_the_row_shows_the_call(as_manager, expiring):
    today = as_manager.get(reverse("home"))
    link = reverse("clients:interaction-create", args=[expiring.client_id]) + "?kind=call&amp;next=/%23expiring"
    assert link in today.content.decode()
    assert section_rows(today, "expiring")[0].contacted is None

    form_url = reverse("clients:interaction-create", args=[expiring.client_id]) + "?kind=call&next=/%23expiring"
    form = as_manager.get(form_url)
    assert 'name="next" value="/#expiring"' in form.content.decode()
    response = as_manager.post(form_url, {"kind": "call", "direction": "out", "summary": "Reminded about the renewal",
                                          "next": "/#expiring"})

    assert response.status_code == 302 and response["Location"] == "/#expiring"
    row = section_rows(as_manager.get(reverse("home")), "expiring")[0]
    assert row.contacted.kind == Interaction.Kind.CALL
    assert 'data-testid="contacted-today"' in as_manager.get(reverse("home")).content.decode()


def test_a_call_yesterday_does_not_mark_the_row_today(as_manager, expiring, manager):
    cf.InteractionFactory(client=expiring.client, manager=manager,
                          occurred_at=timezone.now() - datetime.timedelta(days=1))
    assert section_rows(as_manager.get(reverse("home")), "expiring")[0].contacted is None


def test_a_next_address_of_another_site_is_ignored(as_manager, expiring):
    url = reverse("clients:interaction-create", args=[expiring.client_id])
    response = as_manager.post(url + "?next=//evil.example.com/", {
        "kind": "call", "direction": "out", "summary": "Hello", "next": "//evil.example.com/"})
    assert response["Location"] == reverse("client-card", args=[expiring.client_id]) + "#timeline"


def test_a_complaint_answered_by_staff_says_so_on_today(as_manager, manager):
    client = cf.ClientFactory(assigned_manager=manager)
    stf.FeedbackFactory(client=client, kind=Feedback.Kind.COMPLAINT, status=Feedback.Status.RELAYED,
                        relayed_at=timezone.now(), responded_at=timezone.now(), staff_response="Sorry, fixed")
    html = as_manager.get(reverse("home")).content.decode()
    assert "Staff answered" in html
    assert "Relayed to staff" not in html


def test_the_agenda_marks_the_rows_in_one_query_whatever_their_number(as_manager, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        for _ in range(n):
            person = cf.ClientFactory(assigned_manager=manager, birth_date=TODAY.replace(year=1990))
            cf.MembershipFactory(client=person, start_date=TODAY - datetime.timedelta(days=26),
                                 end_date=TODAY + datetime.timedelta(days=3))
            cf.InteractionFactory(client=person, manager=manager, kind=Interaction.Kind.CALL)

    grow(2)
    with CaptureQueriesContext(connection) as small:
        as_manager.get(reverse("home"))
    grow(6)
    with CaptureQueriesContext(connection) as big:
        as_manager.get(reverse("home"))
    assert len(small) == len(big)


def test_a_complaint_from_a_survey_answer_names_the_survey_not_none(as_manager, manager):
    """A low survey score opens a complaint about no one in particular: Today says where it came
    from (it once printed "None")."""
    client = cf.ClientFactory(first_name="Khrystyna", last_name="Hnatiuk", assigned_manager=manager)
    stf.FeedbackFactory(client=client, staff_member=None, service=None, kind=Feedback.Kind.COMPLAINT,
                        channel=Feedback.Channel.SURVEY, rating=None, text="Survey answer — 3 of 10: too dear")

    today = as_manager.get(reverse("home"))

    assert [item.client for item in section_rows(today, "complaints")] == [client]
    row = today.content.decode().split('href="/staff/feedback/')[1].split("</li>")[0]
    assert '<div class="small">Survey <span' in row
    assert "None" not in today.content.decode()
