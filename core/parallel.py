"""Independent reads of one page run side by side, each on its own database connection.

A page made of a few independent statements of tens of milliseconds each (the dashboard's
at-risk set beside its headline figures, the at-risk section of a manager's Today beside the
others) answers sooner when the database works on two of them at once: PostgreSQL runs each
connection in its own process, on its own core. The total work is the same — under many
concurrent users this gains nothing — but one user waits less.

``side_by_side`` does it only where it is safe: on PostgreSQL, with ``PARALLEL_READS`` > 1,
outside a transaction (a transaction's uncommitted rows are invisible to another connection,
so inside one — the tests' transactions among them — the calls run one after another in the
caller's thread, with the same results), not from a helper itself, and while a helper is free
(under a threaded server, a request that finds every helper busy reads alone rather than wait).
The helper gets the caller's language and time zone, nothing else of the request: its calls only
read through the same selectors as when run alone, and neither write nor build addresses.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.utils import timezone, translation

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_free: threading.BoundedSemaphore | None = None  # helpers not working for a caller now
_in_helper = threading.local()


def _helpers() -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
    """The process's helper threads, created on first use (``PARALLEL_READS`` − 1 of them); each
    keeps its own connection, closed when it grows older than ``CONN_MAX_AGE`` or unusable, as a
    request's would be."""
    global _pool, _free
    with _lock:
        if _pool is None:
            workers = settings.PARALLEL_READS - 1
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parallel-reads")
            _free = threading.BoundedSemaphore(workers)
        return _pool, _free


def close_helpers() -> None:
    """Close the helper threads' connections and stop the threads (a new pool starts on the
    next use): before a test database is dropped, which PostgreSQL refuses while a connection
    to it is open. Each thread closes its own (a connection belongs to its thread); at a
    process's exit the helper threads end with it."""
    global _pool, _free
    with _lock:
        pool, _pool, _free = _pool, None, None
    if pool is None:
        return
    workers = pool._max_workers
    every_thread = threading.Barrier(workers)  # each task holds its thread until all have one

    def close_own():
        try:
            every_thread.wait(timeout=30)
        finally:
            connections.close_all()

    for _ in range(workers):
        pool.submit(close_own)
    pool.shutdown(wait=True)


def can_run_side_by_side(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when ``side_by_side`` may use other connections (see the module's docstring)."""
    connection = connections[using]
    return (
        settings.PARALLEL_READS > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and connection.get_autocommit()  # not in a transaction opened by set_autocommit(False)
        and not getattr(_in_helper, "active", False)
    )


def side_by_side(*calls: Callable[[], object], using: str = DEFAULT_DB_ALIAS) -> list:
    """The results of ``calls`` (functions without arguments that only read), in their order.
    The first runs in the caller's thread; the others, when ``can_run_side_by_side`` and a
    helper is free for each, on helper threads with their own connections, in the caller's
    language and time zone. An exception raised by a call is raised here, once every call has
    ended (nothing is left running for a request that failed). The statements a helper ran are
    added to the caller's connection's log when it keeps one (``DEBUG``, the tests' and the
    bench's query counts), so that a page's statements are counted wherever they ran."""
    if len(calls) < 2 or not can_run_side_by_side(using):
        return [call() for call in calls]
    pool, free = _helpers()
    taken = 0
    while taken < len(calls) - 1 and free.acquire(blocking=False):
        taken += 1
    if not taken:  # every helper works for another request (a threaded server): read alone
        return [call() for call in calls]
    caller = connections[using]
    logged = caller.queries_logged
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def helper(call):
        _in_helper.active = True
        close_old_connections()  # as at a request's start: a connection past its age or broken goes
        connection = connections[using]
        connection.force_debug_cursor = logged
        connection.queries_log.clear()  # the helper's own log: only this call's statements
        try:
            with translation.override(language), timezone.override(zone):
                result = call()
            return result, list(connection.queries_log) if logged else []
        finally:
            connection.force_debug_cursor = False
            close_old_connections()
            _in_helper.active = False

    # The last ``taken`` calls go to the helpers; the others run here, one after another.
    futures = [pool.submit(helper, call) for call in calls[len(calls) - taken:]]
    try:
        here = [call() for call in calls[:len(calls) - taken]]
    finally:
        wait(futures)
        for _ in range(taken):
            free.release()
    results = []
    for future in futures:
        result, statements = future.result()
        caller.queries_log.extend(statements)
        results.append(result)
    return here + results
