"""The client's preferred days and hours: ticked on the card's form, shown on the card in each
language, read from an import's optional columns."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from clients.models import Client
from clients.resources import client_row_parse, parse_time, parse_weekdays
from clients.tests import factories as cf
from core.spreadsheets import CellError

from .views.test_client_pages import new_client_data


@pytest.fixture
def own_client(manager):
    return cf.ClientFactory(first_name="Iryna", phone="+380501234567", email="iryna@example.com",
                            assigned_manager=manager)


def edit(client, manager, own_client, **changes):
    client.force_login(manager)
    data = new_client_data(first_name="Iryna", phone="+380501234567", email="iryna@example.com", **changes)
    return client.post(reverse("clients:edit", args=[own_client.pk]), data)


def test_the_form_saves_ticked_days_and_hours(client, manager, own_client):
    response = edit(client, manager, own_client, preferred_weekdays=["4", "2"], preferred_time_from="18:00",
                    preferred_time_to="21:00")
    assert response.status_code == 302
    own_client.refresh_from_db()
    assert (own_client.preferred_weekdays, own_client.preferred_time_from, own_client.preferred_time_to) == (
        "24", datetime.time(18), datetime.time(21))
    form = client.get(reverse("clients:edit", args=[own_client.pk])).context["form"]
    assert form["preferred_weekdays"].value() == ["2", "4"]


def test_hours_that_end_before_they_start_are_refused_next_to_the_field(client, manager, own_client):
    response = edit(client, manager, own_client, preferred_time_from="18:00", preferred_time_to="09:00")
    assert response.status_code == 200
    assert response.context["form"].errors["preferred_time_to"] == ["The preferred time ends before it starts."]
    own_client.refresh_from_db()
    assert own_client.preferred_time_from is None


def test_a_day_that_is_not_a_day_is_refused(client, manager, own_client):
    response = edit(client, manager, own_client, preferred_weekdays=["8"])
    assert response.status_code == 200 and "preferred_weekdays" in response.context["form"].errors


@pytest.mark.parametrize("language, expected", [
    ("en", "Tue, Thu · 18:00–21:00"), ("ru", "Вт, Чт · 18:00–21:00"), ("uk", "Вт, Чт · 18:00–21:00"),
])
def test_the_card_shows_the_days_and_hours_in_the_viewers_language(client, manager, own_client, language,
                                                                   expected):
    Client.objects.filter(pk=own_client.pk).update(
        preferred_weekdays="24", preferred_time_from=datetime.time(18), preferred_time_to=datetime.time(21))
    client.force_login(manager)
    client.cookies["django_language"] = language
    page = client.get(reverse("client-card", args=[own_client.pk])).content.decode()
    assert expected in page


def test_open_ended_hours_read_from_or_until():
    with translation.override("uk"):
        assert Client(preferred_time_from=datetime.time(7)).preferred_times_text == "з 07:00"
        assert Client(preferred_weekdays="6", preferred_time_to=datetime.time(10)).preferred_times_text == \
            "Сб · до 10:00"
    assert Client().preferred_times_text == ""


@pytest.mark.parametrize("cell, days", [
    ("Mon, Thu", "14"), ("пн; ср", "13"), ("Вт Пт", "25"), ("1,4", "14"), ("41", "14"), (7, "7"), ("", ""),
    ("Saturday", "6"), ("неділя", "7"),
])
def test_an_import_reads_days_as_people_write_them(cell, days):
    assert parse_weekdays(cell) == days


@pytest.mark.parametrize("cell, time", [("18:00", datetime.time(18)), ("7.30", datetime.time(7, 30)),
                                        ("09:15:00", datetime.time(9, 15)), (datetime.time(6), datetime.time(6)),
                                        ("", None)])
def test_an_import_reads_times_of_day(cell, time):
    assert parse_time(cell) == time


@pytest.mark.parametrize("bad", ["Funday", "25:00", "evening"])
def test_an_import_refuses_what_is_not_a_day_or_a_time(bad):
    with pytest.raises(CellError):
        parse_weekdays(bad) if bad == "Funday" else parse_time(bad)


def test_the_columns_are_optional_and_parsed_when_present():
    row = {"first_name": "Olha", "phone": "0501112233"}
    assert "preferred_weekdays" not in client_row_parse(row).values
    parsed = client_row_parse({**row, "preferred_weekdays": "сб, нд", "preferred_time_from": "9:00"})
    assert (parsed.values["preferred_weekdays"], parsed.values["preferred_time_from"]) == ("67", datetime.time(9))
    assert "preferred_time_from" in client_row_parse({**row, "preferred_time_from": "noon"}).errors
