"""Reads side by side (``core.parallel``): on PostgreSQL, outside a transaction, the calls after
the first run on a helper thread with its own connection; inside a transaction, or with
``PARALLEL_READS`` = 1, or on SQLite, one after another in the caller's thread."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from django.contrib.auth.models import Group
from core.parallel import can_run_side_by_side, close_helpers, side_by_side

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the helper's own connection: PostgreSQL only"
)


def thread_name():
    return threading.current_thread().name


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def connections_to_this_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_inside_a_transaction_the_calls_run_one_after_another_in_the_callers_thread():
    assert connection.in_atomic_block and not can_run_side_by_side()
    assert side_by_side(thread_name, thread_name, thread_name) == [thread_name()] * 3


@pytest.mark.django_db(transaction=True)
def test_with_one_connection_allowed_the_calls_run_in_the_callers_thread(settings):
    settings.PARALLEL_READS = 1
    assert not can_run_side_by_side()
    assert side_by_side(thread_name, thread_name) == [thread_name()] * 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_second_call_runs_on_another_connection_and_sees_committed_rows():
    before = Group.objects.count()  # the roles' groups
    Group.objects.bulk_create(Group(name=f"group {n}") for n in range(3))
    assert can_run_side_by_side()
    (mine, my_count), (theirs, their_count) = side_by_side(
        lambda: (backend_pid(), Group.objects.count()),
        lambda: (backend_pid(), Group.objects.count()),
    )
    assert mine == backend_pid() and theirs != mine
    assert my_count == their_count == before + 3


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_helper_speaks_the_callers_language_in_the_callers_time_zone():
    def where():
        return translation.get_language(), timezone.get_current_timezone_name(), thread_name()

    with translation.override("uk"), timezone.override(datetime.timezone(datetime.timedelta(hours=5))):
        here, there = side_by_side(where, where)
    assert there[:2] == here[:2] == ("uk", "UTC+05:00")
    assert there[2] != here[2]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_helper_is_raised_to_the_caller():
    def broken():
        raise LookupError("no such figure")

    with pytest.raises(LookupError, match="no such figure"):
        side_by_side(lambda: 1, broken)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_helpers_statements_are_counted_with_the_callers():
    Group.objects.create(name="managers")
    with CaptureQueriesContext(connection) as captured:
        side_by_side(lambda: Group.objects.count(), lambda: list(Group.objects.values_list("name")))
    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) == 2
    assert any("COUNT(*)" in sql for sql in statements)
    assert any('"name"' in sql and "COUNT" not in sql for sql in statements)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_closing_the_helpers_closes_their_connections():
    before = connections_to_this_database()
    side_by_side(backend_pid, backend_pid)
    assert connections_to_this_database() == before + 1  # the helper's connection is kept…
    close_helpers()
    # … until closed (the server process of a closed connection leaves pg_stat_activity a moment later)
    for _attempt in range(100):
        if connections_to_this_database() == before:
            break
        time.sleep(0.05)
    assert connections_to_this_database() == before
    assert len(set(side_by_side(backend_pid, backend_pid))) == 2  # and a new helper starts


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_in_a_transaction_opened_by_hand_the_calls_run_in_the_callers_thread():
    from django.db import transaction

    transaction.set_autocommit(False)
    try:
        assert not can_run_side_by_side()
        assert side_by_side(thread_name, thread_name) == [thread_name()] * 2
    finally:
        transaction.rollback()
        transaction.set_autocommit(True)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_helper_reads_alone_and_a_request_that_finds_the_helpers_busy_too():
    def nested():
        return side_by_side(thread_name, thread_name)

    here, (first, second) = side_by_side(thread_name, nested)
    assert first == second != here  # a helper does not ask for helpers (it would wait for itself)
    from core import parallel

    _pool, free = parallel._helpers()
    assert free.acquire(blocking=False)  # the one helper works for another request
    try:
        assert side_by_side(thread_name, thread_name) == [thread_name()] * 2
    finally:
        free.release()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_when_the_callers_part_fails_the_helpers_part_has_ended_before_the_error_is_raised():
    ended = threading.Event()

    def slow():
        threading.Event().wait(0.3)
        ended.set()

    def broken():
        raise LookupError("no such figure")

    with pytest.raises(LookupError):
        side_by_side(broken, slow)
    assert ended.is_set()
