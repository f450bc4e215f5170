"""Phones as the club's region writes them, and contacts as tap-to-call / tap-to-mail links
(``core.templatetags.crm``)."""

import pytest
from phonenumber_field.phonenumber import PhoneNumber

from core.templatetags.crm import email_link, phone, phone_link


@pytest.mark.parametrize("stored, shown", [
    ("+380670000012", "067 000 0012"),
    ("+380501234567", "050 123 4567"),
    ("+380441234567", "044 123 4567"),  # a Kyiv landline
    ("+48512345678", "+48 512 345 678"),  # another country keeps its code
])
def test_a_phone_is_written_in_the_national_format_of_the_clubs_region(stored, shown):
    assert phone(PhoneNumber.from_string(stored)) == shown
    assert phone(stored) == shown


def test_another_region_writes_its_own_numbers_nationally_and_ours_internationally(settings):
    settings.PHONENUMBER_DEFAULT_REGION = "PL"
    assert phone("+48512345678") == "512 345 678"
    assert phone("+380670000012") == "+380 67 000 0012"


@pytest.mark.parametrize("value", [None, ""])
def test_no_phone_is_a_dash(value):
    assert phone(value) == "—"
    assert phone_link(value) == "—"


def test_a_phone_is_a_tel_link_with_the_full_number():
    html = phone_link(PhoneNumber.from_string("+380670000012"))
    assert html == '<a href="tel:+380670000012" class="text-nowrap" data-testid="tel-link">067 000 0012</a>'


def test_a_number_that_is_not_valid_is_shown_as_typed_and_not_linked():
    assert phone_link("12<b>") == "12<b>"  # escaped by the template, not marked safe
    assert not hasattr(phone_link("12<b>"), "__html__")


def test_an_email_is_a_mailto_link_and_escaped():
    assert email_link("olena@example.com") == '<a href="mailto:olena@example.com" class="text-break">olena@example.com</a>'
    assert "&lt;" in email_link("a<b@example.com")
    assert email_link("") == "—"


@pytest.mark.parametrize("stored", ["+380670000012", "+48512345678", "+380123", "12<b>", "abc"])
def test_a_phone_as_stored_text_is_linked_as_its_parsed_field_is(stored):
    from phonenumber_field.phonenumber import to_python

    assert str(phone_link(stored)) == str(phone_link(to_python(stored)))  # to_python: the field's reading
    assert str(phone_link(stored)) == str(phone_link(stored))  # written once, then remembered


def test_a_remembered_phone_follows_a_changed_region(settings):
    assert "067 000 0012" in phone_link("+380670000012")
    settings.PHONENUMBER_DEFAULT_REGION = "PL"
    assert "+380 67 000 0012" in phone_link("+380670000012")
