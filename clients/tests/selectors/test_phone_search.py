"""A client is found by their phone however it is typed (``clients.selectors.client_search_q``):
property-based, over generated writings of real Ukrainian mobile numbers."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clients.models import Client
from clients.selectors import client_search_q, phone_search_digits
from clients.tests import factories as cf

pytestmark = pytest.mark.django_db

# Ukrainian mobile operators' codes (the two digits after +380).
OPERATORS = ["39", "50", "63", "66", "67", "68", "73", "91", "92", "93", "94", "95", "96", "97", "98", "99"]
SEPARATORS = ["", " ", "-", ".", "  ", " - "]


@st.composite
def grouped(draw, digits: str) -> str:
    """``digits`` split into groups of 1–4, joined by separators (each its own)."""
    parts, rest = [], digits
    while rest:
        size = draw(st.integers(min_value=1, max_value=min(4, len(rest))))
        parts.append(rest[:size])
        rest = rest[size:]
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + part
    return text


@st.composite
def ua_mobile(draw) -> tuple[str, str]:
    """(operator code, seven subscriber digits) of a real Ukrainian mobile number."""
    operator = draw(st.sampled_from(OPERATORS))
    subscriber = draw(st.text(alphabet="0123456789", min_size=7, max_size=7))
    return operator, subscriber


# How the code part is written: with the country code or without, with the leading 0 or
# without, the operator's code in brackets or not.
CODE_WRITINGS = [
    "+380{op}", "+38 0{op}", "+38-0{op}", "+38 (0{op})", "+38(0{op})", "+380 ({op})", "380{op}", "38 0{op}",
    "0038 0{op}", "00380{op}", "0{op}", "(0{op})", "{op}", "({op})",
]


@st.composite
def full_writing(draw, operator: str, subscriber: str) -> str:
    """The whole number as people write it: the code part (CODE_WRITINGS), a separator or none,
    the subscriber's seven digits in any grouping."""
    code = draw(st.sampled_from(CODE_WRITINGS)).format(op=operator)
    return code + draw(st.sampled_from(SEPARATORS)) + draw(grouped(subscriber))


@pytest.fixture
def two_clients():
    """Iryna, whose number the writings spell, and Oksana, whose number differs in every digit
    after the operator's code."""
    return cf.ClientFactory(first_name="Iryna"), cf.ClientFactory(first_name="Oksana")


def numbers_of(iryna: Client, oksana: Client, operator: str, subscriber: str) -> None:
    """Iryna gets the number; Oksana the same operator with every subscriber digit changed."""
    other = "".join(str((int(d) + 5) % 10) for d in subscriber)
    Client.objects.filter(pk=iryna.pk).update(phone=f"+380{operator}{subscriber}")
    Client.objects.filter(pk=oksana.pk).update(phone=f"+380{operator}{other}")


def found(text: str) -> set[str]:
    return set(Client.objects.filter(client_search_q(text)).values_list("first_name", flat=True))


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(ua_mobile(), st.data())
def test_the_whole_number_however_written_finds_the_client_and_nobody_else(two_clients, number, data):
    iryna, oksana = two_clients
    operator, subscriber = number
    numbers_of(iryna, oksana, operator, subscriber)
    writing = data.draw(full_writing(operator, subscriber))
    assert found(writing) == {"Iryna"}, writing


@SETTINGS
@given(ua_mobile(), st.integers(min_value=4, max_value=9), st.data())
def test_the_last_digits_find_the_client(two_clients, number, count, data):
    iryna, oksana = two_clients
    operator, subscriber = number
    numbers_of(iryna, oksana, operator, subscriber)
    digits = (operator + subscriber)[-count:]
    # The digits match as a part of the number: Oksana's may hold them elsewhere (…0505050 holds 5050).
    assume(all(part not in Client.objects.get(pk=oksana.pk).phone.as_e164
               for part in {digits, digits.lstrip("0")} if len(part) >= 4))
    writing = data.draw(grouped(digits))
    assert found(writing) == {"Iryna"}, writing


@pytest.mark.parametrize("writing", [
    "+38 (050) 123-45-67", "+380 (50) 123-45-67", "+38(050)123-45-67", "38 050 123 45 67",
    "0038 050 123 45 67", "(050) 123 45 67", "050.123.45.67", "050-123-4567", "50 123 45 67",
    "(50) 1234567", "501234567", "+380501234567", "123-45-67", "45-67", "4567",
])
def test_the_everyday_writings_of_the_issue_find_the_client(two_clients, writing):
    iryna, oksana = two_clients
    Client.objects.filter(pk=iryna.pk).update(phone="+380501234567")
    Client.objects.filter(pk=oksana.pk).update(phone="+380677654321")
    assert found(writing) == {"Iryna"}


@pytest.mark.parametrize("text, digits", [
    ("+38 (050) 123-45-67", "380501234567"), ("4567", "4567"), ("456", None), ("050 12a", None),
    ("Ірина 0501234567", None), ("", None),
])
def test_only_a_text_written_as_a_phone_is_searched_as_one(text, digits):
    assert phone_search_digits(text) == digits
