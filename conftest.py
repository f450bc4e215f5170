"""Project-wide test fixtures: roles, users per role, services that are really running."""

import contextlib
import os

import pytest
from django.contrib.auth.models import Group

from accompaniment.celery import app as celery_app
from core import roles
from core.capabilities import admin_site_roles


def service_url_or_skip(name: str) -> str:
    """The service's URL when the run has it; otherwise skip the test with a visible reason.

    A URL that is set but whose service cannot be reached is a failure, not a skip: the test
    itself connects and fails loudly.
    """
    url = os.environ.get(name, "")
    if not url:
        pytest.skip(f"{name} is not set: this test needs the real service (see .ci/run)")
    return url


def environment_for_other_processes(**extra) -> dict:
    """The environment of a separate process (a worker, a command) run by a test: the product's
    own settings in their development defaults — not the test run's (in-memory e-mail, eager
    tasks) — on this run's test database unless ``extra`` says otherwise."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "EMAIL_URL")}
    env.update(DJANGO_SETTINGS_MODULE="accompaniment.settings", DEBUG="true")
    env.update(extra)
    return env


def database_url_for_other_processes() -> str:
    """The URL of this run's test database, for a separate process (a worker, a command)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    return f"sqlite:///{settings['NAME']}"


class SharedDatabase:
    """The test database as another process sees it (`url`). PostgreSQL is shared as it is. An
    in-memory SQLite test database cannot be: `publish()` copies it to a file for the other
    process, `take_back()` copies the file back over it (SQLite's backup API), so that the test
    reads what the other process wrote."""

    def __init__(self, directory):
        from django.db import connection

        self.connection = connection
        self.copied = connection.vendor == "sqlite" and connection.is_in_memory_db()
        self.file = os.path.join(directory, "shared.sqlite3")
        self.url = f"sqlite:///{self.file}" if self.copied else database_url_for_other_processes()

    def publish(self):
        if self.copied:
            import sqlite3

            self.connection.ensure_connection()
            with contextlib.closing(sqlite3.connect(self.file)) as target:
                self.connection.connection.backup(target)

    def take_back(self):
        if self.copied:
            import sqlite3

            with contextlib.closing(sqlite3.connect(self.file)) as source:
                source.backup(self.connection.connection)

    def rows(self, sql: str) -> list[tuple]:
        """Rows as the other process left them (read directly, even while it runs)."""
        if self.copied:
            import sqlite3

            with contextlib.closing(sqlite3.connect(self.file, timeout=20)) as database:
                return database.execute(sql).fetchall()
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """The test database, shared with a separate process (see SharedDatabase)."""
    return SharedDatabase(tmp_path)


def at_the_same_moment(function, times: int = 2) -> tuple[list, list]:
    """Run `function` in `times` threads released together (each with its own database
    connection, closed after); returns what they returned and what they raised."""
    import threading

    from django.db import connections

    barrier, results, errors = threading.Barrier(times), [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(function())
        except Exception as error:  # noqa: BLE001 - handed to the test to assert on
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def pytest_collection_modifyitems(config, items):
    """In a parallel run (pytest-xdist) the tests with a real Celery worker over Redis would share
    one broker queue, and a worker started by one test could take another's task to the wrong test
    database: they form one group that runs on one xdist worker, one after another
    (``--dist loadgroup``, as ``make test`` runs the suite)."""
    for item in items:
        if item.get_closest_marker("redis"):
            item.add_marker(pytest.mark.xdist_group("redis"))


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    """A transactional test flushes and recreates content types with new ids; forget the
    cached ones so that generic relations (the outbox's related object) stay valid."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _helper_connections_closed():
    """A page read side by side (``core.parallel``, PostgreSQL outside a transaction) leaves its
    helper thread's connection open; close it after the test, before PostgreSQL is asked to
    drop the test database (which it refuses while a connection to it is open)."""
    yield
    from core.parallel import close_helpers

    close_helpers()


@pytest.fixture(autouse=True)
def _the_clubs_language():
    """Each test starts in the club's language: a request (LocaleMiddleware) leaves the language
    it chose active in its thread, and the next test's direct calls would speak it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _real_celery_for_redis_tests(request):
    """Tasks run in-process (settings_test); a test marked `redis` sends them to a real worker."""
    if not request.node.get_closest_marker("redis"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
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
            if not Group.objects.filter(name=role).exists():
                # A transactional test flushed the groups the roles migration made.
                from django.apps import apps

                from core.capabilities import sync_roles

                sync_roles(apps)
            user.groups.add(Group.objects.get(name=role))
            if role in admin_site_roles():
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


# --- Real-browser tests ---------------------------------------------------------------------
# Playwright drives Debian's Chromium (never a browser downloaded by a test tool). Its sync API
# runs an event loop in this thread: settings_test tells Django's async-safety check it is fine.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "var", "screenshots")


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser tab (laptop-sized) against the live test server; `.goto("/path")` works."""
    yield from _browser_tab(chromium, live_server, viewport={"width": 1366, "height": 900})


@pytest.fixture
def tablet_page(chromium, live_server):
    """A fresh tab of a touch tablet held landscape (1024 × 768, touch events, no mouse hover)."""
    yield from _browser_tab(chromium, live_server, viewport={"width": 1024, "height": 768}, has_touch=True,
                            is_mobile=True, device_scale_factor=2)


def _browser_tab(chromium, live_server, **options):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    context = chromium.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(15_000)
    # Every breach of the content security policy is collected, from the browser's own event.
    context.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
        "e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    page.csp_violations = lambda: page.evaluate("window.__cspViolations || []")
    yield page
    context.close()


def screenshot(page, name: str) -> str:
    """The page as a full-page PNG under SCREENSHOTS (for people to look at; no test reads it).
    Chromium now and then cannot capture a page that was just resized on a busy machine ("Unable
    to capture screenshot"): it is asked once more after a moment."""
    from playwright.sync_api import Error

    path = os.path.join(SCREENSHOTS, f"{name}.png")
    try:
        page.screenshot(path=path, full_page=True)
    except Error as error:
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(500)
        page.screenshot(path=path, full_page=True)
    return path


def log_in(page, username: str, password: str = "pass-12345-word") -> None:
    """Log in through the login form, as a person would (any earlier session is dropped)."""
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def _dashboard_cache_for_its_tests(request):
    """The dashboard computes its figures anew in tests (settings_test); a test about the cache
    itself (marked ``dashboard_cache``) has it keep them as long as in production."""
    if request.node.get_closest_marker("dashboard_cache"):
        from accompaniment import settings as production_defaults

        settings = request.getfixturevalue("settings")
        settings.DASHBOARD_CACHE_SECONDS = production_defaults.DASHBOARD_CACHE_SECONDS
