"""A worker killed between handing a message to the channel and recording that it was sent.

A real SMTP server on loopback keeps the message it receives and then stalls before answering,
so that the delivering process — a separate `manage.py deliver_outbox`, or a Celery worker over
Redis — is caught between the hand-off and its commit, and is killed with SIGKILL there. Every
message must arrive, none twice: counted at the SMTP server by Message-ID. On PostgreSQL the
processes share the test database; an in-memory SQLite one is copied to a file for them.
"""

import asyncio
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import timezone, translation

from clients.messaging.outbox import UNCONFIRMED_REASON, outbox_deliver_due, outbox_sweep_unconfirmed
from clients.models import Notification
from clients.tests import factories as cf
from clients.tests.messaging.test_outbox_channels import free_port, use_smtp
from conftest import environment_for_other_processes, service_url_or_skip

BASE_DIR = Path(__file__).resolve().parents[3]
FROM = "club@crm.example"


class StallingInbox:
    """Keeps every message; after receiving the `stall_on`-th it never answers (its sender
    waits for "250 OK" with the message already handed over)."""

    def __init__(self, stall_on: int):
        self.stall_on = stall_on
        self.messages = []
        self.stalled = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        if len(self.messages) == self.stall_on:
            self.stalled.set()
            await asyncio.sleep(3600)
        return "250 OK"

    def message_ids(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.messages)


@pytest.fixture
def stalling_smtp(settings):
    """The SMTP server, stalling on the second message; this process's e-mail goes to it too."""
    inbox = StallingInbox(stall_on=2)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    settings.DEFAULT_FROM_EMAIL = FROM
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0  # whatever time the test runs
    inbox.port = controller.port
    yield inbox
    controller.stop()


def process_environment(shared_database, inbox, **extra) -> dict:
    return environment_for_other_processes(
        DATABASE_URL=shared_database.url,
        EMAIL_URL=f"smtp://127.0.0.1:{inbox.port}",
        EMAIL_TIMEOUT="120",  # the stalled answer must outlast the kill
        DEFAULT_FROM_EMAIL=FROM,
        QUIET_HOURS_START="0",
        QUIET_HOURS_END="0",
        LOG_LEVEL="WARNING",
        **extra,
    )


def three_queued_emails() -> list[Notification]:
    return [
        cf.NotificationFactory(client=cf.ClientFactory(email=f"client{n}@example.com", consent_email=True))
        for n in range(3)
    ]


def statuses(shared_database) -> dict[int, str]:
    return dict(shared_database.rows("SELECT id, status FROM clients_notification"))


def wait_for(condition, seconds: float, what: str, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            pytest.fail(f"the process ended before {what}: {process.communicate()[0]}")
        time.sleep(0.1)
    pytest.fail(f"no {what} within {seconds} s")


def assert_each_delivered_once(inbox, rows):
    assert inbox.message_ids() == Counter({row.message_id: 1 for row in rows})


def assert_left_being_sent_and_never_resent(shared_database, inbox, rows, stalled):
    """After the kill and a new run: each message arrived once; the one caught mid-hand-off is
    left sending, and the lease sweep makes it unconfirmed with the reason; it is not re-sent."""
    first, second, third = rows
    assert statuses(shared_database) == {first.pk: "sent", second.pk: "sending", third.pk: "sent"}
    assert_each_delivered_once(inbox, rows)
    shared_database.take_back()

    stalled.refresh_from_db()
    assert stalled.sending_by and stalled.sending_since
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert outbox_sweep_unconfirmed(now=later) == 0  # within the lease: the worker may still answer
    lease = datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    assert outbox_deliver_due(now=later + lease) == {"unconfirmed": 1}
    stalled.refresh_from_db()
    assert stalled.status == "unconfirmed"
    with translation.override(settings.LANGUAGE_CODE):  # the reason is in the club's language
        assert stalled.reason == str(UNCONFIRMED_REASON)
    assert_each_delivered_once(inbox, rows)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_between_hand_off_and_commit_sends_nothing_twice(shared_database, stalling_smtp):
    rows = three_queued_emails()
    shared_database.publish()
    env = process_environment(shared_database, stalling_smtp)
    command = [sys.executable, "manage.py", "deliver_outbox"]

    worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(stalling_smtp.stalled.is_set, 60, "second message at the SMTP server", worker)
        # the first is recorded as sent; the second handed over, its "sent" not yet committed
        assert statuses(shared_database) == {rows[0].pk: "sent", rows[1].pk: "sending", rows[2].pk: "queued"}
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.kill()
        worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    again = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Delivery: sent 1" in again.stdout
    assert_left_being_sent_and_never_resent(shared_database, stalling_smtp, rows, rows[1])


def pool_children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        return [int(child) for child in children.read().split()]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_celery_pool_process_killed_between_hand_off_and_commit_is_rerun_and_sends_nothing_twice(
    shared_database, stalling_smtp
):
    """Celery requeues the task of a pool process that died (late acks, reject on worker lost)
    and runs it again at once: the run skips the message caught mid-hand-off."""
    from clients.tasks import deliver_notifications

    celery_app = deliver_notifications.app  # the project's Celery app, as the task knows it

    redis_url = service_url_or_skip("REDIS_URL")
    rows = three_queued_emails()
    shared_database.publish()
    queue = f"test-{uuid.uuid4().hex[:10]}"
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "accompaniment", "worker", "--pool=prefork",
            "--concurrency=1", "--queues", queue, "--loglevel=WARNING", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "--hostname", f"{queue}@%h",
        ],
        cwd=BASE_DIR, env=process_environment(shared_database, stalling_smtp, REDIS_URL=redis_url),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, redis_url
    try:
        deliver_notifications.apply_async(args=[[row.pk for row in rows]], queue=queue)
        wait_for(stalling_smtp.stalled.is_set, 90, "second message at the SMTP server", worker)
        assert statuses(shared_database)[rows[1].pk] == "sending"
        (child,) = pool_children(worker.pid)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: statuses(shared_database)[rows[2].pk] == "sent", 90, "the third message sent by the rerun", worker)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
        worker.terminate()
        output = worker.communicate(timeout=60)[0]
    assert "WorkerLostError" in output  # the pool process did die mid-task, and the task ran again
    assert_left_being_sent_and_never_resent(shared_database, stalling_smtp, rows, rows[1])
