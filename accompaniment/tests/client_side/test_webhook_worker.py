"""From a webhook post to the message on Today, with a real Celery worker process over Redis
(the PostgreSQL + Redis pass): the webhook answers before the work is done, the worker does it,
and the time it takes is measured and printed (the README quotes it)."""

import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from accompaniment.celery import app
from accompaniment.selectors import today_agenda
from clients.selectors import clients_visible_to, waiting_messages
from clients.tests import factories as cf
from clients.tests.fake_telegram import TOKEN, FakeTelegram
from conftest import database_url_for_other_processes, environment_for_other_processes, service_url_or_skip
from core import roles

from .support import message_update

BASE_DIR = Path(__file__).resolve().parents[3]
POSTS = 20
LATEST = 60  # seconds for one message, on a machine busy with other work (the median is asserted < 5 s)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_webhook_post_reaches_today_through_a_real_worker_and_the_time_is_measured(live_server, make_user, settings):
    redis_url = service_url_or_skip("REDIS_URL")
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be shared with a worker process")
    fake = FakeTelegram()
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    secret = "webhook-secret-" + uuid.uuid4().hex[:8]
    settings.TELEGRAM_WEBHOOK_SECRET = secret
    manager = make_user(roles.MANAGER, username="oksana")
    chats = {}
    for n in range(POSTS):
        person = cf.ClientFactory(assigned_manager=manager, telegram_chat_id=str(880000 + n))
        chats[person.telegram_chat_id] = person
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = environment_for_other_processes(
        REDIS_URL=redis_url, DATABASE_URL=database_url_for_other_processes(), TELEGRAM_API_URL=fake.url,
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=secret,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "accompaniment", "worker", "--pool=solo", "--concurrency=1",
         "--queues", queue, "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--hostname", f"{queue}@%h"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    on_today = waiting_messages(clients_visible_to(manager))
    previous_routes = app.conf.task_routes
    app.conf.task_routes = {"accompaniment.telegram_update": {"queue": queue}}
    _read_routes_again()
    try:
        _wait_for_worker(queue)
        answered, reached = [], []
        for chat_id in chats:
            body = json.dumps(message_update(int(chat_id), f"Hello from {chat_id}")).encode()
            request = urllib.request.Request(
                live_server.url + "/telegram/webhook/", data=body, method="POST",
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            answered.append(time.perf_counter() - start)
            while not on_today.filter(client=chats[chat_id]).exists():  # Today's own query
                if time.perf_counter() - start > LATEST:
                    worker.terminate()
                    said, _ = worker.communicate(timeout=30)
                    pytest.fail(f"the worker did not store message {len(reached) + 1} within {LATEST} s; "
                                f"the worker said:\n{said}")
                time.sleep(0.005)
            reached.append(time.perf_counter() - start)
    finally:
        app.conf.task_routes = previous_routes
        _read_routes_again()
        if worker.poll() is None:
            worker.terminate()
            output, _ = worker.communicate(timeout=30)
        fake.shutdown()
    waiting = today_agenda(manager)["waiting"]
    assert waiting["count"] == POSTS, output
    assert len(fake.texts()) == POSTS  # each client got the bot's "your manager has your message"
    figures = {
        "webhook answered, median ms": round(statistics.median(answered) * 1000, 1),
        "post → on Today, median ms": round(statistics.median(reached) * 1000, 1),
        "post → on Today, p95 ms": round(sorted(reached)[int(len(reached) * 0.95) - 1] * 1000, 1),
        "post → on Today, max ms": round(max(reached) * 1000, 1),
        "database": connection.vendor,
    }
    print("\nwebhook → Today with a real worker over Redis:", figures)
    assert statistics.median(reached) < 5


def _read_routes_again() -> None:
    """Celery reads `task_routes` once: a process that has sent a task keeps its router (a cached
    property of `app.amqp` holding the routes' list). Read them again and build a new router."""
    app.amqp.flush_routes()
    del app.amqp.router


def _wait_for_worker(queue: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(destination=[f"{queue}@" + __import__("socket").gethostname()], timeout=1):
            return
    raise AssertionError("the Celery worker did not start")
