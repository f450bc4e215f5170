"""The personal page behind a signed link: what it shows (never health data, never anybody
else's), what its links refuse, and what the client can do from it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.selectors import today_agenda
from clients.models import ClientLink, Interaction, Task
from clients.services import page_link_issue, page_links_revoke
from clients.tests import factories as cf
from core import roles
from programs.models import Session
from programs.tests import factories as pf
from staff.models import SurveyResponse
from staff.services import survey_after_session

pytestmark = pytest.mark.django_db

HEALTH_SECRETS = ["Varicose veins", "Knee surgery in 2024", "72.5", "Blood pressure"]


@pytest.fixture
def member(make_user):
    manager = make_user(roles.MANAGER, username="oksana", first_name="Oksana")
    person = cf.ClientFactory(first_name="Olena", last_name="Koval", assigned_manager=manager, language="en",
                              health_notes="Knee surgery in 2024", email="olena@example.com")
    person.contraindications.add(cf.ContraindicationFactory(name="Varicose veins"))
    cf.MeasurementFactory(client=person, weight_kg="72.5")
    cf.MembershipFactory(client=person)
    item = pf.ProgramItemFactory(program__client=person, program__manager=manager, service__name="Aqua aerobics")
    person.session = pf.SessionFactory(item=item, scheduled_at=timezone.now() + datetime.timedelta(days=1))
    return person


def page_url(person) -> str:
    _link, token = page_link_issue(client=person, by=person.assigned_manager)
    return reverse("personal-page", args=[token])


def test_the_page_shows_the_card_and_sessions_and_no_health_data(client, member):
    stranger = cf.ClientFactory(first_name="Stepan", last_name="Stranger")
    other_item = pf.ProgramItemFactory(program__client=stranger, service__name="Stranger's sauna")
    pf.SessionFactory(item=other_item, scheduled_at=timezone.now() + datetime.timedelta(days=1))
    response = client.get(page_url(member))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hello, Olena!" in html and "Aqua aerobics" in html and "Days left" in html
    assert not [secret for secret in HEALTH_SECRETS if secret in html]
    assert "Stranger" not in html and "Koval" not in html  # nobody else's, not even the surname
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_an_expired_link_is_refused(client, member):
    url = page_url(member)
    ClientLink.objects.update(created_at=timezone.now() - datetime.timedelta(days=40),
                              expires_at=timezone.now() - datetime.timedelta(days=1))
    response = client.get(url)
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert "Olena" not in response.content.decode()


def test_a_revoked_link_is_refused_and_a_new_one_works(client, member):
    url = page_url(member)
    assert page_links_revoke(client=member) == 1
    response = client.post(url, {"action": "message", "text": "hello"})
    assert response.status_code == 410 and "no longer works" in response.content.decode()
    assert not Interaction.objects.exists()
    assert client.get(page_url(member)).status_code == 200


@pytest.mark.parametrize("token", ["nonsense", "A" * 38, "x" * 500])
def test_a_made_up_link_is_a_404(client, member, token):
    assert client.get(reverse("personal-page", args=[token])).status_code == 404


def test_a_telegram_token_does_not_open_the_page(client, member):
    from clients.services import telegram_link_issue

    _link, token = telegram_link_issue(client=member, by=member.assigned_manager)
    assert client.get(reverse("personal-page", args=[token])).status_code == 404


def test_another_clients_session_cannot_be_confirmed_or_cancelled(client, member):
    stranger_session = pf.SessionFactory(scheduled_at=timezone.now() + datetime.timedelta(days=1))
    url = page_url(member)
    for action in ("confirm", "cancel"):
        response = client.post(url, {"action": action, "session": stranger_session.pk}, follow=True)
        assert "This session is not among your coming sessions." in response.content.decode()
    stranger_session.refresh_from_db()
    assert stranger_session.status == Session.Status.PLANNED
    assert not Interaction.objects.exists()


def test_the_client_confirms_cancels_writes_and_asks_from_the_page(client, member):
    url = page_url(member)
    client.post(url, {"action": "confirm", "session": member.session.pk})
    member.session.refresh_from_db()
    assert member.session.confirmed_via == Session.Confirmation.PAGE and member.session.confirmed_at is not None
    response = client.post(url, {"action": "confirm", "session": member.session.pk}, follow=True)
    assert "You have confirmed this session already." in response.content.decode()
    client.post(url, {"action": "cancel", "session": member.session.pk})
    member.session.refresh_from_db()
    assert member.session.status == Session.Status.CANCELLED
    assert member.session.cancel_reason == "cancelled by the client (personal page)"
    response = client.post(url, {"action": "message", "text": "Can we find another day?"}, follow=True)
    assert "Your manager has your message" in response.content.decode()
    client.post(url, {"action": "freeze"})
    agenda = today_agenda(member.assigned_manager)
    assert [m.summary for m in agenda["waiting"]["rows"]][-1] == "Can we find another day?"
    assert Task.objects.get(client=member).title == "The client asks to freeze their membership"


def test_an_empty_message_gets_a_message_next_to_the_box(client, member):
    response = client.post(page_url(member), {"action": "message", "text": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Interaction.objects.exists()


def test_the_survey_is_answered_once_from_the_page(client, member, settings):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    url = page_url(member)
    assert "How likely are you to recommend" not in client.get(url).content.decode()
    survey_after_session(client=member)
    assert "How likely are you to recommend" in client.get(url).content.decode()
    client.post(url, {"action": "survey", "score": "9"})
    response = client.post(url, {"action": "survey", "score": "2"}, follow=True)
    assert list(SurveyResponse.objects.values_list("score", flat=True)) == [9]
    assert "There is no survey to answer right now." in response.content.decode()


def test_the_page_link_goes_out_through_the_outbox(member, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    with django_capture_on_commit_callbacks(execute=True):
        link, _token = page_link_issue(client=member, by=member.assigned_manager, send_by="email")
    (mail,) = mailoutbox
    assert mail.to == ["olena@example.com"] and "/me/" in mail.body
    assert member.notifications.get().kind == "page_link"


def test_the_page_speaks_the_clients_language(client, member):
    member.language = "uk"
    member.save()
    html = client.get(page_url(member), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="uk"' in html


def test_the_open_survey_is_found_whatever_the_sites_address(client, member, settings):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    settings.SITE_URL = "https://crm.club.example"
    survey_after_session(client=member)
    assert "How likely are you to recommend" in client.get(page_url(member)).content.decode()
