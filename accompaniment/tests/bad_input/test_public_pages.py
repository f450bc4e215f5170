"""Issue 8, bad input tried on purpose: the two pages anybody can open from a message — the
unsubscribe link and the NPS survey — with tampered, truncated, enormous, non-ASCII, foreign and
reused tokens, and answers out of range. Each is a 4xx or a message; nothing is stored."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from clients.messaging.links import UNSUBSCRIBE_SALT, unsubscribe_token
from clients.models import Client
from clients.tests import factories as cf
from staff.models import Feedback, SurveyResponse
from staff.services import SURVEY_SALT, survey_token

from accompaniment.tests.bad_input import LONG, changed_tables, club, club_once, row_counts

pytestmark = pytest.mark.django_db


def spoiled(token: str) -> dict[str, str]:
    """A valid token, spoiled in the ways a link gets spoiled (or forged)."""
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    return {
        "one character changed": flipped,
        "cut short": token[: len(token) // 2],
        "the signature cut off": token.rsplit(":", 1)[0],
        "doubled": token + token,
        "enormous": token + "A" * 10_000,
        "non-ASCII": token[:-4] + "ёжик",
        "emoji": "🧖‍♀️" * 50,
        "a NUL in it": token[:10] + "\x00" + token[10:],
        "a single dot": ".",
        "SQL": "' OR 1=1 --",
    }


SPOILS = list(spoiled("a:b:c").keys())


def unsubscribe_url(token: str) -> str:
    return reverse("unsubscribe", args=["PLACEHOLDER"]).replace("PLACEHOLDER", token)


def survey_url(token: str) -> str:
    return reverse("survey", args=["PLACEHOLDER"]).replace("PLACEHOLDER", token)


# --- unsubscribe --------------------------------------------------------------------------------
SPOIL_CASES = [(how, "post") for how in SPOILS] + [(how, "get") for how in SPOILS[:3]]


@pytest.mark.parametrize("how, method", SPOIL_CASES)
def test_a_spoiled_unsubscribe_link_is_400_and_keeps_the_consent(client, club, how, method):
    member = club.mine.client
    token = spoiled(unsubscribe_token(member.pk, "email"))[how]
    before = row_counts()
    response = getattr(client, method)(unsubscribe_url(token))
    assert response.status_code in (400, 404)  # a "/" in the token is no page at all
    assert changed_tables(before) == {}
    assert Client.objects.get(pk=member.pk).consent_email is True


@pytest.mark.parametrize(
    "token",
    [
        lambda member: signing.dumps({"c": member.pk, "ch": "email"}, salt=SURVEY_SALT),  # another link's key
        lambda member: signing.dumps({"c": member.pk, "ch": "email"}),  # no salt at all
        lambda member: signing.dumps({"c": member.pk, "ch": "fax"}, salt=UNSUBSCRIBE_SALT),
        lambda member: signing.dumps({"c": member.pk, "ch": "calls"}, salt=UNSUBSCRIBE_SALT),
        lambda member: signing.dumps({"c": 999_999, "ch": "email"}, salt=UNSUBSCRIBE_SALT),
        lambda member: signing.dumps({"c": "abc", "ch": "email"}, salt=UNSUBSCRIBE_SALT),
        lambda member: signing.dumps({"c": 10**20, "ch": "email"}, salt=UNSUBSCRIBE_SALT),
        lambda member: signing.dumps({"c": member.pk}, salt=UNSUBSCRIBE_SALT),
        lambda member: signing.dumps([member.pk, "email"], salt=UNSUBSCRIBE_SALT),
        lambda member: signing.dumps("email", salt=UNSUBSCRIBE_SALT),
    ],
    ids=["survey salt", "no salt", "unknown channel", "calls channel", "missing client", "letters for the id",
         "enormous id", "no channel", "a list", "a string"],
)
def test_a_well_signed_but_wrong_unsubscribe_token_is_400(client, club, token):
    member = club.mine.client
    before = row_counts()
    assert client.post(unsubscribe_url(token(member))).status_code == 400
    assert changed_tables(before) == {} and Client.objects.get(pk=member.pk).consent_email is True


def test_an_empty_unsubscribe_token_is_no_page(client, club):
    assert client.get("/u//").status_code == 404


def test_opening_the_unsubscribe_link_only_asks_and_posting_it_twice_is_harmless(client, club):
    member = club.mine.client
    url = unsubscribe_url(unsubscribe_token(member.pk, "email"))
    assert client.get(url).status_code == 200
    assert Client.objects.get(pk=member.pk).consent_email is True  # a link preview changes nothing
    for _ in range(2):
        assert client.post(url).status_code == 200
    assert Client.objects.get(pk=member.pk).consent_email is False
    assert client.get(url).context["already"] is True


def test_an_unsubscribe_link_of_a_client_since_erased_from_the_list_is_400(client, club):
    member = cf.ClientFactory(consent_sms=True)
    token = unsubscribe_token(member.pk, "sms")
    member.delete()
    assert client.post(unsubscribe_url(token)).status_code == 400


# --- the survey ---------------------------------------------------------------------------------
@pytest.fixture
def token(club):
    return survey_token(client_id=club.mine.client.pk, staff_member_id=club.specialist.pk)


@pytest.mark.parametrize("how, method", SPOIL_CASES)
def test_a_spoiled_survey_link_is_400_and_stores_nothing(client, club, token, how, method):
    before = row_counts()
    response = getattr(client, method)(survey_url(spoiled(token)[how]), {"score": "10"})
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert response.context["problem"] == "tampered"
    assert changed_tables(before) == {}


@pytest.mark.parametrize(
    "payload",
    [{"c": 999_999, "n": "abc"}, {"n": "abc"}, {"c": 1}, [1, "abc"], "hello", {"c": "x" * 1000, "n": "y"},
     {"c": 1, "n": "y" * 65}, {"c": 1, "n": ["y"]}, {"c": 1, "n": "y", "s": "abc"}, {"c": 1, "n": "y", "v": [2]}],
    ids=["missing client", "no client", "no nonce", "a list", "a string", "letters for the client id",
         "a nonce too long to keep", "a list for the nonce", "letters for the staff id", "a list for the service id"],
)
def test_a_well_signed_but_wrong_survey_token_is_400(client, club, payload):
    before = row_counts()
    response = client.post(survey_url(signing.dumps(payload, salt=SURVEY_SALT)), {"score": "9"})
    assert response.status_code == 400
    assert changed_tables(before) == {}


def test_a_survey_token_signed_for_unsubscribing_is_400(client, club):
    forged = signing.dumps({"c": club.mine.client.pk, "n": "abc"}, salt=UNSUBSCRIBE_SALT)
    assert client.post(survey_url(forged), {"score": "9"}).status_code == 400


@pytest.mark.parametrize(
    "data, field",
    [
        ({"score": "11"}, "score"),
        ({"score": "-1"}, "score"),
        ({"score": ""}, "score"),
        ({"comment": ""}, "score"),  # what a browser sends when no score is chosen
        ({"score": "abc"}, "score"),
        ({"score": "5.5"}, "score"),
        ({"score": "NaN"}, "score"),
        ({"score": "1" + "0" * 20}, "score"),
        ({"score": "\x00"}, "score"),
        ({"score": "٥"}, "score"),  # an Arabic-Indic five
        ({"score": "9", "comment": "x" * 2001}, "comment"),
        ({"score": "3", "comment": "Cold\x00water"}, "comment"),
        ({"score": "3", "comment": LONG}, "comment"),
    ],
)
def test_a_survey_answer_out_of_range_is_explained_and_stores_nothing(client, club, token, data, field):
    before = row_counts()
    response = client.post(survey_url(token), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert changed_tables(before) == {}


def test_opening_the_survey_stores_nothing_and_answering_it_stores_the_answer_and_the_complaint(client, club, token):
    before = row_counts()
    assert client.get(survey_url(token)).status_code == 200
    assert changed_tables(before) == {}
    assert client.post(survey_url(token), {"score": "2", "comment": "Cold water"}).status_code == 200
    assert SurveyResponse.objects.get().score == 2
    assert Feedback.objects.filter(channel=Feedback.Channel.SURVEY, kind=Feedback.Kind.COMPLAINT).count() == 1


def test_a_survey_about_a_staff_member_and_service_since_removed_is_still_answered(client, club):
    from staff.tests.factories import ServiceFactory, StaffMemberFactory

    leaver, retired = StaffMemberFactory(), ServiceFactory()
    token = survey_token(client_id=club.mine.client.pk, staff_member_id=leaver.pk, service_id=retired.pk)
    leaver.delete()
    retired.delete()
    assert client.post(survey_url(token), {"score": "3", "comment": "Nobody came"}).status_code == 200
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.staff_member, answer.service) == (3, None, None)
    assert Feedback.objects.get(channel=Feedback.Channel.SURVEY).staff_member is None


def test_a_survey_link_used_once_is_410_and_stores_nothing_more(client, club, token):
    client.post(survey_url(token), {"score": "2"})
    before = row_counts()
    for method in ("get", "post"):
        response = getattr(client, method)(survey_url(token), {"score": "10"})
        assert response.status_code == 410 and response.context["problem"] == "used"
    assert changed_tables(before) == {}


def test_an_expired_survey_link_is_410(client, club, settings):
    class SignedLongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - (settings.SURVEY_LINK_DAYS + 1) * 86_400)

    old = SignedLongAgo(salt=SURVEY_SALT).sign_object({"c": club.mine.client.pk, "n": "0123abcd"}, compress=True)
    response = client.post(survey_url(old), {"score": "10"})
    assert response.status_code == 410 and response.context["problem"] == "expired"
    assert not SurveyResponse.objects.exists()
