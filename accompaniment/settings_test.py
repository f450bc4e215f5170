"""Settings of the test run (``pytest.ini`` points here): the base settings read from the
environment as ``make run`` reads them, then what the tests need instead.

Django's test runner runs every test with ``DEBUG`` off whatever the settings say; the
environment's ``DEBUG=true`` here only picks the development defaults that the test client and
the browser tests rely on (a development secret key, local host names, no redirect to HTTPS,
plain cookies). Production's defaults are tested in processes of their own
(``accompaniment/tests/settings/test_environment.py``).
"""

import os

# Before the base settings read the environment (a variable already set wins):
os.environ.setdefault("DEBUG", "true")
# The demo club and the bench are tested too (the development tools app).
os.environ.setdefault("DEV_TOOLS", "true")
# Playwright's sync API runs an event loop in the test thread, next to the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

# Hashing the test users' passwords with PBKDF2 would cost a third of a second each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# E-mails stay in memory (django.core.mail.outbox); a test of SMTP switches to its own server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process, also with REDIS_URL set; tests marked `redis` use a real worker.
CELERY_TASK_ALWAYS_EAGER = True
# Each test builds its own club: the dashboard computes its figures anew (tests of the cache
# itself are marked `dashboard_cache`).
DASHBOARD_CACHE_SECONDS = 0
# Off: each test's rolled-back writes would bring the months' versions back to values an earlier
# test kept figures under (the tests of accompaniment/dashboard/closed.py turn it on).
DASHBOARD_CLOSED_CACHE_SECONDS = 0
# In a parallel run (pytest-xdist) each worker has its own test database (pytest-django names
# it test_<name>_gw0, _gw1…); a cache shared by the workers (Redis) gets a prefix per worker too.
if "KEY_PREFIX" in CACHES["default"] and os.environ.get("PYTEST_XDIST_WORKER"):  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] += "-" + os.environ["PYTEST_XDIST_WORKER"]  # noqa: F405
# Under live_server, manifest static storage serves hashed names that 404: plain static files.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A test's chosen day sees every member asked for the quarterly survey; the tests of the spread
# over the quarter turn it on.
SURVEY_SPREAD_OVER_QUARTER = False
