"""The public survey page speaks the language of the client it was sent to — also when it says
the link was used already or is too old (it used to fall back to the browser's English)."""

import time

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from staff import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def ukrainian_client():
    return ClientFactory(language="uk")


def test_the_already_answered_page_speaks_the_clients_language(client, ukrainian_client):
    token = services.survey_token(client_id=ukrainian_client.pk)
    services.survey_answer(token=token, score=9)

    page = client.get(reverse("survey", args=[token]), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 410 and page["Content-Language"] == "uk"
    assert "Дякуємо, ми вже отримали вашу відповідь" in page.content.decode()


def test_the_expired_page_speaks_the_clients_language(client, ukrainian_client, settings):
    token = services.survey_token(client_id=ukrainian_client.pk)
    settings.SURVEY_LINK_DAYS = 0  # a link older than 0 days: expired a second later
    time.sleep(1.1)
    page = client.get(reverse("survey", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410 and page["Content-Language"] == "uk"


def test_a_forged_link_is_answered_in_the_browsers_language(client):
    page = client.get(reverse("survey", args=["forged-token"]), HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 400 and page["Content-Language"] == "ru"


def test_the_client_of_a_link_is_read_also_once_it_is_old(ukrainian_client):
    token = services.survey_token(client_id=ukrainian_client.pk)
    assert services.survey_link_client_id(token) == ukrainian_client.pk
    assert services.survey_link_client_id(token + "x") is None
