"""The outbox's states: queued → sending (committed before the hand-off) → sent, back to queued
for a retry, failed, or unconfirmed when a worker left it sending past the lease."""

import datetime
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from clients.messaging.outbox import (
    UNCONFIRMED_REASON,
    _claim,
    due_ids,
    notification_deliver,
    outbox_deliver,
    outbox_sweep_unconfirmed,
)
from clients.models import Notification
from clients.tests import factories as cf
from conftest import at_the_same_moment

KYIV = ZoneInfo("Europe/Kyiv")
DAYTIME = datetime.datetime(2026, 11, 22, 11, 0, tzinfo=KYIV)
LEASE = datetime.timedelta(minutes=15)


class SpyBackend:
    """Records, for each hand-off, the row's stored state and whether a transaction was open."""

    seen = []
    refuse = False
    during_send = None

    def send(self, *, to, idempotency_key="", **kwargs):
        row = Notification.objects.get(to_address=to)
        SpyBackend.seen.append(
            {"status": row.status, "sending_since": row.sending_since, "in_transaction": connection.in_atomic_block,
             "key": idempotency_key}
        )
        if SpyBackend.during_send:
            SpyBackend.during_send(row)
        if SpyBackend.refuse:
            raise ConnectionError("gateway down")


@pytest.fixture
def spy(settings):
    settings.SMS_BACKEND = "clients.tests.messaging.test_outbox_states.SpyBackend"
    settings.OUTBOX_SENDING_LEASE_SECONDS = int(LEASE.total_seconds())
    SpyBackend.seen, SpyBackend.refuse, SpyBackend.during_send = [], False, None
    yield SpyBackend
    SpyBackend.seen, SpyBackend.refuse, SpyBackend.during_send = [], False, None


def sms_row(**extra) -> Notification:
    client = cf.ClientFactory(consent_sms=True, preferred_channel="sms", phone=extra.pop("phone", "+380507000001"),
                              service_email=False, service_telegram=False)  # reachable by SMS only
    return cf.NotificationFactory(client=client, channel="sms", **extra)


@pytest.mark.django_db(transaction=True)
def test_a_message_is_marked_sending_and_committed_before_it_is_handed_over(spy):
    row = sms_row()
    assert notification_deliver(row.pk, now=DAYTIME) == "sent"
    (seen,) = spy.seen
    assert seen["status"] == "sending" and seen["sending_since"] == DAYTIME
    assert seen["in_transaction"] is False  # the claim was committed; nothing is held open
    row.refresh_from_db()
    assert (row.status, row.sent_at, row.attempts, row.to_address) == ("sent", DAYTIME, 1, row.client.phone)
    assert row.sending_by  # host:pid of the worker that handed it over


@pytest.mark.django_db
def test_a_refused_hand_off_goes_back_to_the_queue_then_fails(spy, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    spy.refuse = True
    row = sms_row()
    assert notification_deliver(row.pk, now=DAYTIME) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.reason == "sms: gateway down"
    assert notification_deliver(row.pk, now=row.not_before) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 2)
    assert [seen["status"] for seen in spy.seen] == ["sending", "sending"]


@pytest.mark.django_db
def test_a_message_left_sending_is_never_handed_over_again(spy):
    row = sms_row(status="sending", sending_since=DAYTIME, to_address="+380507000001")
    assert due_ids(DAYTIME + LEASE * 10) == []
    assert notification_deliver(row.pk, now=DAYTIME + LEASE * 10) == "busy"
    assert outbox_deliver([row.pk], now=DAYTIME + LEASE * 10) == {"busy": 1}
    assert spy.seen == []


@pytest.mark.django_db
def test_a_second_claim_of_the_same_row_finds_it_taken(spy):
    row = sms_row()
    claimed = _claim(row.pk, DAYTIME)
    assert isinstance(claimed, Notification) and claimed.status == "sending"
    assert _claim(row.pk, DAYTIME) == "busy"


@pytest.mark.django_db
def test_the_sweep_marks_rows_left_sending_past_the_lease_unconfirmed_with_the_reason(spy, settings):
    settings.LANGUAGE_CODE = "uk"
    stale = sms_row(status="sending", sending_since=DAYTIME - LEASE - datetime.timedelta(seconds=1))
    fresh = sms_row(status="sending", sending_since=DAYTIME - LEASE + datetime.timedelta(seconds=1), phone="+380507000002")
    queued = sms_row(phone="+380507000003")

    assert outbox_sweep_unconfirmed(now=DAYTIME) == 1

    stale.refresh_from_db(), fresh.refresh_from_db(), queued.refresh_from_db()
    assert (stale.status, fresh.status, queued.status) == ("unconfirmed", "sending", "queued")
    with translation.override("uk"):
        assert stale.reason == str(UNCONFIRMED_REASON)  # in the club's language
    assert stale.reason != "" and "worker" not in stale.reason  # translated, not the English source
    assert outbox_sweep_unconfirmed(now=DAYTIME) == 0
    assert stale.pk not in due_ids(DAYTIME + LEASE)


@pytest.mark.django_db
def test_a_late_answer_after_the_sweep_still_records_the_message_as_sent(spy):
    row = sms_row()
    spy.during_send = lambda row: outbox_sweep_unconfirmed(now=DAYTIME + LEASE * 2)  # the hand-off outlived the lease
    assert notification_deliver(row.pk, now=DAYTIME) == "sent"
    row.refresh_from_db()
    assert (row.status, row.sent_at) == ("sent", DAYTIME)


@pytest.mark.django_db
def test_a_message_a_person_queued_again_meanwhile_stays_as_they_left_it(spy):
    row = sms_row()

    def person_retries_it(row):
        Notification.objects.filter(pk=row.pk).update(status="queued", sending_since=None, sending_by="")

    spy.during_send = person_retries_it
    notification_deliver(row.pk, now=DAYTIME)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 0)


@pytest.mark.django_db
def test_an_unconfirmed_message_is_shown_in_the_admin_and_sent_again_with_the_same_message_id(admin_client, settings):
    settings.DEFAULT_FROM_EMAIL = "Club <club@crm.example>"
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    settings.LANGUAGE_CODE = "en"
    row = cf.NotificationFactory(client=cf.ClientFactory(consent_email=True), status="sending",
                                 sending_since=timezone.now() - LEASE * 2, subject="Your card")
    outbox_sweep_unconfirmed()
    changelist = reverse("admin:clients_notification_changelist")

    page = admin_client.get(changelist, {"status__exact": "unconfirmed"}).text
    assert "Unconfirmed" in page and "it may have been delivered" in page
    response = admin_client.post(changelist, {"action": "retry", "_selected_action": [row.pk]}, follow=True)
    assert "1 message queued again." in response.text
    row.refresh_from_db()
    assert (row.status, row.reason, row.sending_since) == ("queued", "", None)

    assert outbox_deliver(due_ids(timezone.now())) == {"sent": 1}
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    assert row.message_id == f"<{row.idempotency_key}@crm.example>"
    assert admin_client.get(reverse("admin:clients_notification_change", args=[row.pk])).text.count(row.idempotency_key) == 1


@pytest.mark.django_db
def test_the_idempotency_key_comes_from_the_dedup_key_and_differs_per_message():
    one, other = cf.NotificationFactory(dedup_key="expiry:1:7"), cf.NotificationFactory(dedup_key="expiry:1:1")
    assert one.idempotency_key != other.idempotency_key
    assert len(one.idempotency_key) == 32 and int(one.idempotency_key, 16) >= 0
    one.refresh_from_db()
    assert one.idempotency_key == Notification(dedup_key="expiry:1:7").idempotency_key


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_rows_hand_each_over_once(spy):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): row locks with SKIP LOCKED")
    rows = [sms_row(phone=f"+38050700001{n}") for n in range(10)]
    spy.during_send = lambda row: time.sleep(0.02)
    outcomes, errors = at_the_same_moment(lambda: outbox_deliver([row.pk for row in rows], now=DAYTIME))
    assert errors == []
    assert sum(outcomes, Counter()) == {"sent": 10, "busy": 10}
    assert len(spy.seen) == 10
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
