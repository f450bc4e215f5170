"""``KnownPhone`` (core/spreadsheets/phones.py): a file's phone parsed, checked and formatted
once, then read as often as the import needs without being parsed or formatted again."""

import pickle

import phonenumbers
import pytest
from phonenumber_field.phonenumber import PhoneNumber
from phonenumber_field.validators import validate_international_phonenumber

from core.spreadsheets import e164, parse_phone
from core.spreadsheets.phones import KnownPhone


@pytest.fixture
def formatting(monkeypatch):
    """Every call of the phone library's formatting and checking from here on."""
    calls = []
    for name in ("format_number", "is_valid_number", "parse"):
        real = getattr(phonenumbers, name)

        def counting(*args, real=real, name=name, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(phonenumbers, name, counting)
    return calls


def test_a_parsed_phone_is_its_e164_text_wherever_it_is_read(formatting):
    phone = parse_phone("050 123 45 67")
    formatting.clear()

    assert isinstance(phone, KnownPhone)
    assert phone == "+380501234567" and "+380501234567" == phone
    assert str(phone) == e164(phone) == phone.as_e164 == "+380501234567"
    assert {"+380501234567": "found"}[phone] == "found"
    assert phone and len(phone) == 13 and phone.is_valid()
    validate_international_phonenumber(phone)
    assert formatting == []  # nothing parsed, checked or formatted again


def test_a_known_phone_equals_the_same_number_parsed_otherwise():
    phone = parse_phone("+38 (050) 123-45-67")

    assert phone == PhoneNumber.from_string("0501234567", region="UA")
    assert phone != parse_phone("0671234567") and phone != "+380671234567"
    assert phone.as_national == "050 123 4567"


def test_a_known_phone_is_kept_as_its_numbers_and_comes_back_unparsed(formatting):
    phone = parse_phone("0501234567")
    kept = pickle.dumps(phone)
    formatting.clear()

    back = pickle.loads(kept)

    assert len(kept) < 150
    assert isinstance(back, KnownPhone) and back == phone and str(back) == "+380501234567"
    assert (back.country_code, back.national_number) == (380, 501234567)
    assert formatting == []


def test_an_empty_cell_is_no_phone():
    assert parse_phone("  ") == ""
