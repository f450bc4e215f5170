"""Relaying feedback takes a note for the staff member (``staff.services.feedback_relay``): kept,
sent in their e-mail, shown on the feedback and on their list with the dates; once they answer,
the feedback says so (``Feedback.is_answered``) wherever its state is shown."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf
from core import roles
from staff import services
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(make_user):
    manager = make_user(roles.MANAGER, username="olena", first_name="Olena", last_name="Kovalenko")
    taras = make_user(roles.SPECIALIST, username="taras", email="taras@club.example")
    masseur = stf.StaffMemberFactory(user=taras, first_name="Taras", last_name="Boyko")
    client = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)
    feedback = stf.FeedbackFactory(client=client, staff_member=masseur, kind=Feedback.Kind.COMPLAINT,
                                   text="The massage started 20 minutes late")
    return {"manager": manager, "taras": taras, "feedback": feedback}


def test_the_relay_note_is_kept_and_mailed_to_the_staff_member(client, complaint, django_capture_on_commit_callbacks):
    client.force_login(complaint["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:feedback-relay", args=[complaint["feedback"].pk]),
                    {"note": "Please call Iryna today and apologise"})

    complaint["feedback"].refresh_from_db()
    assert complaint["feedback"].relay_note == "Please call Iryna today and apologise"
    (sent,) = [m for m in mail.outbox if m.to == ["taras@club.example"]]
    assert "Olena Kovalenko asks: Please call Iryna today and apologise" in sent.body


def test_the_staff_members_list_shows_the_dates_and_the_note(client, complaint):
    services.feedback_relay(feedback=complaint["feedback"], user=complaint["manager"], note="Call her back")
    client.force_login(complaint["taras"])
    html = client.get(reverse("staff:my-feedback")).content.decode()
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"Received {today}, relayed to you {today}" in html
    assert "Call her back" in html


def test_after_the_answer_the_complaint_says_staff_answered(client, complaint):
    feedback = services.feedback_relay(feedback=complaint["feedback"], user=complaint["manager"])
    assert not feedback.is_answered
    services.feedback_answer(feedback=feedback, staff_member=feedback.staff_member, text="I am sorry")
    feedback.refresh_from_db()
    assert feedback.is_answered

    client.force_login(complaint["manager"])
    for url in (reverse("home"), reverse("staff:feedback", args=[feedback.pk]),
                reverse("client-card", args=[feedback.client_id])):
        html = client.get(url).content.decode()
        assert "Staff answered" in html, url
        assert "Relayed to staff" not in html, url


def test_a_note_longer_than_the_form_takes_is_refused_with_a_message(client, complaint):
    client.force_login(complaint["manager"])
    response = client.post(reverse("staff:feedback-relay", args=[complaint["feedback"].pk]), {"note": "x" * 2001},
                           follow=True)
    complaint["feedback"].refresh_from_db()
    assert complaint["feedback"].status == Feedback.Status.NEW
    assert "at most 2000 characters" in response.content.decode()
