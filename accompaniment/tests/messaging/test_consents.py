"""Service vs marketing messages: every kind of message any app registered × every consent a
client can give or withdraw, on every channel — who is written to, by which channel, and the
reason stored when nobody is."""

import itertools

import pytest

from clients.messaging import kinds
from clients.messaging.outbox import message_for_client
from clients.models import Channel, Notification
from clients.tests import factories as cf

pytestmark = pytest.mark.django_db

# The kinds that sell; every other kind is about what the client bought.
MARKETING = {"promotion", "birthday", "renewal_offer"}
CLIENT_KINDS = [code for code in kinds.MESSAGE_KINDS if code not in ("digest", "feedback_relayed")]  # staff's


def test_every_registered_kind_has_the_purpose_the_issue_names():
    assert {code for code in kinds.MESSAGE_KINDS if kinds.purpose_of(code) == "marketing"} == MARKETING
    for code in ("membership_expiry", "visit_pack", "survey", "feedback_resolved", "chat_reply", "page_link"):
        assert kinds.purpose_of(code) == "service", code


def consent_cases():
    """(marketing consents, service opt-ins) over the three channels: every combination."""
    for marketing in itertools.product([False, True], repeat=3):
        for service in itertools.product([False, True], repeat=3):
            yield marketing, service


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_each_kind_goes_only_where_its_consent_allows_with_the_reason_when_skipped(kind):
    channels = [Channel.EMAIL, Channel.SMS, Channel.TELEGRAM]
    person = cf.ClientFactory(telegram_chat_id="4242", preferred_channel="telegram")
    for n, (marketing, service) in enumerate(consent_cases()):
        for channel, consent, opted_in in zip(channels, marketing, service):
            setattr(person, channel.consent_field, consent)
            setattr(person, channel.service_field, opted_in)
        row = message_for_client(client=person, kind=kind, dedup_key=f"t:{kind}:{n}", template="page_link",
                                 context={"page_url": "https://x", "days": 1})
        allowed = marketing if kinds.purpose_of(kind) == "marketing" else service
        expected = next((c for c, ok in zip(["telegram", "email", "sms"], [allowed[2], allowed[0], allowed[1]]) if ok), None)
        where = f"{kind} marketing={marketing} service={service}"
        if expected is None:
            assert row.status == Notification.Status.SKIPPED, where
            assert row.reason.startswith(f"no channel for a {kinds.purpose_of(kind)} message: "), where
            for channel in channels:
                assert f"{channel.value}: " in row.reason, where
            word = "no marketing consent" if kinds.purpose_of(kind) == "marketing" else "opted out of service messages"
            assert word in row.reason, where
        else:
            assert (row.status, row.channel) == (Notification.Status.QUEUED, expected), where


def test_a_service_message_goes_without_any_marketing_consent():
    person = cf.ClientFactory(consent_email=False, consent_sms=False, consent_telegram=False)
    row = message_for_client(client=person, kind=kinds.MEMBERSHIP_EXPIRY, dedup_key="e", template="page_link",
                             context={"page_url": "https://x", "days": 1})
    assert (row.status, row.channel) == ("queued", "email")


def test_a_channel_without_an_address_or_blocked_is_skipped_with_its_reason():
    import django.utils.timezone as tz

    person = cf.ClientFactory(email="", phone="", telegram_chat_id="99", telegram_unreachable_at=tz.now(),
                              preferred_channel="telegram")
    row = message_for_client(client=person, kind=kinds.MEMBERSHIP_EXPIRY, dedup_key="e", template="page_link",
                             context={"page_url": "https://x", "days": 1})
    assert row.status == "skipped"
    assert "email: no address" in row.reason and "sms: no address" in row.reason
    assert "telegram: unreachable (the bot is blocked)" in row.reason


def test_the_unsubscribe_link_of_a_marketing_message_stops_marketing_only(client):
    from clients.messaging.links import unsubscribe_url

    person = cf.ClientFactory(consent_email=True)
    client.post(unsubscribe_url(person.pk, "email", "marketing").removeprefix("http://testserver"))
    person.refresh_from_db()
    assert (person.consent_email, person.service_email) == (False, True)
    client.post(unsubscribe_url(person.pk, "email", "service"))
    person.refresh_from_db()
    assert person.service_email is False


def test_existing_consents_keep_their_meaning_after_the_migration():
    """The migration adds service opt-ins (on) beside the marketing consents, whose values stay."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("clients", "0010_client_side")
    added = {op.name for op in migration.operations if op.__class__.__name__ == "AddField" and op.model_name == "client"}
    assert {"service_email", "service_sms", "service_telegram"} <= added
    assert not any(getattr(op, "name", "").startswith("consent_") for op in migration.operations)
    for name in ("service_email", "service_sms", "service_telegram"):
        op = next(op for op in migration.operations if getattr(op, "name", "") == name and op.model_name == "client")
        assert op.field.default is True
