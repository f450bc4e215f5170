"""Issue 8, bad input tried on purpose: the forms of feedback, assessments, programs, offers,
recommendations, promotions, the director's pages (erasure, dashboard filter, pay report,
quality), the login form and the language switcher. Every case is a message next to the field
at fault (or a 4xx), never a 500, and nothing is stored half-done."""

import datetime

import pytest
from django.urls import reverse

from clients.models import UserPreference
from programs.models import Program
from sales.models import Recommendation
from staff.models import CompetencyAssessment, Competency, Feedback

from accompaniment.tests.bad_input import (
    LONG, NUL, SQL, TODAY, TOMORROW, changed_tables, club, club_once, refused, row_counts,
)

pytestmark = pytest.mark.django_db

@pytest.fixture
def browser(client):
    """The test client, logged in as whoever ``browser.as_(user)`` names."""
    def as_(user):
        client.force_login(user)
        return client

    client.as_ = as_
    return client


def answers_without_error(browser, url, query):
    response = browser.get(url, query)
    assert response.status_code == 200, response.status_code
    return response


# --- feedback -----------------------------------------------------------------------------------
def feedback_data(club, **changes):
    return {"kind": "complaint", "staff_member": club.specialist.pk, "service": "", "rating": "2",
            "channel": "in_person", "received_at": "", "text": "Late again", **changes}


@pytest.mark.parametrize(
    "field, value, shown_at",
    [
        ("kind", "praise", "kind"),
        ("staff_member", "abc", "staff_member"),
        ("staff_member", "999999", "staff_member"),
        ("staff_member", "1" + "0" * 20, "staff_member"),
        ("service", "abc", "service"),
        ("rating", "0", "rating"),
        ("rating", "6", "rating"),
        ("rating", "NaN", "rating"),
        ("rating", "4.5", "rating"),
        ("channel", "survey", "channel"),  # only the survey itself files survey feedback
        ("received_at", "9999-12-31T23:59", "received_at"),
        ("received_at", (TODAY + datetime.timedelta(days=2)).isoformat() + "T10:00", "received_at"),
        ("received_at", "0001-01-01T00:00", "received_at"),
        ("received_at", "2025-02-31T10:00", "received_at"),
        ("text", "   ", "text"),
        ("text", "Late\x00", "text"),
    ],
)
def test_recording_feedback_refuses_garbage(browser, club, field, value, shown_at):
    url = reverse("staff:feedback-create", args=[club.mine.client.pk])
    refused(browser.as_(club.owner), url, feedback_data(club, **{field: value}), shown_at)


def test_feedback_about_nobody_is_refused(browser, club):
    url = reverse("staff:feedback-create", args=[club.mine.client.pk])
    messages = refused(browser.as_(club.owner), url, feedback_data(club, staff_member=""), "__all__")
    assert messages == ["Say which staff member or service this is about."]


@pytest.mark.parametrize("value", ["", "  ", "Done\x00"])
def test_resolving_a_complaint_needs_a_real_resolution(browser, club, value):
    complaint = club.mine.complaint
    url = reverse("staff:feedback-resolve", args=[complaint.pk])
    refused(browser.as_(club.owner), url, {"resolution": value}, "resolution")
    complaint.refresh_from_db()
    assert complaint.status == Feedback.Status.NEW


def test_thanks_cannot_be_resolved_like_a_complaint(browser, club):
    thanks = Feedback.objects.create(client=club.mine.client, staff_member=club.specialist, kind="thanks", text="Great")
    url = reverse("staff:feedback-resolve", args=[thanks.pk])
    messages = refused(browser.as_(club.owner), url, {"resolution": "ok"}, "__all__")
    assert messages == ["Only complaints are resolved; thanks and suggestions are relayed."]


@pytest.mark.parametrize("value", ["", " \n ", "Sorry\x00"])
def test_a_specialists_answer_needs_real_text(browser, club, value):
    complaint = club.mine.complaint
    Feedback.objects.filter(pk=complaint.pk).update(status=Feedback.Status.RELAYED)
    url = reverse("staff:feedback-answer", args=[complaint.pk])
    refused(browser.as_(club.specialist_user), url, {"staff_response": value}, "staff_response")
    complaint.refresh_from_db()
    assert complaint.staff_response == ""


# --- competency assessments -----------------------------------------------------------------------
def assessment_data(**changes):
    data = {"staff_member": "", "candidate_name": "Olha Marchenko", "position": "Accompaniment manager",
            "occasion": "hiring", "assessed_on": TODAY.isoformat(), "decision": "pending", "summary": ""}
    for competency in Competency:
        data[f"score_{competency.value}"] = "4"
        data[f"tool_{competency.value}"] = "interview"
        data[f"notes_{competency.value}"] = ""
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "field, value, shown_at",
    [
        ("score_knowledge", "0", "score_knowledge"),
        ("score_knowledge", "6", "score_knowledge"),
        ("score_stress", "", "score_stress"),
        ("tool_positivity", "astrology", "tool_positivity"),
        ("notes_organization", "x" * 2001, "notes_organization"),
        ("candidate_name", "   ", "__all__"),
        ("candidate_name", NUL, "candidate_name"),
        ("position", LONG, "position"),
        ("staff_member", "abc", "staff_member"),
        ("decision", "maybe", "decision"),
        ("assessed_on", "2025-02-31", "assessed_on"),
    ],
)
def test_an_assessment_with_garbage_stores_neither_it_nor_any_score(browser, club, field, value, shown_at):
    refused(browser.as_(club.director), reverse("staff:assessment-create"), assessment_data(**{field: value}), shown_at)
    assert not CompetencyAssessment.objects.exists()


@pytest.mark.parametrize("position", ["Manager\x00", LONG + SQL, "🧖‍♀️"])
def test_comparing_assessments_of_any_position_answers_a_page(browser, club, position):
    answers_without_error(browser.as_(club.director), reverse("staff:assessment-compare"), {"position": position})


@pytest.mark.parametrize(
    "query",
    [{"start": "abc"}, {"start": "2025-02-31"}, {"start": "0001-01-01", "end": "9999-12-31"}, {"sort": "\x00"}],
)
def test_the_quality_page_answers_any_period(browser, club, query):
    answers_without_error(browser.as_(club.director), reverse("staff:quality"), query)


def test_a_quality_period_ending_before_it_starts_is_explained(browser, club):
    response = answers_without_error(
        browser.as_(club.director), reverse("staff:quality"), {"start": TODAY.isoformat(), "end": "2000-01-01"}
    )
    assert response.context["form"].errors["end"] == ["The end of the period cannot be before its start."]


# --- programs -----------------------------------------------------------------------------------
def program_data(club, **changes):
    data = {
        "name": "Back in shape", "template": "", "start_date": TOMORROW.isoformat(), "goal": "", "notes": "",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "30",
        "items-0-service": club.service.pk, "items-0-specialist": club.specialist.pk,
        "items-0-sessions_count": "8", "items-0-sessions_per_week": "2", "items-0-notes": "",
        "items-0-override_reason": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "field, value, shown_at",
    [
        ("name", "   ", "name"),
        ("name", "x" * 151, "name"),
        ("name", NUL, "name"),
        ("template", "abc", "template"),
        ("template", "²", "template"),
        ("template", "1" + "0" * 30, "template"),
        ("start_date", "9999-12-31", "start_date"),
        ("start_date", "0001-01-01", "start_date"),
        ("start_date", "2025-02-31", "start_date"),
        ("goal", "\x00", "goal"),
        ("items-0-service", "", "line:service"),
        ("items-0-service", "abc", "line:service"),
        ("items-0-service", "999999", "line:service"),
        ("items-0-specialist", "abc", "line:specialist"),
        ("items-0-sessions_count", "0", "line:sessions_count"),
        ("items-0-sessions_count", "201", "line:sessions_count"),
        ("items-0-sessions_count", "eight", "line:sessions_count"),
        ("items-0-sessions_count", "1" + "0" * 20, "line:sessions_count"),
        ("items-0-sessions_per_week", "15", "line:sessions_per_week"),
        ("items-0-notes", "x" * 256, "line:notes"),
        ("items-0-override_reason", "\x00", "line:override_reason"),
    ],
)
def test_a_program_with_a_bad_line_stores_neither_program_nor_lines(browser, club, field, value, shown_at):
    url = reverse("programs:create", args=[club.mine.client.pk])
    form = "formset" if shown_at.startswith("line:") else "form"
    refused(browser.as_(club.owner), url, program_data(club, **{field: value}), shown_at, form)


def test_a_specialist_who_does_not_provide_the_service_is_refused_on_the_line(browser, club):
    from staff.tests.factories import StaffMemberFactory

    stranger = StaffMemberFactory(department__name="SPA", department__code="spa")
    url = reverse("programs:create", args=[club.mine.client.pk])
    data = program_data(club, **{"items-0-specialist": stranger.pk})
    assert "does not provide" in refused(browser.as_(club.owner), url, data, "line:specialist", "formset")[0]


@pytest.mark.parametrize(
    "management",
    [
        {"items-TOTAL_FORMS": None},  # the management form is missing
        {"items-TOTAL_FORMS": "abc"},
        {"items-TOTAL_FORMS": "0"},
        {"items-TOTAL_FORMS": "31"},
        {"items-INITIAL_FORMS": "abc"},
        {"items-0-DELETE": "on"},  # the only line deleted
    ],
)
def test_a_program_with_a_broken_set_of_lines_is_refused(browser, club, management):
    data = {k: v for k, v in program_data(club, **management).items() if v is not None}
    before = row_counts()
    response = browser.as_(club.owner).post(reverse("programs:create", args=[club.mine.client.pk]), data)
    assert response.status_code == 200
    formset, form = response.context["formset"], response.context["form"]
    assert formset.non_form_errors() or form.non_field_errors() or not formset.is_valid()
    assert changed_tables(before) == {}


def test_an_enormous_line_count_is_capped_not_a_crash(browser, club):
    data = program_data(club, **{"items-TOTAL_FORMS": "1" + "0" * 20})
    before = row_counts()
    response = browser.as_(club.owner).post(reverse("programs:create", args=[club.mine.client.pk]), data)
    assert response.status_code == 200 and response.context["formset"].non_form_errors()
    assert changed_tables(before) == {}


@pytest.mark.parametrize("template", ["abc", "²", "1" + "0" * 30, "\x00"])
def test_opening_the_program_form_with_a_strange_template_shows_the_empty_form(browser, club, template):
    response = browser.as_(club.owner).get(reverse("programs:create", args=[club.mine.client.pk]), {"template": template})
    assert response.status_code == 200 and response.context["template"] is None


@pytest.mark.parametrize("status", ["", "\x00", "completed", LONG])
def test_a_program_cannot_be_moved_to_a_status_that_is_not_next(browser, club, status):
    program = club.mine.program
    before = row_counts()
    response = browser.as_(club.owner).post(reverse("programs:status", args=[program.pk]), {"status": status})
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT and changed_tables(before) == {}


def test_activating_a_program_that_would_run_past_the_calendar_is_refused_not_a_crash(browser, club):
    """A program dated by the admin site at the end of the calendar cannot plan its sessions."""
    program = club.mine.program
    club.mine.session.delete()  # activation plans the sessions: 8, two a week, from the start
    Program.objects.filter(pk=program.pk).update(start_date=datetime.date(9999, 12, 20))
    before = row_counts()
    url = reverse("programs:status", args=[program.pk])
    response = browser.as_(club.owner).post(url, {"status": "active"}, follow=True)
    assert "Choose dates between" in response.content.decode()
    assert changed_tables(before) == {}
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


@pytest.mark.parametrize("status", ["planned", "\x00"])
def test_a_session_cannot_be_marked_with_a_made_up_status(browser, club, status):
    session = club.mine.session
    before = row_counts()
    response = browser.as_(club.specialist_user).post(reverse("programs:session-mark", args=[session.pk]), {"status": status})
    assert response.status_code == 302
    assert changed_tables(before) == {}
    session.refresh_from_db()
    assert session.status == "planned"


# --- offers and recommendations --------------------------------------------------------------------
@pytest.mark.parametrize(
    "changes, shown_at",
    [
        ({}, "__all__"),  # nothing offered
        ({"service": "abc"}, "service"),
        ({"product": "-1"}, "product"),
        ({"plan": "1" + "0" * 20}, "plan"),
        ({"service": "SERVICE", "product": "PRODUCT"}, "__all__"),  # two things at once
        ({"service": "SERVICE", "outcome": "maybe"}, "outcome"),
        ({"service": "SERVICE", "outcome": "declined", "outcome_reason": "  "}, "outcome_reason"),
        ({"service": "SERVICE", "outcome_reason": "\x00"}, "outcome_reason"),
    ],
)
def test_an_offer_with_garbage_records_no_offer_and_no_sale(browser, club, changes, shown_at):
    ids = {"SERVICE": club.service.pk, "PRODUCT": club.product.pk}
    data = {"outcome": "pending", **{k: ids.get(v, v) for k, v in changes.items()}}
    refused(browser.as_(club.owner), reverse("sales:offer-create", args=[club.mine.client.pk]), data, shown_at)


@pytest.mark.parametrize("outcome, reason, shown_at", [("pending", "", "outcome"), ("nope", "", "outcome"),
                                                       ("declined", " ", "outcome_reason"), ("declined", "\x00", "outcome_reason")])
def test_an_offers_outcome_must_be_a_real_one(browser, club, outcome, reason, shown_at):
    url = reverse("sales:offer-outcome", args=[club.mine.offer.pk])
    refused(browser.as_(club.owner), url, {"outcome": outcome, "outcome_reason": reason}, shown_at)


@pytest.mark.parametrize(
    "changes, shown_at",
    [
        ({"reason": "  "}, "reason"),
        ({"reason": "Back\x00"}, "reason"),
        ({"service": "999999"}, "service"),
        ({"service": "", "product": ""}, "__all__"),
        ({"product": "PRODUCT"}, "__all__"),  # both a service and a product
    ],
)
def test_a_recommendation_with_garbage_is_not_sent(browser, club, changes, shown_at):
    ids = {"PRODUCT": club.product.pk}
    data = {"service": club.service.pk, "product": "", "reason": "Lower back", **{k: ids.get(v, v) for k, v in changes.items()}}
    url = reverse("sales:recommend", args=[club.mine.session.pk])
    refused(browser.as_(club.specialist_user), url, data, shown_at)


@pytest.mark.parametrize(
    "data, shown_at",
    [
        ({"decision": "approve"}, "decision"),
        ({"decision": "decline", "reason": ""}, "reason"),
        ({"decision": "decline", "reason": "\x00"}, "reason"),
        ({"decision": "program"}, "__all__"),  # the client has no active program
    ],
)
def test_a_decision_on_a_recommendation_with_garbage_leaves_it_pending(browser, club, data, shown_at):
    recommendation = club.mine.recommendation
    refused(browser.as_(club.owner), reverse("sales:decide", args=[recommendation.pk]), data, shown_at)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.PENDING


# --- promotions' segments -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, shown_at",
    [
        ({"expiring_within": "-1"}, "expiring_within"),
        ({"expiring_within": "367"}, "expiring_within"),
        ({"no_visit_days": "1" + "0" * 20}, "no_visit_days"),
        ({"no_visit_days": "NaN"}, "no_visit_days"),
        ({"age_min": "60", "age_max": "18"}, "age_max"),
        ({"birthday_month": "13"}, "birthday_month"),
        ({"channel": "\x00"}, "channel"),
        ({"stages": ["trust", "royalty"]}, "stages"),
        ({"department": SQL}, "department"),
    ],
)
def test_a_segment_with_garbage_is_refused_and_the_saved_one_kept(browser, club, data, shown_at):
    promotion = club.promotion
    promotion.segment = {"channel": "email"}
    promotion.save()
    refused(browser.as_(club.director), reverse("sales:promotion", args=[promotion.pk]), data, shown_at)
    promotion.refresh_from_db()
    assert promotion.segment == {"channel": "email"}


@pytest.mark.parametrize(
    "segment",
    [
        {"expiring_within": "abc"},
        {"no_visit_days": -5},
        {"birthday_month": 13},
        {"channel": "fax"},
        {"stages": ["trust", "royalty"]},
        {"department": ["a", "b"]},
        {"unknown_key": 1},
        ["not", "a", "dict"],
        "channel",
        42,
    ],
)
def test_a_segment_broken_in_the_admin_site_still_opens_the_promotion(browser, club, segment):
    from sales.models import Promotion

    Promotion.objects.filter(pk=club.promotion.pk).update(segment=segment)
    response = browser.as_(club.director).get(reverse("sales:promotion", args=[club.promotion.pk]))
    assert response.status_code == 200
    assert response.context["form"].errors  # what is wrong with it is shown


# --- the director's pages -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, shown_at",
    [
        ({"reason": "Asked in writing"}, "confirm"),
        ({"reason": "   ", "confirm": "on"}, "reason"),
        ({"reason": "x" * 2001, "confirm": "on"}, "reason"),
        ({"reason": "Asked\x00", "confirm": "on"}, "reason"),
    ],
)
def test_an_erasure_request_with_garbage_erases_nothing(browser, club, data, shown_at):
    client = club.mine.client
    refused(browser.as_(club.director), reverse("client-erase", args=[client.pk]), data, shown_at)
    client.refresh_from_db()
    assert client.erased_at is None and client.first_name == "Iryna"


DASHBOARD_QUERIES = [
    {"period": "\x00"},
    {"period": "custom", "start": "2025-01-01"},
    {"period": "custom", "start": "0001-01-01", "end": "9999-12-31"},
    {"period": "custom", "start": "2000-01-01", "end": "2100-12-31"},
    {"period": "custom", "start": "2025-02-31", "end": "2025-01-01"},
    {"department": "\x00"},
    {"department": SQL},
    {"department": ["fitness", "spa"]},
    {"period": "custom", "start": "2025-01-01", "end": "abc", "export": "at_risk"},
]


@pytest.mark.parametrize("query", DASHBOARD_QUERIES)
def test_the_dashboard_answers_any_filter_with_the_page(browser, club, query):
    answers_without_error(browser.as_(club.director), reverse("dashboard"), query)


@pytest.mark.parametrize("export", ["\x00", "../settings"])
def test_exporting_a_table_that_does_not_exist_is_404(browser, club, export):
    assert browser.as_(club.director).get(reverse("dashboard"), {"export": export}).status_code == 404


def test_a_dashboard_period_ending_before_it_starts_is_explained_next_to_the_end(browser, club):
    query = {"period": "custom", "start": "2025-03-01", "end": "2025-01-01"}
    response = answers_without_error(browser.as_(club.director), reverse("dashboard"), query)
    assert response.context["form"].errors["end"] == ["The end of the period cannot be before its start."]


@pytest.mark.parametrize(
    "query",
    [{"month": value, "department": "fitness"} for value in ["2025-13", "0001-01", "9999-12", "\x00"]]
    + [{"month": "2025-01", "department": value} for value in ["\x00", SQL]]
    + [{"month": "2025-01", "department": "fitness", "export": "csv"}, {"month": "abc", "export": "csv"}],
)
def test_the_pay_report_answers_any_month_and_department(browser, club, query):
    response = browser.as_(club.director).get(reverse("sales:pay"), query)
    assert response.status_code == 200


def test_a_pay_report_for_a_month_that_has_not_begun_is_refused_next_to_the_month(browser, club):
    response = browser.as_(club.director).get(reverse("sales:pay"), {"month": "9999-12", "department": "fitness"})
    assert response.context["form"].errors["month"] == ["Choose a month that has begun."]


# --- logging in and choosing the language --------------------------------------------------------
@pytest.mark.parametrize(
    "username, password",
    [("", ""), ("owner\x00", "pass-12345-word"), ("owner", "pass\x00"), (LONG, LONG),
     ("' OR 1=1 --", "' OR 1=1 --"), ("🧖‍♀️", "🧖‍♀️")],
)
def test_logging_in_with_garbage_shows_the_form_again_and_logs_nobody_in(client, club, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "where", [{"HTTP_USER_AGENT": "Mozilla\x00"}, {"QUERY_STRING": "next=/%00"}, {"data": {"remember": "\x00"}}],
    ids=["browser name", "query", "another field"],
)
@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")], ids=["login", "admin login"])
def test_a_failed_login_with_a_nul_anywhere_is_refused_before_it_is_logged(client, club, where, url):
    from axes.models import AccessAttempt

    extra = dict(where)
    data = {"username": "owner", "password": "wrong", **extra.pop("data", {})}
    response = client.post(url, data, **extra)
    if url.startswith(reverse("admin:index")) and "QUERY_STRING" in extra:
        assert response.status_code == 400  # the admin site refuses a NUL in its address outright
    else:
        assert response.status_code == 200
        assert response.context["form"].errors["__all__"] == ["Null characters are not allowed."]
    assert not AccessAttempt.objects.exists() and "_auth_user_id" not in client.session


@pytest.mark.parametrize("forwarded", ["<script>", "not-an-address", "10.0.0.1, '; DROP TABLE axes_accessattempt; --",
                                       "999.1.1.1", "\x00", "x" * 5000])
def test_a_forged_proxy_address_on_a_failed_login_is_logged_as_the_socket_address(client, club, settings, forwarded):
    """Behind the TLS proxy the last hop it appended is trusted; one that is not an address
    (a request that reached the server some other way) is not written to the attempts' log."""
    from axes.models import AccessAttempt

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.post(reverse("login"), {"username": "owner", "password": "wrong"},
                           HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.9.9.9"]


def test_the_proxys_last_hop_is_what_the_attempts_log_keeps(client, club, settings):
    from axes.models import AccessAttempt

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.post(reverse("login"), {"username": "owner", "password": "wrong"},
                HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="10.9.9.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


@pytest.mark.parametrize("language", ["xx", "\x00", LONG, ["uk", "xx"]])
def test_a_language_the_interface_does_not_speak_is_ignored(browser, club, language):
    response = browser.as_(club.owner).post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    assert not UserPreference.objects.filter(user=club.owner).exists()


@pytest.mark.parametrize("next_url", ["//evil.example/", "/\\evil.example/", "javascript:alert(1)"])
def test_the_language_switcher_never_sends_you_off_the_site(browser, club, next_url):
    response = browser.as_(club.owner).post(reverse("set_language"), {"language": "ru", "next": next_url})
    assert response.status_code == 302
    assert "evil" not in response["Location"] and "javascript" not in response["Location"]


def test_the_language_switcher_answers_get_with_405(browser, club):
    assert browser.as_(club.owner).get(reverse("set_language"), {"language": "ru"}).status_code == 405
