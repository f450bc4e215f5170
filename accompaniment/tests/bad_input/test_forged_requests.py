"""Issue 8, bad input tried on purpose: requests forged by someone who should not send them — no
or a wrong CSRF token, another manager's ids, a specialist on a manager's endpoints, ids that do
not exist, are negative, enormous or not numbers. Each is a 403 or a 404 and stores nothing."""

import pytest
from django.test import Client as Browser
from django.urls import reverse

from clients.models import Client
from clients.messaging.links import unsubscribe_token
from staff.models import Feedback

from accompaniment.tests.bad_input import TODAY, TOMORROW, changed_tables, club, club_once, row_counts

pytestmark = pytest.mark.django_db

MISSING = 999_999
ENORMOUS = 10**20  # more than any integer column holds


def endpoints(club, side):
    """Every POST of the workspace against one manager's records: (name, url, data)."""
    c, m = side.client.pk, side.membership.pk
    return {
        "edit client": (reverse("clients:edit", args=[c]), {"first_name": "Hacked", "email": "h@example.com",
                                                           "language": "uk", "source": "walk_in",
                                                           "preferred_channel": "email"}),
        "sell membership": (reverse("sales:membership-sell", args=[c]),
                            {"plan": club.plan.pk, "start_date": TODAY.isoformat()}),
        "freeze": (reverse("clients:membership-freeze", args=[c, m]),
                   {"start_date": TODAY.isoformat(), "days": "3", "reason": "Trip"}),
        "check in": (reverse("clients:check-in", args=[c]), {}),
        "log interaction": (reverse("clients:interaction-create", args=[c]),
                            {"kind": "call", "direction": "out", "summary": "Hello"}),
        "new task": (reverse("clients:task-create", args=[c]), {"title": "Call", "due_date": TOMORROW.isoformat()}),
        "task done": (reverse("clients:task-done", args=[side.task.pk]), {}),
        "measurement": (reverse("clients:measurement-add", args=[c]),
                        {"measured_on": TODAY.isoformat(), "weight_kg": "70"}),
        "new program": (reverse("programs:create", args=[c]), {
            "name": "P", "start_date": TOMORROW.isoformat(), "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
            "items-0-service": club.service.pk, "items-0-sessions_count": "4", "items-0-sessions_per_week": "1"}),
        "program status": (reverse("programs:status", args=[side.program.pk]), {"status": "active"}),
        "new feedback": (reverse("staff:feedback-create", args=[c]),
                         {"kind": "thanks", "staff_member": club.specialist.pk, "channel": "in_person", "text": "Nice"}),
        "relay feedback": (reverse("staff:feedback-relay", args=[side.complaint.pk]), {}),
        "resolve feedback": (reverse("staff:feedback-resolve", args=[side.complaint.pk]), {"resolution": "Sorted"}),
        "new offer": (reverse("sales:offer-create", args=[c]), {"service": club.service.pk, "outcome": "accepted"}),
        "offer outcome": (reverse("sales:offer-outcome", args=[side.offer.pk]), {"outcome": "accepted"}),
        "decide recommendation": (reverse("sales:decide", args=[side.recommendation.pk]), {"decision": "offer_accepted"}),
    }


ENDPOINTS = [
    "edit client", "sell membership", "freeze", "check in", "log interaction", "new task", "task done",
    "measurement", "new program", "program status", "new feedback", "relay feedback", "resolve feedback",
    "new offer", "offer outcome", "decide recommendation",
]


@pytest.mark.parametrize(
    "who, whose, expected",
    [("owner", "theirs", 404), ("specialist_user", "mine", 403)],
    ids=["a manager on another manager's records", "a specialist on a manager's records"],
)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_posting_to_records_one_may_not_touch_is_refused_and_changes_nothing(client, club, name, who, whose, expected):
    """Another manager's client does not admit to existing (404); a specialist has no client
    workspace at all (403)."""
    url, data = endpoints(club, getattr(club, whose))[name]
    client.force_login(getattr(club, who))
    before = row_counts()
    assert client.post(url, data).status_code == expected
    assert changed_tables(before) == {}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_owner_really_can_post_each_of_these(client, club, name):
    """The test above refuses requests that work for the right person."""
    url, data = endpoints(club, club.mine)[name]
    client.force_login(club.owner)
    assert client.post(url, data).status_code == 302


def with_id(url: str, old: int, new) -> str:
    return url.replace(f"/{old}/", f"/{new}/", 1)


ID_CASES = [(name, new_id) for name in ENDPOINTS for new_id in (MISSING, ENORMOUS)] + [
    (name, new_id) for name in ("check in", "task done") for new_id in ("-1", "abc", "1e3", "%00", "١")
]


@pytest.mark.parametrize("name, new_id", ID_CASES)
def test_an_id_that_does_not_exist_or_is_not_a_number_is_404(client, club, name, new_id):
    url, data = endpoints(club, club.mine)[name]
    ids = {"task done": club.mine.task.pk, "program status": club.mine.program.pk,
           "relay feedback": club.mine.complaint.pk, "resolve feedback": club.mine.complaint.pk,
           "offer outcome": club.mine.offer.pk, "decide recommendation": club.mine.recommendation.pk}
    client.force_login(club.director)  # sees every record: only the id can make it a 404
    before = row_counts()
    assert client.post(with_id(url, ids.get(name, club.mine.client.pk), new_id), data).status_code == 404
    assert changed_tables(before) == {}


@pytest.mark.parametrize(
    "url",
    [
        lambda club, i: reverse("client-card", args=[i]),
        lambda club, i: reverse("client-history", args=[i]),
        lambda club, i: reverse("client-export", args=[i]),
        lambda club, i: reverse("client-erase", args=[i]),
        lambda club, i: reverse("programs:detail", args=[i]),
        lambda club, i: reverse("programs:print", args=[i]),
        lambda club, i: reverse("staff:feedback", args=[i]),
        lambda club, i: reverse("staff-member", args=[i]),
        lambda club, i: reverse("sales:promotion", args=[i]),
        lambda club, i: reverse("clients:membership-freeze", args=[club.mine.client.pk, i]),
    ],
    ids=["card", "history", "export", "erase", "program", "print", "feedback", "staff member", "promotion",
         "freeze"],
)
@pytest.mark.parametrize("missing", [MISSING, ENORMOUS])
def test_pages_of_records_that_do_not_exist_are_404(client, club, url, missing):
    client.force_login(club.director)
    assert client.get(url(club, missing)).status_code == 404


def test_a_specialist_cannot_mark_or_recommend_on_another_specialists_session(client, club, make_user):
    from staff.tests.factories import StaffMemberFactory

    other = make_user("Specialist", username="other-spec")
    StaffMemberFactory(user=other, department=club.department)
    client.force_login(other)
    session = club.mine.session
    before = row_counts()
    assert client.post(reverse("programs:session-mark", args=[session.pk]), {"status": "done"}).status_code == 404
    data = {"service": club.service.pk, "reason": "Needs it"}
    assert client.post(reverse("sales:recommend", args=[session.pk]), data).status_code == 404
    assert changed_tables(before) == {}


def test_a_specialist_cannot_answer_feedback_about_someone_else(client, club, make_user):
    from staff.tests.factories import StaffMemberFactory

    other = make_user("Specialist", username="other-spec")
    StaffMemberFactory(user=other, department=club.department)
    Feedback.objects.filter(pk=club.mine.complaint.pk).update(status=Feedback.Status.RELAYED)
    client.force_login(other)
    response = client.post(reverse("staff:feedback-answer", args=[club.mine.complaint.pk]), {"staff_response": "Me"})
    assert response.status_code in (403, 404)
    assert Feedback.objects.get(pk=club.mine.complaint.pk).staff_response == ""


@pytest.mark.parametrize(
    "url, data",
    [
        (reverse("client-erase", args=[1]), {"reason": "Asked", "confirm": "on"}),
        (reverse("staff:assessment-create"), {"candidate_name": "X", "position": "Y"}),
    ],
    ids=["erase", "assessment"],
)
def test_a_manager_posting_to_a_directors_form_gets_403(client, club, url, data):
    client.force_login(club.owner)
    before = row_counts()
    assert client.post(url, data).status_code == 403
    assert changed_tables(before) == {}


@pytest.mark.parametrize(
    "url",
    [lambda club: reverse("dashboard") + "?export=at_risk", lambda club: reverse("sales:pay") + "?export=csv",
     lambda club: reverse("client-history", args=[club.mine.client.pk]),
     lambda club: reverse("client-export", args=[club.mine.client.pk]),
     lambda club: reverse("staff:assessment-compare") + "?position=%00"],
    ids=["dashboard csv", "pay csv", "history", "export", "assessments"],
)
@pytest.mark.parametrize("who", ["owner", "specialist_user", "frontdesk"])
def test_a_directors_page_asked_for_by_anyone_else_is_403(client, club, url, who):
    client.force_login(getattr(club, who))
    assert client.get(url(club)).status_code == 403


@pytest.mark.parametrize("show", ["past", "\x00", "'; DROP TABLE programs_session; --", ""])
def test_a_specialists_sessions_answer_any_choice_of_list(client, club, show):
    client.force_login(club.specialist_user)
    response = client.get(reverse("programs:my-sessions"), {"show": show})
    assert response.status_code == 200 and response.context["show"] in ("past", "upcoming")


@pytest.mark.parametrize("field, value", [("plan", MISSING), ("plan", "abc"), ("plan", -1), ("plan", ENORMOUS)])
def test_ids_in_post_fields_that_point_nowhere_are_field_errors(client, club, field, value):
    client.force_login(club.owner)
    before = row_counts()
    response = client.post(reverse("sales:membership-sell", args=[club.mine.client.pk]),
                           {"plan": club.plan.pk, "start_date": TODAY.isoformat(), field: value})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert changed_tables(before) == {}


def test_an_offer_of_a_plan_taken_off_sale_is_a_field_error(client, club):
    club.plan.is_active = False
    club.plan.save()
    client.force_login(club.owner)
    response = client.post(reverse("sales:offer-create", args=[club.mine.client.pk]),
                           {"plan": club.plan.pk, "outcome": "pending"})
    assert "plan" in response.context["form"].errors


@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/", "/\\evil.example/", "\\\\evil.example",
                                      "javascript:alert(1)", "/\t/evil.example"])
def test_marking_a_task_done_never_redirects_off_the_site(client, club, next_url):
    client.force_login(club.owner)
    response = client.post(reverse("clients:task-done", args=[club.mine.task.pk]), {"next": next_url})
    assert response.status_code == 302
    assert "evil" not in response["Location"] and "javascript" not in response["Location"]


@pytest.mark.parametrize("next_url", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_marking_a_session_never_redirects_off_the_site(client, club, next_url):
    client.force_login(club.specialist_user)
    response = client.post(reverse("programs:session-mark", args=[club.mine.session.pk]),
                           {"status": "done", "next": next_url})
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_a_local_next_address_is_still_followed(client, club):
    client.force_login(club.owner)
    response = client.post(reverse("clients:task-done", args=[club.mine.task.pk]), {"next": "/clients/?q=x"})
    assert response["Location"] == "/clients/?q=x"


@pytest.mark.parametrize("method", ["get", "put"])
@pytest.mark.parametrize("name", ["check in", "task done", "program status", "relay feedback"])
def test_post_only_actions_refuse_other_methods_and_change_nothing(client, club, name, method):
    url, _data = endpoints(club, club.mine)[name]
    client.force_login(club.owner)
    before = row_counts()
    assert getattr(client, method)(url).status_code == 405
    assert changed_tables(before) == {}


# --- CSRF ---------------------------------------------------------------------------------------
@pytest.fixture
def forged(club):
    """A browser that checks CSRF tokens as a real one does, logged in as the owner."""
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(club.owner)
    return browser


CSRF_CASES = [(name, None) for name in ENDPOINTS] + [
    (name, token) for name in ("sell membership", "resolve feedback") for token in ("x" * 64, "", "\x00")
]


@pytest.mark.parametrize("name, token", CSRF_CASES)
def test_a_post_without_the_right_csrf_token_is_403_and_stores_nothing(forged, club, name, token):
    url, data = endpoints(club, club.mine)[name]
    if token is not None:
        data = {**data, "csrfmiddlewaretoken": token}
    before = row_counts()
    assert forged.post(url, data).status_code == 403
    assert changed_tables(before) == {}


def test_the_csrf_token_of_the_page_is_what_lets_the_same_post_through(forged, club):
    url, data = endpoints(club, club.mine)["new task"]
    forged.get(url)
    token = forged.cookies["csrftoken"].value
    assert forged.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.parametrize(
    "url, data",
    [
        (reverse("clients:create"), {"first_name": "Forged", "email": "f@example.com", "language": "uk",
                                     "source": "walk_in", "preferred_channel": "email"}),
        (reverse("set_language"), {"language": "ru"}),
        (reverse("logout"), {}),
    ],
    ids=["new client", "language", "logout"],
)
def test_the_other_forms_of_a_logged_in_user_need_the_token_too(forged, club, url, data):
    before = row_counts()
    assert forged.post(url, data).status_code == 403
    assert changed_tables(before) == {}


def test_a_director_form_without_a_token_is_403(club):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(club.director)
    before = row_counts()
    response = browser.post(reverse("client-erase", args=[club.mine.client.pk]), {"reason": "Asked", "confirm": "on"})
    assert response.status_code == 403 and changed_tables(before) == {}
    response = browser.post(reverse("admin:clients_client_add"), {"first_name": "Forged", "email": "a@example.com"})
    assert response.status_code == 403 and changed_tables(before) == {}


def test_logging_in_without_a_token_is_403(club):
    browser = Browser(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "owner", "password": "pass-12345-word"})
    assert response.status_code == 403 and "_auth_user_id" not in browser.session


def test_the_public_survey_form_needs_its_token(club):
    from staff.services import survey_token

    browser = Browser(enforce_csrf_checks=True)
    token = survey_token(client_id=club.mine.client.pk)
    before = row_counts()
    assert browser.post(reverse("survey", args=[token]), {"score": "10"}).status_code == 403
    assert changed_tables(before) == {}


def test_one_click_unsubscribe_needs_no_csrf_token_on_purpose(club):
    """RFC 8058: the mail provider POSTs without a page; the signed link is the credential."""
    browser = Browser(enforce_csrf_checks=True)
    client = club.mine.client
    response = browser.post(reverse("unsubscribe", args=[unsubscribe_token(client.pk, "email")]))
    assert response.status_code == 200
    assert Client.objects.get(pk=client.pk).consent_email is False
