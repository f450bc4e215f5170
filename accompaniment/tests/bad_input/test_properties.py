"""Issue 8, bad input tried on purpose, by the thousand: properties that hold for any input
hypothesis can think of — the phone normalizer of the client form, the client search box and
the promotions' segment builder never fail but with a ValidationError, and what they accept
comes out normalized (or as a query the database runs)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from clients.forms import ClientForm
from clients.models import Client
from clients.selectors import client_search_q
from clients.tests import factories as cf
from sales.segments import segment_clean, segment_clients
from sales.tests import factories as sf
from staff.tests import factories as stf

from accompaniment.tests.bad_input import once_per_module

PHONE = ClientForm.base_fields["phone"]  # the very field the client form cleans phones with
E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# Text a person might type in a phone box, and text nobody would.
phone_like = st.text(alphabet="0123456789+()-. x#*/٠١٢٣٤٥٦٧٨٩", max_size=30)
anything = st.one_of(phone_like, st.text(max_size=60), st.text(alphabet=st.characters(codec="utf-8"), max_size=300))

UA_MOBILE_CODES = ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]


def normalized(text: str):
    """The client form's phone: its E.164 text, "" for nothing; raises only ValidationError."""
    value = PHONE.clean(text)
    return value.as_e164 if value else ""


@settings(max_examples=400, deadline=None)
@given(anything)
def test_the_phone_field_accepts_a_number_in_e164_or_refuses_it_with_a_message(text):
    try:
        e164 = normalized(text)
    except ValidationError as error:
        assert error.messages  # said in words, next to the field
        return
    assert e164 == "" or E164.match(e164), e164
    if e164:
        assert normalized(e164) == e164  # normalizing twice changes nothing


def spelled(code: str, number: str, style: int, separator: str) -> str:
    """One Ukrainian mobile number written the ways people write it."""
    local = f"{number[:3]}{separator}{number[3:5]}{separator}{number[5:]}"
    return [
        f"+380{code}{number}",
        f"380{code}{number}",
        f"0{code}{number}",
        f"0{code}{separator}{local}",
        f"(0{code}) {local}",
        f"+38 (0{code}) {local}",
        f"+380{separator}{code}{separator}{local}",
        f"tel:+380{code}{number}",
    ][style]


@settings(max_examples=200, deadline=None)
@given(
    code=st.sampled_from(UA_MOBILE_CODES),
    number=st.text(alphabet="0123456789", min_size=7, max_size=7),
    styles=st.lists(st.integers(min_value=0, max_value=7), min_size=2, max_size=4),
    separator=st.sampled_from([" ", "-", ".", "  ", " - "]),
)
def test_one_ukrainian_number_in_any_format_is_one_e164(code, number, styles, separator):
    forms = {normalized(spelled(code, number, style, separator)) for style in styles}
    assert forms == {f"+380{code}{number}"}


# --- the client search box and the segments run on a small club, built once ------------------------
def a_few_clients() -> list[Client]:
    """A few clients of every kind a filter looks at (the examples below only read them)."""
    today = datetime.date.today()
    people = [
        cf.ClientFactory(first_name="Олена", birth_date=datetime.date(1990, 3, 5), consent_email=True),
        cf.ClientFactory(first_name="Zoë", birth_date=datetime.date(2004, 2, 29), consent_sms=True),
        cf.ClientFactory(first_name="'; DROP", birth_date=None, consent_telegram=True, telegram_chat_id="1"),
    ]
    Client.objects.filter(pk=people[1].pk).update(stage=Client.Stage.TRUST)
    cf.MembershipFactory(client=people[0], start_date=today - datetime.timedelta(days=20),
                         end_date=today + datetime.timedelta(days=5))
    cf.VisitFactory(client=people[1])
    sf.SaleFactory(client=people[0], department=stf.DepartmentFactory(name="SPA", code="spa"))
    return people


small_club = once_per_module(a_few_clients)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80).filter(lambda text: "\x00" not in text))
def test_the_client_search_runs_on_the_database_for_any_text(small_club, text):
    """NUL never gets here: the search box's form refuses it first (see the forms' tests)."""
    found = list(Client.objects.filter(client_search_q(text)).values_list("pk", flat=True))
    assert set(found) <= {person.pk for person in small_club}


def junk():
    return st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
        st.sampled_from(["\x00", "1e3", "٣", "-0", " 5 ", "NaN", "'; DROP TABLE sales_sale; --"]),
        st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    )


VALID = {
    "department": st.sampled_from(["spa", ""]),
    "stages": st.lists(st.sampled_from(Client.Stage.values), max_size=3),
    "expiring_within": st.integers(min_value=0, max_value=366),
    "no_visit_days": st.integers(min_value=1, max_value=3650),
    "age_min": st.integers(min_value=0, max_value=60),
    "age_max": st.integers(min_value=60, max_value=120),
    "birthday_month": st.integers(min_value=1, max_value=12),
    "channel": st.sampled_from(["email", "sms", "telegram", ""]),
}
NEAR_MISSES = {
    "department": st.sampled_from(["fitness", "SPA", "spa ", "\x00"]),
    "stages": st.lists(st.sampled_from(Client.Stage.values + ["royalty", ""]), min_size=1, max_size=3),
    "expiring_within": st.integers(min_value=-400, max_value=800),
    "no_visit_days": st.integers(min_value=-10, max_value=10**6),
    "age_min": st.integers(min_value=-5, max_value=200),
    "age_max": st.integers(min_value=-5, max_value=200),
    "birthday_month": st.integers(min_value=-1, max_value=14),
    "channel": st.sampled_from(["fax", "calls", "EMAIL"]),
}

segments = st.one_of(
    st.fixed_dictionaries({}, optional=VALID),  # what the page would store
    st.fixed_dictionaries({}, optional={key: st.one_of(VALID[key], NEAR_MISSES[key], junk()) for key in VALID}),
    st.dictionaries(st.text(max_size=10), junk(), max_size=3),  # keys no segment has
    junk(),  # not a dict at all
)


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments)
def test_a_segment_either_runs_on_the_database_or_is_refused_with_messages(small_club, segment):
    try:
        cleaned = segment_clean(segment)
    except ValidationError as error:
        event("not a segment: refused")
        assert error.messages
        with pytest.raises(ValidationError):
            segment_clients(segment)  # the builder refuses what the check refuses
        return
    event("a segment: runs")
    found = set(segment_clients(segment).values_list("pk", flat=True))
    assert found <= {person.pk for person in small_club}
    assert segment_clean(cleaned) == cleaned  # what is stored after cleaning cleans to itself
    assert found == set(segment_clients(cleaned).values_list("pk", flat=True))
