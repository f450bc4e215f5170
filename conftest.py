"""Project-wide test fixtures: roles, users per role, services that are really running."""

import os

import pytest
from django.contrib.auth.models import Group

from accompaniment.celery import app as celery_app
from clients import roles


def service_url_or_skip(name: str) -> str:
    """The service's URL when the run has it; otherwise skip the test with a visible reason.

    A URL that is set but whose service cannot be reached is a failure, not a skip: the test
    itself connects and fails loudly.
    """
    url = os.environ.get(name, "")
    if not url:
        pytest.skip(f"{name} is not set: this test needs the real service (see .ci/run)")
    return url


@pytest.fixture(autouse=True)
def _eager_celery_by_default(request):
    """Unit tests run tasks in-process; tests marked `redis` talk to a real worker."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def make_user(db, django_user_model):
    """make_user(role, username=...) → a user in that role's group (no group for None)."""

    def make(role=None, username=None, **extra):
        username = username or f"{(role or 'user').split()[0].lower()}{make.count}"
        make.count += 1
        user = django_user_model.objects.create_user(
            username=username, password="pass-12345-word", **extra
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
            if role != roles.SPECIALIST:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
        return user

    make.count = 1
    return make


@pytest.fixture
def director(make_user):
    return make_user(roles.DIRECTOR, username="director-t")


@pytest.fixture
def manager(make_user):
    return make_user(roles.MANAGER, username="manager-t")


@pytest.fixture
def specialist_user(make_user):
    return make_user(roles.SPECIALIST, username="specialist-t")


@pytest.fixture
def frontdesk(make_user):
    return make_user(roles.ADMINISTRATOR, username="frontdesk-t")


@pytest.fixture
def celery_worker_over_redis(transactional_db):
    """A real Celery worker (a thread of this process) consuming a private queue over Redis.

    Yields the queue's name; send tasks with `apply_async(queue=...)`. Fails, never skips,
    when REDIS_URL is set but Redis does not answer.
    """
    import uuid

    from celery.contrib.testing.worker import start_worker

    redis_url = service_url_or_skip("REDIS_URL")
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    celery_app.conf.result_backend = redis_url
    queue = f"test-{uuid.uuid4().hex[:10]}"
    with start_worker(
        celery_app, pool="solo", concurrency=1, queues=[queue], perform_ping_check=False,
        shutdown_timeout=30,
    ):
        yield queue
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
