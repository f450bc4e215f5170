"""Delivering the outbox over real channels: SMTP on loopback, an SMS gateway and Telegram's
Bot API served by local HTTP servers started by the tests."""

import datetime
import json
import re
import socket
import threading
from collections import Counter
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse

from clients.messaging.links import unsubscribe_token
from clients.messaging.outbox import due_ids, notification_deliver, outbox_deliver, outbox_write
from clients.reminders import expiry_messages
from clients.models import Notification
from clients.tests import factories as cf

KYIV = ZoneInfo("Europe/Kyiv")
DAYTIME = datetime.datetime(2026, 11, 22, 11, 0, tzinfo=KYIV)
NIGHT = datetime.datetime(2026, 11, 22, 23, 0, tzinfo=KYIV)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def use_smtp(settings, port: int) -> None:
    """This process's e-mail goes by SMTP to the server on loopback at `port`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    yield inbox
    controller.stop()


class RecordingHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
        status, answer = self.server.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = HTTPServer(("127.0.0.1", 0), RecordingHandler)
    server.requests = []
    server.answer = (200, {"ok": True})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def queue_expiry_reminders():
    outbox_write(expiry_messages(DAYTIME.date()))


def expiring_membership(client, days=7):
    today = DAYTIME.date()
    return cf.MembershipFactory(
        client=client, start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=days), plan__name="Gym, 3 months",
    )


@pytest.mark.django_db
def test_reminder_arrives_over_real_smtp_with_subject_language_and_unsubscribe(smtp_server, settings):
    settings.SITE_URL = "https://crm.club.example"
    client = cf.ClientFactory(email="olena@example.com", consent_email=True, language="uk")
    expiring_membership(client)
    queue_expiry_reminders()
    assert outbox_deliver(due_ids(DAYTIME), now=DAYTIME)["sent"] == 1

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "olena@example.com"
    assert str(make_header(decode_header(message["Subject"]))) == "Ваш абонемент закінчується через 7 днів"
    assert message["Content-Language"] == "uk"
    assert "".join(message["List-Unsubscribe"].split()).startswith("<https://crm.club.example/u/")
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart()}
    assert "Gym, 3 months" in parts["text/plain"]
    assert "https://crm.club.example/u/" in parts["text/html"]
    row = Notification.objects.get()
    assert (row.status, row.to_address, row.attempts) == ("sent", "olena@example.com", 1)


@pytest.mark.django_db
def test_smtp_down_fails_rows_after_the_retries_and_never_stops_the_batch(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.OUTBOX_MAX_ATTEMPTS = 3
    # reachable by e-mail only: opted out of service messages by SMS and Telegram
    email_client = cf.ClientFactory(consent_email=True, service_sms=False, service_telegram=False)
    sms_client = cf.ClientFactory(consent_sms=True, preferred_channel="sms", consent_email=False)
    expiring_membership(email_client)
    expiring_membership(sms_client)
    queue_expiry_reminders()
    moment = DAYTIME
    for attempt in range(3):
        outcomes = outbox_deliver(due_ids(moment), now=moment)
        moment += datetime.timedelta(hours=1)
    email_row = Notification.objects.get(client=email_client)
    assert email_row.status == "failed"
    assert email_row.attempts == 3
    assert email_row.reason.startswith("email: ")
    assert "refused" in email_row.reason.lower() or "connect" in email_row.reason.lower()
    assert Notification.objects.get(client=sms_client).status == "sent"
    assert outcomes["failed"] == 1


@pytest.mark.django_db
def test_a_failed_attempt_waits_longer_each_time(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.OUTBOX_RETRY_SECONDS = 60
    expiring_membership(cf.ClientFactory(consent_email=True))
    queue_expiry_reminders()
    row = Notification.objects.get()
    assert notification_deliver(row.pk, now=DAYTIME) == "retry"
    row.refresh_from_db()
    assert row.not_before == DAYTIME + datetime.timedelta(seconds=60)
    assert due_ids(DAYTIME + datetime.timedelta(seconds=30)) == []
    assert notification_deliver(row.pk, now=DAYTIME + datetime.timedelta(seconds=61)) == "retry"
    row.refresh_from_db()
    assert row.not_before == DAYTIME + datetime.timedelta(seconds=61 + 120)


@pytest.mark.django_db
def test_when_email_fails_for_good_the_next_consented_channel_is_tried(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.OUTBOX_MAX_ATTEMPTS = 1
    client = cf.ClientFactory(consent_email=True, consent_sms=True, preferred_channel="email")
    expiring_membership(client)
    queue_expiry_reminders()
    row = Notification.objects.get()
    assert notification_deliver(row.pk, now=DAYTIME) == "retry"
    row.refresh_from_db()
    assert (row.channel, row.channels_tried) == ("sms", "email")
    assert notification_deliver(row.pk, now=DAYTIME) == "sent"


@pytest.mark.django_db
def test_night_delivery_waits_for_the_morning():
    expiring_membership(cf.ClientFactory(consent_email=True))
    queue_expiry_reminders()
    row = Notification.objects.get()
    assert notification_deliver(row.pk, now=NIGHT) == "held"
    row.refresh_from_db()
    assert row.not_before == datetime.datetime(2026, 11, 23, 9, 0, tzinfo=KYIV)
    assert mail.outbox == []
    assert row.pk not in due_ids(NIGHT + datetime.timedelta(hours=2))
    assert notification_deliver(row.pk, now=row.not_before) == "sent"


@pytest.mark.django_db
def test_a_client_who_opted_out_meanwhile_is_skipped():
    client = cf.ClientFactory(consent_email=True, service_sms=False, service_telegram=False)
    expiring_membership(client)
    queue_expiry_reminders()
    client.service_email = False
    client.save()
    row = Notification.objects.get()
    assert notification_deliver(row.pk, now=DAYTIME) == "skipped"
    row.refresh_from_db()
    assert row.status == "skipped" and "email: opted out of service messages any more" in row.reason
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_row_is_sent_once_even_if_delivered_twice():
    expiring_membership(cf.ClientFactory(consent_email=True))
    queue_expiry_reminders()
    row = Notification.objects.get()
    assert notification_deliver(row.pk, now=DAYTIME) == "sent"
    assert notification_deliver(row.pk, now=DAYTIME) == "busy"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sms_goes_to_the_http_gateway_with_the_token(http_server, settings):
    settings.SMS_BACKEND = "clients.messaging.backends.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{http_server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    client = cf.ClientFactory(consent_sms=True, preferred_channel="sms", phone="+380501234567")
    expiring_membership(client)
    queue_expiry_reminders()
    assert outbox_deliver(due_ids(DAYTIME), now=DAYTIME)["sent"] == 1
    request = http_server.requests[0]
    assert request["path"] == "/send"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["json"]["to"] == "+380 50 123 4567" or request["json"]["to"].replace(" ", "") == "+380501234567"
    assert "Gym, 3 months" in request["json"]["text"]


@pytest.mark.django_db
def test_an_sms_gateway_error_is_kept_on_the_row(http_server, settings):
    settings.SMS_BACKEND = "clients.messaging.backends.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{http_server.server_port}/send"
    http_server.answer = (503, {"error": "maintenance"})
    expiring_membership(cf.ClientFactory(consent_sms=True, preferred_channel="sms"))
    queue_expiry_reminders()
    row = Notification.objects.get()
    assert notification_deliver(row.pk, now=DAYTIME) == "retry"
    row.refresh_from_db()
    assert row.reason.startswith("sms: HTTP 503")


@pytest.mark.django_db
def test_telegram_goes_through_the_bot_api(http_server, settings):
    settings.TELEGRAM_BACKEND = "clients.messaging.backends.TelegramBotBackend"
    settings.TELEGRAM_API_URL = f"http://127.0.0.1:{http_server.server_port}"
    settings.TELEGRAM_BOT_TOKEN = "123:ABC"
    client = cf.ClientFactory(consent_telegram=True, preferred_channel="telegram", telegram_chat_id="4242")
    expiring_membership(client)
    queue_expiry_reminders()
    assert outbox_deliver(due_ids(DAYTIME), now=DAYTIME)["sent"] == 1
    request = http_server.requests[0]
    assert request["path"] == "/bot123:ABC/sendMessage"
    assert request["json"]["chat_id"] == "4242"
    assert request["json"]["text"].startswith("Ваш абонемент закінчується через 7 днів")  # uk, the default


@pytest.mark.django_db
def test_telegram_refusal_is_recorded(http_server, settings):
    settings.TELEGRAM_BACKEND = "clients.messaging.backends.TelegramBotBackend"
    settings.TELEGRAM_API_URL = f"http://127.0.0.1:{http_server.server_port}"
    settings.TELEGRAM_BOT_TOKEN = "123:ABC"
    http_server.answer = (200, {"ok": False, "description": "Forbidden: bot was blocked by the user"})
    expiring_membership(cf.ClientFactory(consent_telegram=True, preferred_channel="telegram", telegram_chat_id="1"))
    queue_expiry_reminders()
    row = Notification.objects.get()
    notification_deliver(row.pk, now=DAYTIME)
    row.refresh_from_db()
    assert "bot was blocked" in row.reason


@pytest.mark.django_db
def test_a_message_sent_again_carries_the_same_message_id_and_another_message_another(smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Club <club@crm.example>"
    for n in range(2):
        expiring_membership(cf.ClientFactory(consent_email=True, email=f"client{n}@example.com"))
    queue_expiry_reminders()
    assert outbox_deliver(due_ids(DAYTIME), now=DAYTIME) == {"sent": 2}
    first, second = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=first.pk).update(status="queued", sending_since=None)  # a person's re-send
    assert outbox_deliver(due_ids(DAYTIME), now=DAYTIME) == {"sent": 1}

    arrived = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert arrived == {first.message_id: 2, second.message_id: 1}
    assert re.fullmatch(r"<[0-9a-f]{32}@crm\.example>", first.message_id)


@pytest.mark.django_db
def test_the_sms_gateway_gets_the_same_client_id_on_every_attempt(http_server, settings):
    settings.SMS_BACKEND = "clients.messaging.backends.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{http_server.server_port}/send"
    expiring_membership(cf.ClientFactory(consent_sms=True, preferred_channel="sms"))
    expiring_membership(cf.ClientFactory(consent_sms=True, preferred_channel="sms"))
    queue_expiry_reminders()
    first, second = Notification.objects.order_by("pk")
    http_server.answer = (503, {"error": "maintenance"})
    assert notification_deliver(first.pk, now=DAYTIME) == "retry"
    http_server.answer = (200, {"ok": True})
    assert notification_deliver(first.pk, now=DAYTIME + datetime.timedelta(hours=1)) == "sent"
    assert notification_deliver(second.pk, now=DAYTIME) == "sent"
    assert [request["json"]["client_id"] for request in http_server.requests] == [
        first.idempotency_key, first.idempotency_key, second.idempotency_key
    ]
    assert first.idempotency_key != second.idempotency_key


@pytest.mark.django_db
def test_the_unsubscribe_link_turns_the_consent_off(client):
    person = cf.ClientFactory(consent_email=True, consent_sms=True, language="en")  # the page speaks it
    url = reverse("unsubscribe", args=[unsubscribe_token(person.pk, "email")])
    assert "Stop receiving messages from the club by E-mail?" in client.get(url).content.decode()
    person.refresh_from_db()
    assert person.consent_email  # a GET (a mail scanner, a preview) changes nothing
    response = client.post(url)
    assert "You will no longer receive messages from the club by E-mail." in response.content.decode()
    person.refresh_from_db()
    assert not person.consent_email and person.consent_sms


@pytest.mark.django_db
@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "garbage", lambda t: t.replace(":", "", 1)])
def test_a_tampered_unsubscribe_link_changes_nothing(client, mangle):
    person = cf.ClientFactory(consent_email=True)
    url = reverse("unsubscribe", args=[mangle(unsubscribe_token(person.pk, "email"))])
    response = client.post(url)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    person.refresh_from_db()
    assert person.consent_email


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(settings):
    settings.SMS_BACKEND = "clients.tests.support.DyingBackend"
    from clients.tests import support as tests_support

    tests_support.SENT = []
    for n in range(5):
        expiring_membership(cf.ClientFactory(consent_sms=True, preferred_channel="sms", phone=f"+38050700000{n}"))
    queue_expiry_reminders()
    with pytest.raises(SystemExit):
        outbox_deliver(due_ids(DAYTIME), now=DAYTIME)
    statuses = sorted(Notification.objects.values_list("status", flat=True))
    # the third was being handed over when the worker died: maybe delivered, never re-sent
    assert statuses == ["queued", "queued", "sending", "sent", "sent"]

    settings.SMS_BACKEND = "clients.messaging.backends.FileSmsBackend"
    settings.MESSAGES_FILE_PATH = settings.BASE_DIR / "var" / "test-messages"
    assert outbox_deliver(due_ids(DAYTIME), now=DAYTIME) == {"sent": 2}
    assert sorted(Notification.objects.values_list("status", flat=True)) == ["sending"] + ["sent"] * 4
