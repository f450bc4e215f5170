"""Issue 8, bad input tried on purpose: the forms of the client workspace (client, membership,
freeze, interaction, task, measurement). Each case is refused with a message next to the field
that caused it, and stores nothing; what the product accepts on purpose is said so, per case."""

import datetime

import pytest
from django.urls import reverse

from clients.models import Client, Freeze, Interaction, Measurement, Membership, Task
from clients.tests.views.test_client_pages import new_client_data as client_data

from accompaniment.tests.bad_input import (
    ARABIC, COMBINING, CYRILLIC, DATES_TRIED, EMOJI, HEBREW, HUGE_NUMBERS, LONG, NOT_A_DATE, NUL, RTL_OVERRIDE,
    SCRIPT, SQL, TODAY, TOMORROW, UNICODE_NAMES, ZERO_WIDTH, changed_tables, club, club_once, refused,
    row_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_owner(client, club):
    client.force_login(club.owner)
    return client


@pytest.fixture
def as_director(client, club):
    client.force_login(club.director)
    return client


# --- the client form ----------------------------------------------------------------------------
CLIENT_FORM_GARBAGE = [
    # (field, value, where the message is shown)
    ("first_name", "", "first_name"),
    ("first_name", "   \t  ", "first_name"),
    ("first_name", "x" * 101, "first_name"),
    ("first_name", LONG, "first_name"),
    ("first_name", NUL, "first_name"),
    ("middle_name", "x" * 101, "middle_name"),
    ("address", "x" * 256, "address"),
    ("notes", NUL, "notes"),
    ("health_notes", "\x00", "health_notes"),
    ("phone", "abc", "phone"),
    ("phone", "+0000", "phone"),
    ("phone", "0" * 10_000, "phone"),
    ("phone", "050\x00 123 45 67", "phone"),
    ("phone", "😀😀😀", "phone"),
    ("email", "a@b", "email"),
    ("email", LONG + "@example.com", "email"),
    ("email", "ok\x00@example.com", "email"),
    ("birth_date", "9999-12-31", "birth_date"),
    ("birth_date", TOMORROW.isoformat(), "birth_date"),
    ("birth_date", "0001-01-01", "birth_date"),
    *[("birth_date", value, "birth_date") for value in NOT_A_DATE],
    ("birth_date", ["1990-05-17", "garbage"], "birth_date"),  # a list where one date is expected
    ("gender", "null", "gender"),
    ("language", "uk\x00", "language"),
    ("source", SQL, "source"),
    ("preferred_channel", "fax", "preferred_channel"),
    ("preferred_channel", "telegram", "telegram_chat_id"),  # Telegram without a chat id
    ("telegram_chat_id", "9" * 65, "telegram_chat_id"),
    ("contraindications", ["abc"], "contraindications"),
    ("contraindications", ["999999"], "contraindications"),
    ("referred_by_lookup", "nobody at all", "referred_by_lookup"),
    ("referred_by_lookup", "\x00", "referred_by_lookup"),
]


@pytest.mark.parametrize("field, value, shown_at", CLIENT_FORM_GARBAGE)
def test_the_new_client_form_refuses_garbage_next_to_the_field(as_owner, field, value, shown_at):
    refused(as_owner, reverse("clients:create"), client_data(**{field: value}), shown_at)


def test_a_client_without_phone_and_email_is_refused_and_not_stored(as_owner):
    messages = refused(as_owner, reverse("clients:create"), client_data(phone="  ", email=""), "__all__")
    assert messages == ["Enter a phone number or an e-mail to reach the client."]


def test_a_birth_date_before_1900_is_explained_next_to_the_birth_date(as_owner):
    messages = refused(as_owner, reverse("clients:create"), client_data(birth_date="1899-12-31"), "birth_date")
    assert messages == ["The birth date is too far in the past."]


@pytest.mark.parametrize(
    "field, value, shown_at",
    [
        ("assigned_manager", "abc", "assigned_manager"),
        ("assigned_manager", "999999", "assigned_manager"),
        ("assigned_manager", "1" + "0" * 20, "assigned_manager"),
    ],
)
def test_the_director_cannot_assign_a_manager_that_does_not_exist(as_director, field, value, shown_at):
    refused(as_director, reverse("clients:create"), client_data(**{field: value}), shown_at)


def test_a_manager_cannot_hand_their_new_client_to_someone_else_by_posting_the_field(as_owner, club):
    """The field is not on a manager's form: a forged value is ignored, not obeyed."""
    response = as_owner.post(reverse("clients:create"), client_data(assigned_manager=club.rival.pk))
    assert response.status_code == 302
    assert Client.objects.get(email="oksana@example.com").assigned_manager == club.owner


@pytest.mark.parametrize("name", UNICODE_NAMES + [SCRIPT, SQL])
def test_names_in_any_script_are_stored_exactly_as_typed(as_owner, name):
    response = as_owner.post(reverse("clients:create"), client_data(first_name=name, last_name=name))
    assert response.status_code == 302
    client = Client.objects.get(email="oksana@example.com")
    assert (client.first_name, client.last_name) == (name, name)


def test_whitespace_only_optional_fields_are_stored_empty(as_owner):
    response = as_owner.post(
        reverse("clients:create"),
        client_data(phone="   ", middle_name="  ", address="\t", notes=" \n "),
    )
    assert response.status_code == 302
    client = Client.objects.get(email="oksana@example.com")
    assert (str(client.phone), client.middle_name, client.address, client.notes) == ("", "", "", "")


@pytest.mark.parametrize("field, value", [("first_name", NUL), ("email", "x@"), ("birth_date", "2025-02-31")])
def test_editing_a_client_with_garbage_changes_nothing(as_owner, club, field, value):
    client = club.mine.client
    data = client_data(**{"email": client.email, "phone": str(client.phone), field: value})
    refused(as_owner, reverse("clients:edit", args=[client.pk]), data, field)
    client.refresh_from_db()
    assert (client.first_name, client.email) == ("Iryna", "mine@example.com")


# --- selling a membership -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, value",
    [
        ("plan", ""),
        ("plan", "abc"),
        ("plan", "999999"),
        ("plan", "1" + "0" * 20),
        ("plan", ["1", "2"]),
        ("start_date", "9999-12-31"),
        ("start_date", "9999-12-15"),
        ("start_date", "0001-01-01"),
        *[("start_date", value) for value in DATES_TRIED],
        ("card_number", "C" * 33),
        ("card_number", "C-\x00-1"),
    ],
)
def test_selling_a_membership_refuses_garbage_and_sells_nothing(as_owner, club, field, value):
    data = {"plan": club.plan.pk, "start_date": TODAY.isoformat(), "card_number": "", field: value}
    url = reverse("sales:membership-sell", args=[club.mine.client.pk])
    refused(as_owner, url, data, field)


def test_a_card_number_already_taken_is_refused_with_no_sale(as_owner, club):
    data = {"plan": club.plan.pk, "start_date": TODAY.isoformat(), "card_number": club.theirs.membership.card_number}
    messages = refused(as_owner, reverse("sales:membership-sell", args=[club.mine.client.pk]), data, "card_number")
    assert messages == ["A membership with this card number already exists."]


def test_a_plan_taken_off_sale_cannot_be_sold(as_owner, club):
    club.plan.is_active = False
    club.plan.save()
    data = {"plan": club.plan.pk, "start_date": TODAY.isoformat()}
    refused(as_owner, reverse("sales:membership-sell", args=[club.mine.client.pk]), data, "plan")


def test_a_card_number_of_spaces_gets_a_generated_number(as_owner, club):
    data = {"plan": club.plan.pk, "start_date": TODAY.isoformat(), "card_number": "     "}
    response = as_owner.post(reverse("sales:membership-sell", args=[club.mine.client.pk]), data)
    assert response.status_code == 302
    sold = Membership.objects.filter(client=club.mine.client).latest("id")
    assert sold.card_number.strip() and sold.card_number.isdigit()


# --- freezing -----------------------------------------------------------------------------------
@pytest.fixture
def freeze_url(club):
    return reverse("clients:membership-freeze", args=[club.mine.client.pk, club.mine.membership.pk])


def freeze_data(**changes):
    return {"start_date": TODAY.isoformat(), "days": "7", "reason": "Business trip", **changes}


@pytest.mark.parametrize(
    "field, value",
    [
        ("days", "0"),
        ("days", "-1"),
        ("days", "366"),
        ("days", "1.5"),
        *[("days", value) for value in HUGE_NUMBERS],
        ("days", "15"),  # the plan allows 14
        ("start_date", (TODAY - datetime.timedelta(days=1)).isoformat()),
        ("start_date", "0001-01-01"),
        ("start_date", "9999-12-31"),
        ("start_date", (TODAY + datetime.timedelta(days=45)).isoformat()),  # after the card ends
        *[("start_date", value) for value in DATES_TRIED],
        ("reason", "   "),
        ("reason", "trip\x00"),
    ],
)
def test_freezing_refuses_garbage_and_leaves_the_end_date(as_owner, club, freeze_url, field, value):
    end = club.mine.membership.end_date
    refused(as_owner, freeze_url, freeze_data(**{field: value}), field)
    club.mine.membership.refresh_from_db()
    assert club.mine.membership.end_date == end


def test_the_last_day_of_the_calendar_with_the_longest_freeze_is_refused_not_a_crash(as_owner, club, freeze_url):
    end = club.mine.membership.end_date
    messages = refused(as_owner, freeze_url, freeze_data(start_date="9999-12-31", days="365"), "start_date")
    assert messages[0].startswith("The freeze must start while the membership runs")
    club.mine.membership.refresh_from_db()
    assert club.mine.membership.end_date == end and not Freeze.objects.exists()


def test_freezing_a_card_that_ends_at_the_end_of_the_calendar_is_refused_not_a_crash(as_owner, club, freeze_url):
    """A card entered in the admin site up to 31.12.9999 cannot be moved past it."""
    Membership.objects.filter(pk=club.mine.membership.pk).update(end_date=datetime.date(9999, 12, 28))
    messages = refused(as_owner, freeze_url, freeze_data(days="7"), "start_date")
    assert len(messages) == 1 and messages[0].startswith("Choose dates between")
    assert Membership.objects.get(pk=club.mine.membership.pk).end_date == datetime.date(9999, 12, 28)


def test_a_freeze_of_another_clients_membership_through_my_clients_url_is_404(as_owner, club):
    url = reverse("clients:membership-freeze", args=[club.mine.client.pk, club.theirs.membership.pk])
    before = row_counts()
    assert as_owner.post(url, freeze_data()).status_code == 404
    assert changed_tables(before) == {}


# --- interactions, tasks, measurements ------------------------------------------------------------
@pytest.mark.parametrize(
    "field, value",
    [
        ("kind", "nope"),
        ("direction", "sideways"),
        ("summary", "  \n "),
        ("summary", "Called\x00"),
        ("outcome", "\x00"),
        ("follow_up_title", "x" * 201),
        ("follow_up_due", "2025-02-31"),
        ("follow_up_due", (TODAY - datetime.timedelta(days=1)).isoformat()),
    ],
)
def test_logging_an_interaction_refuses_garbage_and_stores_no_task_either(as_owner, club, field, value):
    data = {"kind": "call", "direction": "out", "summary": "Called", "outcome": "",
            "follow_up_title": "Call back", "follow_up_due": TOMORROW.isoformat(), field: value}
    refused(as_owner, reverse("clients:interaction-create", args=[club.mine.client.pk]), data, field)


def test_a_follow_up_date_without_a_title_is_refused_with_no_interaction(as_owner, club):
    data = {"kind": "call", "direction": "out", "summary": "Called", "follow_up_due": TOMORROW.isoformat()}
    url = reverse("clients:interaction-create", args=[club.mine.client.pk])
    assert refused(as_owner, url, data, "follow_up_title") == ["Name the follow-up task."]
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "   "),
        ("title", "x" * 201),
        ("title", "Call\x00"),
        ("description", "\x00"),
        ("due_date", ""),
        *[("due_date", value) for value in DATES_TRIED],
    ],
)
def test_a_new_task_refuses_garbage(as_owner, club, field, value):
    data = {"title": "Call about renewal", "due_date": TOMORROW.isoformat(), "description": "", field: value}
    refused(as_owner, reverse("clients:task-create", args=[club.mine.client.pk]), data, field)


@pytest.mark.parametrize(
    "field, value",
    [
        ("weight_kg", "-1"),
        ("weight_kg", "0"),
        ("weight_kg", "500"),
        ("weight_kg", "72,5kg"),
        *[("weight_kg", value) for value in HUGE_NUMBERS],
        ("height_cm", "300"),
        ("body_fat_percent", "101"),
        ("muscle_mass_kg", "0"),
        ("waist_cm", "-80"),
        ("resting_heart_rate", "-1"),
        ("resting_heart_rate", "40000"),
        ("blood_pressure_systolic", "12.5"),
        ("measured_on", TOMORROW.isoformat()),
        *[("measured_on", value) for value in DATES_TRIED],
        ("notes", "\x00"),
    ],
)
def test_a_measurement_out_of_range_is_refused(as_owner, club, field, value):
    data = {"measured_on": TODAY.isoformat(), "weight_kg": "72.5", field: value}
    refused(as_owner, reverse("clients:measurement-add", args=[club.mine.client.pk]), data, field)


def test_a_measurement_with_no_value_at_all_is_refused(as_owner, club):
    url = reverse("clients:measurement-add", args=[club.mine.client.pk])
    assert refused(as_owner, url, {"measured_on": TODAY.isoformat()}, "__all__") == [
        "Enter at least one measured value."
    ]
    assert not Measurement.objects.exists()


# --- the client list's search box and filters ------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        {"q": "\x00"},
        {"q": LONG},
        {"q": "%"},
        {"q": "050\x00123"},
        {"q": "+" + "9" * 5000},
        {"q": CYRILLIC}, {"q": EMOJI + COMBINING}, {"q": ARABIC + HEBREW}, {"q": RTL_OVERRIDE + ZERO_WIDTH},
        {"stage": "\x00"},
        {"membership": "everything"},
        {"expires_within": "-1"},
        {"expires_within": "1" + "0" * 20},
        {"expires_within": "NaN"},
        {"lapsed": "null"},
        {"sort": "password"},
        {"page": "-1"},
        {"page": "1" + "0" * 20},
        {"manager": "abc"},
    ],
)
def test_the_client_list_answers_any_query_with_a_page(as_owner, query):
    response = as_owner.get(reverse("clients:list"), query)
    assert response.status_code == 200


def test_a_search_for_a_name_with_a_nul_says_so_and_lists_the_clients_unfiltered(as_owner, club):
    response = as_owner.get(reverse("clients:list"), {"q": "Iryna\x00"})
    assert "Null characters are not allowed." in response.content.decode()
    assert [row.pk for row in response.context["page"].object_list] == [club.mine.client.pk]


def test_sql_in_the_search_box_finds_nothing_and_drops_nothing(as_owner, club):
    response = as_owner.get(reverse("clients:list"), {"q": SQL})
    assert response.status_code == 200 and list(response.context["page"].object_list) == []
    assert Client.objects.count() == 2
    response = as_owner.get(reverse("clients:list"), {"q": "1 OR 1=1"})
    assert list(response.context["page"].object_list) == []


def test_a_client_named_like_sql_is_found_by_that_name(as_owner, club):
    Client.objects.filter(pk=club.mine.client.pk).update(last_name=SQL)
    response = as_owner.get(reverse("clients:list"), {"q": "DROP TABLE"})
    assert [row.pk for row in response.context["page"].object_list] == [club.mine.client.pk]
    assert Task.objects.filter(client=club.mine.client).exists()
