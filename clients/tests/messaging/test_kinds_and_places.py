"""Message kinds and health-data places are vocabularies each app adds its words to; a
channel's consent and address fields are named once, on `Channel`."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clients import health_data
from clients.messaging import kinds
from clients.messaging.links import unsubscribe_token
from clients.messaging.outbox import outbox_write
from clients.models import Channel, HealthDataAccess, Notification
from clients.tests import factories as cf


def test_the_apps_above_clients_add_their_message_kinds_and_places():
    assert {"promotion", "survey", "feedback_relayed", "feedback_resolved", "digest"} <= set(kinds.MESSAGE_KINDS)
    assert {"card", "history", "program_form", "program", "sessions"} <= set(health_data.HEALTH_DATA_PLACES)


def test_the_vocabularies_are_read_when_used_not_written_into_migrations():
    kind = Notification._meta.get_field("kind").deconstruct()[3]
    place = HealthDataAccess._meta.get_field("place").deconstruct()[3]
    assert kind["choices"] is kinds.choices and place["choices"] is health_data.place_choices


@pytest.mark.django_db
def test_an_unknown_message_kind_is_refused_with_a_message_and_a_registered_one_is_accepted():
    row = cf.NotificationFactory.build(client=cf.ClientFactory(), kind="fax_blast")
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert refused.value.message_dict["kind"] == ["Value 'fax_blast' is not a valid choice."]
    row.kind = "promotion"  # registered by sales
    row.full_clean()


@pytest.mark.django_db
def test_the_outbox_refuses_to_write_a_kind_no_app_registered():
    row = cf.NotificationFactory.build(client=cf.ClientFactory(), kind="fax_blast", dedup_key="fax:1")
    with pytest.raises(ValueError, match="fax_blast"):
        outbox_write([row])
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_an_unknown_health_data_place_is_refused_and_a_registered_one_is_accepted(django_user_model):
    access = HealthDataAccess(client=cf.ClientFactory(), user=django_user_model.objects.create(username="u"), place="lobby")
    with pytest.raises(ValidationError) as refused:
        access.full_clean()
    assert "place" in refused.value.message_dict
    access.place = "sessions"  # registered by programs
    access.full_clean()


def test_registered_labels_speak_the_language():
    with translation.override("uk"):
        assert Notification(kind="promotion").get_kind_display() == "Акція"
        assert HealthDataAccess(place="program_form").get_place_display() == "Конструктор програми"


@pytest.mark.django_db
def test_the_admin_filters_by_the_registered_words(admin_client):
    cf.NotificationFactory(kind="digest", client=None, user=cf.UserFactory())
    page = admin_client.get(reverse("admin:clients_notification_changelist")).text
    assert "Manager&#x27;s morning digest" in page and "?kind__exact=promotion" in page
    page = admin_client.get(reverse("admin:clients_healthdataaccess_changelist")).text
    assert "Program builder" in page and "?place__exact=sessions" in page


@pytest.mark.django_db
@pytest.mark.parametrize("channel", Channel.values)
def test_a_client_consents_to_a_channel_by_its_consent_field_with_an_address(channel):
    channel = Channel(channel)
    person = cf.ClientFactory(
        email="a@example.com", phone="+380501234567", telegram_chat_id="42",
        consent_email=False, consent_sms=False, consent_telegram=False,
    )
    assert not person.consents_to(channel)
    setattr(person, channel.consent_field, True)
    assert person.consents_to(channel)
    assert [other for other in Channel if person.consents_to(other)] == [channel]
    setattr(person, channel.address_field, "")
    assert not person.consents_to(channel)


@pytest.mark.django_db
@pytest.mark.parametrize("channel", Channel.values)
def test_the_unsubscribe_link_turns_off_its_own_channels_consent_only(client, channel):
    person = cf.ClientFactory(telegram_chat_id="42", consent_email=True, consent_sms=True, consent_telegram=True)
    client.post(reverse("unsubscribe", args=[unsubscribe_token(person.pk, channel)]))
    person.refresh_from_db()
    assert [c for c in Channel.values if getattr(person, Channel(c).consent_field)] == [
        c for c in Channel.values if c != channel
    ]
