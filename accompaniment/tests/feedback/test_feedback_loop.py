"""The feedback loop, quality surveys and quality pages, end to end through the pages."""

import datetime

import pytest
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import roles
from clients.models import Notification
from clients.tests import factories as cf
from programs.tests import factories as pf
from staff import services
from staff.models import Competency, CompetencyAssessment, Feedback, SurveyResponse
from staff.tests import factories as stf
from staff.vocabulary import FEEDBACK_RESOLVED, SURVEY


@pytest.fixture(autouse=True)
def _daytime(settings):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0  # deliver whatever the hour


@pytest.fixture
def loop(make_user):
    manager = make_user(roles.MANAGER, username="olena", email="olena@club.example")
    masseur_user = make_user(roles.SPECIALIST, username="taras", email="taras@club.example")
    masseur = stf.StaffMemberFactory(user=masseur_user, first_name="Taras", last_name="Boyko")
    client = cf.ClientFactory(assigned_manager=manager, consent_email=True, email="iryna@example.com", language="en")
    return {"manager": manager, "masseur_user": masseur_user, "masseur": masseur, "client": client}


def test_the_whole_feedback_loop(client, loop, django_capture_on_commit_callbacks):
    client.force_login(loop["manager"])
    response = client.post(
        reverse("staff:feedback-create", args=[loop["client"].pk]),
        {"kind": "complaint", "staff_member": loop["masseur"].pk, "rating": 2,
         "channel": "phone", "text": "The massage started 20 minutes late"},
    )
    feedback = Feedback.objects.get()
    assert response["Location"] == reverse("staff:feedback", args=[feedback.pk])
    assert feedback.created_by == loop["manager"]

    # Before it is relayed, the specialist does not see it.
    client.force_login(loop["masseur_user"])
    assert client.get(reverse("staff:feedback", args=[feedback.pk])).status_code == 404
    assert "20 minutes late" not in client.get(reverse("staff:my-feedback")).content.decode()

    client.force_login(loop["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:feedback-relay", args=[feedback.pk]))
    feedback.refresh_from_db()
    assert (feedback.status, feedback.relayed_by) == ("relayed", loop["manager"])
    relayed_mail = [m for m in mail.outbox if m.to == ["taras@club.example"]]
    assert len(relayed_mail) == 1 and "20 minutes late" in relayed_mail[0].body

    client.force_login(loop["masseur_user"])
    assert "20 minutes late" in client.get(reverse("staff:my-feedback")).content.decode()
    client.post(reverse("staff:feedback-answer", args=[feedback.pk]),
                {"staff_response": "The previous client overran; I apologise."})
    feedback.refresh_from_db()
    assert feedback.staff_response.startswith("The previous client") and feedback.responded_at

    client.force_login(loop["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:feedback-resolve", args=[feedback.pk]),
                               {"resolution": "Apologised; the next massage is free."})
    feedback.refresh_from_db()
    assert (feedback.status, feedback.resolved_by) == ("resolved", loop["manager"])
    told = Notification.objects.get(kind=FEEDBACK_RESOLVED)
    assert told.client == loop["client"] and told.status == "sent"
    assert any(m.to == ["iryna@example.com"] and "next massage is free" in m.body for m in mail.outbox)


def test_a_resolution_is_required_and_thanks_are_not_resolved(client, loop):
    complaint = stf.FeedbackFactory(client=loop["client"], kind="complaint", staff_member=loop["masseur"])
    thanks = stf.FeedbackFactory(client=loop["client"], kind="thanks", staff_member=loop["masseur"])
    client.force_login(loop["manager"])
    response = client.post(reverse("staff:feedback-resolve", args=[complaint.pk]), {"resolution": "  "})
    assert "This field is required" in response.content.decode()
    response = client.post(reverse("staff:feedback-resolve", args=[thanks.pk]), {"resolution": "ok"})
    assert "Only complaints are resolved" in response.content.decode()
    assert not Feedback.objects.filter(status="resolved").exists()


def test_a_client_who_opted_out_of_service_messages_is_not_messaged_about_the_resolution(loop):
    loop["client"].consent_email = True  # marketing consent does not matter to a service message
    loop["client"].service_email = loop["client"].service_sms = loop["client"].service_telegram = False
    loop["client"].save()
    complaint = stf.FeedbackFactory(client=loop["client"], kind="complaint", staff_member=loop["masseur"])
    services.feedback_resolve(feedback=complaint, resolution="Refunded", user=loop["manager"])
    row = Notification.objects.get(kind=FEEDBACK_RESOLVED)
    assert row.status == "skipped"


def test_feedback_needs_someone_or_something_to_be_about(client, loop):
    client.force_login(loop["manager"])
    response = client.post(reverse("staff:feedback-create", args=[loop["client"].pk]),
                           {"kind": "complaint", "channel": "phone", "text": "Cold water"})
    assert "Say which staff member or service" in response.content.decode()
    assert not Feedback.objects.exists()


# --- surveys --------------------------------------------------------------------------------
def survey_url(client_obj, **extra):
    return reverse("survey", args=[services.survey_token(client_id=client_obj.pk, **extra)])


def test_a_survey_link_is_answered_once(client, loop):
    url = survey_url(loop["client"], staff_member_id=loop["masseur"].pk)
    assert "How likely are you to recommend" in client.get(url).content.decode()
    response = client.post(url, {"score": "9", "comment": "Great"})
    assert response.context["thanks"]
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.staff_member) == (9, loop["masseur"])
    assert not Feedback.objects.exists()

    again = client.post(url, {"score": "0"})
    assert again.status_code == 410
    assert "already have your answer" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_an_expired_survey_link_stores_nothing(client, loop, settings):
    url = survey_url(loop["client"])
    settings.SURVEY_LINK_DAYS = -1  # every link is older than that
    response = client.post(url, {"score": "10"})
    assert response.status_code == 410
    assert "This survey has closed" in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "x" + t, lambda t: "nonsense"])
def test_a_tampered_survey_link_stores_nothing(client, loop, mangle):
    token = services.survey_token(client_id=loop["client"].pk)
    response = client.post(reverse("survey", args=[mangle(token)]), {"score": "10"})
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_forged_link_for_another_client_is_refused(client, loop):
    forged = signing.dumps({"c": loop["client"].pk, "n": "abc"}, salt="other-salt")
    assert client.get(reverse("survey", args=[forged])).status_code == 400


def test_a_score_out_of_range_is_explained(client, loop):
    url = survey_url(loop["client"])
    response = client.post(url, {"score": "11"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("score, complaint", [(0, True), (6, True), (7, False), (10, False)])
def test_a_low_score_becomes_a_complaint_for_the_manager(client, loop, score, complaint):
    client.post(survey_url(loop["client"], staff_member_id=loop["masseur"].pk), {"score": str(score), "comment": "Meh"})
    feedback = Feedback.objects.filter(kind="complaint", channel="survey")
    assert feedback.exists() == complaint
    if complaint:
        assert feedback.get().client.assigned_manager == loop["manager"]


def test_a_low_quarterly_score_without_a_staff_member_is_still_recorded(client, loop):
    client.post(survey_url(loop["client"]), {"score": "3"})
    assert Feedback.objects.get().staff_member is None


def test_a_done_session_asks_for_a_survey_at_most_once_in_30_days(client, loop, django_capture_on_commit_callbacks):
    item = pf.ProgramItemFactory(program__client=loop["client"], specialist=loop["masseur"],
                                 service__department=loop["masseur"].department)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)  # sessions marked done once begun
    first, second = (pf.SessionFactory(item=item, scheduled_at=an_hour_ago - datetime.timedelta(hours=hours))
                     for hours in (0, 2))  # one after the other: a specialist is in one session at a time
    client.force_login(loop["masseur_user"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programs:session-mark", args=[first.pk]), {"status": "done"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programs:session-mark", args=[second.pk]), {"status": "done"})
    surveys = Notification.objects.filter(kind=SURVEY)
    assert surveys.count() == 1
    assert "/s/" in surveys.get().body


def test_clients_who_opted_out_of_service_messages_are_not_asked(loop):
    loop["client"].service_email = loop["client"].service_sms = loop["client"].service_telegram = False
    loop["client"].save()
    services.survey_after_session(client=loop["client"])
    assert Notification.objects.get(kind=SURVEY).status == "skipped"


def test_the_quarterly_survey_reaches_each_active_client_once(loop):
    cf.MembershipFactory(client=loop["client"])
    cf.ClientFactory(consent_email=True)  # no membership: not asked
    today = timezone.localdate()
    from clients.messaging.outbox import outbox_write
    from staff.reminders import surveys_quarterly

    assert outbox_write(surveys_quarterly(today)) == 1
    assert surveys_quarterly(today) == []


# --- pages and access -----------------------------------------------------------------------
def test_an_overdue_complaint_is_flagged_on_today(client, loop):
    stf.FeedbackFactory(client=loop["client"], kind="complaint", staff_member=loop["masseur"],
                        received_at=timezone.now() - datetime.timedelta(hours=49))
    client.force_login(loop["manager"])
    html = client.get(reverse("home")).content.decode()
    assert "overdue" in html


QUALITY_MATRIX = [
    (roles.DIRECTOR, 200), (roles.MANAGER, 200), (roles.SPECIALIST, 200), (roles.ADMINISTRATOR, 403), (None, 302),
]


@pytest.mark.parametrize("role, status", QUALITY_MATRIX)
def test_who_may_open_the_quality_page(client, make_user, role, status):
    if role:
        client.force_login(make_user(role))
    assert client.get(reverse("staff:quality")).status_code == status


def test_a_specialist_sees_only_their_own_quality_line(client, loop):
    other = stf.StaffMemberFactory(first_name="Someone", last_name="Else")
    client.force_login(loop["masseur_user"])
    html = client.get(reverse("staff:quality")).content.decode()
    assert "Taras Boyko" in html and "Someone Else" not in html
    client.force_login(loop["manager"])
    assert "Someone Else" in client.get(reverse("staff:quality")).content.decode()
    assert other


def test_quality_figures_for_a_period(client, loop, director):
    now = timezone.now()
    for kind, rating in (("thanks", 5), ("thanks", 4), ("complaint", 1)):
        stf.FeedbackFactory(client=loop["client"], staff_member=loop["masseur"], kind=kind, rating=rating, received_at=now)
    resolved = stf.FeedbackFactory(client=loop["client"], staff_member=loop["masseur"], kind="complaint",
                                   rating=2, received_at=now - datetime.timedelta(hours=10))
    services.feedback_resolve(feedback=resolved, resolution="Done", user=director)
    for score in (10, 9, 3):
        stf.SurveyResponseFactory(client=loop["client"], staff_member=loop["masseur"], score=score)
    client.force_login(director)
    rows = client.get(reverse("staff:quality")).context["rows"]
    row = next(r for r in rows if r["member"] == loop["masseur"])
    assert (row["thanks"], row["complaints"], row["rating"]) == (2, 2, 3.0)
    assert row["nps"] == 33  # 2 promoters, 1 detractor of 3
    assert row["resolved_share"] == 50
    assert 9.9 <= row["median_hours"] <= 10.1


def test_a_bad_period_is_explained(client, director):
    client.force_login(director)
    response = client.get(reverse("staff:quality"), {"start": "2026-11-20", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "cannot be before its start" in response.content.decode()


@pytest.mark.parametrize("viewer, status", [("director", 200), ("manager", 200), ("self", 200), ("other specialist", 403)])
def test_who_may_open_a_staff_members_page(client, loop, make_user, director, viewer, status):
    users = {"director": director, "manager": loop["manager"], "self": loop["masseur_user"],
             "other specialist": make_user(roles.SPECIALIST)}
    client.force_login(users[viewer])
    assert client.get(reverse("staff-member", args=[loop["masseur"].pk])).status_code == status


def test_feedback_pages_access(client, loop, make_user):
    feedback = stf.FeedbackFactory(client=loop["client"], kind="complaint", staff_member=loop["masseur"])
    other_manager = make_user(roles.MANAGER)
    client.force_login(other_manager)
    assert client.get(reverse("staff:feedback", args=[feedback.pk])).status_code == 404
    assert client.post(reverse("staff:feedback-relay", args=[feedback.pk])).status_code == 404
    client.force_login(loop["masseur_user"])
    assert client.post(reverse("staff:feedback-relay", args=[feedback.pk])).status_code == 403
    assert client.get(reverse("staff:feedback-create", args=[loop["client"].pk])).status_code == 403


def test_quality_and_staff_pages_have_a_fixed_query_count(client, loop, director):
    def counts():
        pages = [reverse("staff:quality"), reverse("staff-member", args=[loop["masseur"].pk]),
                 reverse("staff:my-feedback")]
        result = []
        for url in pages:
            client.force_login(loop["masseur_user"] if "my-feedback" in url else director)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    def grow(n):
        for _ in range(n):
            member = stf.StaffMemberFactory()
            stf.FeedbackFactory(client=loop["client"], staff_member=member, kind="complaint")
            f = stf.FeedbackFactory(client=loop["client"], staff_member=loop["masseur"], kind="thanks", status="relayed", relayed_at=timezone.now())
            stf.SurveyResponseFactory(client=loop["client"], staff_member=member)
            assert f

    grow(1)
    small = counts()
    grow(10)
    assert counts() == small


def test_recording_and_comparing_assessments(client, director):
    client.force_login(director)
    data = {"candidate_name": "Anna Lysenko", "position": "Accompaniment manager", "occasion": "hiring",
            "assessed_on": "2026-11-20", "decision": "hire"}
    for i, competency in enumerate(Competency):
        data[f"score_{competency.value}"] = str(i % 5 + 1)
        data[f"tool_{competency.value}"] = "interview"
    response = client.post(reverse("staff:assessment-create"), data)
    assert response.status_code == 302
    assessment = CompetencyAssessment.objects.get()
    assert assessment.scores.count() == 6 and assessment.assessor == director
    bad = dict(data, score_knowledge="9", candidate_name="Bob")
    response = client.post(reverse("staff:assessment-create"), bad)
    assert response.status_code == 200
    assert CompetencyAssessment.objects.count() == 1
    page = client.get(reverse("staff:assessment-compare"), {"position": "Accompaniment manager"})
    assert "Anna Lysenko" in page.content.decode()


def test_only_the_director_assesses(client, loop):
    client.force_login(loop["manager"])
    assert client.get(reverse("staff:assessment-create")).status_code == 403


def test_feedback_received_in_the_future_is_refused(client, loop):
    client.force_login(loop["manager"])
    later = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("staff:feedback-create", args=[loop["client"].pk]),
                           {"kind": "thanks", "staff_member": loop["masseur"].pk, "channel": "phone",
                            "text": "Thanks!", "received_at": later})
    assert "cannot be received in the future" in response.content.decode()
    assert not Feedback.objects.exists()
