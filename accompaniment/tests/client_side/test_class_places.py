"""The client's places in group classes from their own side: the personal page and the chat list
them (a waiting turn with its number), confirm a place once, give it up or leave the waiting list
through the same services as the reminder's links (the first waiting client takes a freed place);
nobody else's booking."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.services import page_link_issue
from clients.tests.fake_telegram import fake_telegram  # noqa: F401 - the fixture
from programs.classes.models import ClassBooking
from programs.classes.services import class_book
from programs.tests import factories as pf
from programs.tests.classes.conftest import MONDAY, at, studio  # noqa: F401 - the fixture

from .support import button_update, linked, post_update

pytestmark = pytest.mark.django_db
CHAT = 777042


@pytest.fixture
def places(studio):  # noqa: F811 - the fixture above
    """Petro (en) and Iryna (uk) hold the two places; Oksana (ru) and Marta (uk) wait, in turn."""
    iryna, oksana, petro, marta = studio.clients
    return {client.first_name: class_book(occurrence=studio.occurrence, client=client, user=studio.manager)
            for client in (petro, iryna, oksana, marta)}


def page_of(client) -> str:
    _link, token = page_link_issue(client=client, by=client.assigned_manager)
    return reverse("personal-page", args=[token])


def test_the_page_lists_a_place_confirms_it_once_and_gives_it_up_to_the_first_waiting(client, places):
    petro = places["Petro"]
    url = page_of(petro.client)
    html = client.get(url).content.decode()
    assert "My group classes" in html and "Yoga" in html and "01.03.2027" in html
    assert 'value="class_confirm"' in html and "Give up the place" in html and "waiting list" not in html

    answer = client.post(url, {"action": "class_confirm", "booking": petro.pk}, follow=True)
    assert "Thank you! Your place in the class is confirmed." in answer.content.decode()
    petro.refresh_from_db()
    assert petro.confirmed_at is not None
    html = client.get(url).content.decode()
    assert 'data-testid="place-confirmed"' in html and 'value="class_confirm"' not in html
    again = client.post(url, {"action": "class_confirm", "booking": petro.pk}, follow=True).content.decode()
    assert "You have confirmed this place already." in again

    answer = client.post(url, {"action": "class_give_up", "booking": petro.pk}, follow=True).content.decode()
    assert "You have given up your place. Thank you for telling us in time." in answer
    assert "My group classes" not in answer  # nothing left to come
    petro.refresh_from_db()
    places["Oksana"].refresh_from_db()
    assert petro.status == ClassBooking.Status.CANCELLED
    assert petro.cancel_reason == "cancelled by the client (personal page)"
    assert places["Oksana"].status == ClassBooking.Status.BOOKED  # the first waiting took the place
    assert petro.client.interactions.get(direction="in").summary.startswith("Gave up the place in the group class: Yoga")


def test_a_waiting_turn_shows_its_number_in_the_clients_language_and_is_left(client, places):
    marta = places["Marta"]  # Ukrainian, second on the waiting list
    url = page_of(marta.client)
    html = client.get(url).content.decode()
    assert "Мої групові заняття" in html and "У списку очікування, № 2" in html
    assert 'value="class_confirm"' not in html and "Вийти зі списку очікування" in html
    answer = client.post(url, {"action": "class_give_up", "booking": marta.pk}, follow=True).content.decode()
    assert "Ви вийшли зі списку очікування." in answer
    marta.refresh_from_db()
    assert marta.status == ClassBooking.Status.CANCELLED and marta.waitlist_position is None
    oksana = places["Oksana"]
    oksana.refresh_from_db()
    assert oksana.status == ClassBooking.Status.WAITLISTED and oksana.waitlist_position == 1
    russian = client.get(page_of(oksana.client)).content.decode()
    assert "Мои групповые занятия" in russian and "В листе ожидания, № 1" in russian


def test_somebody_elses_place_cannot_be_given_up_or_confirmed(client, places):
    url = page_of(places["Petro"].client)
    iryna = places["Iryna"]
    for action in ("class_give_up", "class_confirm"):
        answer = client.post(url, {"action": action, "booking": iryna.pk}, follow=True).content.decode()
        assert "This place is not among your bookings." in answer
    iryna.refresh_from_db()
    assert iryna.status == ClassBooking.Status.BOOKED and iryna.confirmed_at is None


def test_the_page_reads_the_places_in_one_query_however_many(client, studio):  # noqa: F811
    petro = studio.clients[2]
    url = page_of(petro)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    class_book(occurrence=studio.occurrence, client=petro, user=studio.manager)
    one = count()
    for week in range(1, 4):
        day = MONDAY + datetime.timedelta(weeks=week)
        occurrence = pf.ClassOccurrenceFactory(group_class=studio.group_class, starts_at=at(day, 18),
                                               ends_at=at(day, 19), busy_until=at(day, 19, 15))
        class_book(occurrence=occurrence, client=petro, user=studio.manager)
    html = client.get(url).content.decode()
    assert html.count('data-testid="class-place"') == 4
    assert count() == one


def press(client, data, capture):
    with capture(execute=True):
        assert post_update(client, button_update(CHAT, data)).status_code == 200


def test_the_chat_lists_places_and_turns_with_their_buttons(client, places, fake_telegram,  # noqa: F811
                                                            django_capture_on_commit_callbacks):
    petro, marta = places["Petro"], places["Marta"]
    linked(petro.client, CHAT, client, django_capture_on_commit_callbacks)
    press(client, "sessions", django_capture_on_commit_callbacks)
    listed = fake_telegram.sent(CHAT)[-1]
    assert listed["text"].startswith("Yoga — ") and "Olena" in listed["text"]
    assert [b["callback_data"] for b in listed["reply_markup"]["inline_keyboard"][0]] == [
        f"placeok:{petro.pk}", f"giveup:{petro.pk}"]

    press(client, f"placeok:{petro.pk}", django_capture_on_commit_callbacks)
    assert fake_telegram.texts(CHAT)[-1].startswith("Thank you! See you: Yoga — ")
    press(client, f"placeok:{petro.pk}", django_capture_on_commit_callbacks)
    assert fake_telegram.texts(CHAT)[-1] == "You have confirmed this place already."
    press(client, f"giveup:{marta.pk}", django_capture_on_commit_callbacks)  # not Petro's
    assert fake_telegram.texts(CHAT)[-1] == "This place is not among your bookings."
    press(client, f"giveup:{petro.pk}", django_capture_on_commit_callbacks)
    assert fake_telegram.texts(CHAT)[-1].startswith("You have given up your place: Yoga — ")
    petro.refresh_from_db()
    marta.refresh_from_db()
    assert petro.status == ClassBooking.Status.CANCELLED and marta.status == ClassBooking.Status.WAITLISTED


def test_a_waiting_turn_in_the_chat_can_only_be_left(client, places, fake_telegram,
                                                     django_capture_on_commit_callbacks):
    oksana = places["Oksana"]
    oksana.client.language = "en"
    oksana.client.save()
    linked(oksana.client, CHAT, client, django_capture_on_commit_callbacks)
    press(client, "sessions", django_capture_on_commit_callbacks)
    listed = fake_telegram.sent(CHAT)[-1]
    assert "On the waiting list, no. 1" in listed["text"]
    assert [b["callback_data"] for b in listed["reply_markup"]["inline_keyboard"][0]] == [f"giveup:{oksana.pk}"]
    press(client, f"giveup:{oksana.pk}", django_capture_on_commit_callbacks)
    assert fake_telegram.texts(CHAT)[-1].startswith("You have left the waiting list: Yoga — ")
    oksana.refresh_from_db()
    assert oksana.status == ClassBooking.Status.CANCELLED
