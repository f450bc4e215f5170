"""Celery: tasks run in-process by default, and travel over Redis to real workers when set."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from accompaniment.celery import app
from accompaniment.tasks import worker_status
from clients.tests.factories import ClientFactory
from conftest import database_url_for_other_processes, environment_for_other_processes, service_url_or_skip

BASE_DIR = Path(__file__).resolve().parents[3]


def test_every_app_task_module_is_discovered():
    app.loader.import_default_modules()
    assert "accompaniment.worker_status" in app.tasks


@pytest.mark.django_db
def test_without_redis_a_task_runs_in_process():
    ClientFactory.create_batch(2)
    result = worker_status.delay()
    assert result.get(timeout=1) == {"database": connection.vendor, "clients": 2}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_task_goes_over_redis_to_a_real_worker_process():
    """A separate `celery worker` process receives the task from Redis, reads the test
    database and sends the answer back through the Redis result backend."""
    redis_url = service_url_or_skip("REDIS_URL")
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be shared with a worker process")
    ClientFactory.create_batch(3)
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = environment_for_other_processes(REDIS_URL=redis_url, DATABASE_URL=database_url_for_other_processes())
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "accompaniment", "worker",
            "--pool=solo", "--concurrency=1", "--queues", queue, "--loglevel=WARNING",
            "--without-gossip", "--without-mingle", "--hostname", f"{queue}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        result = worker_status.apply_async(queue=queue)
        answer = result.get(timeout=60)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert answer == {"database": connection.vendor, "clients": 3}, output


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_task_goes_over_redis_to_an_in_process_worker(celery_worker_over_redis):
    ClientFactory.create_batch(4)
    answer = worker_status.apply_async(queue=celery_worker_over_redis).get(timeout=30)
    assert answer == {"database": connection.vendor, "clients": 4}
