"""Requests per second under gunicorn (issue #17): the project served by gunicorn with 4 workers
on a free loopback port against the bench's database, ``DEBUG`` off, and 4 concurrent users —
Python threads over ``http.client``, each with its own keep-alive connection and the session
cookie of a logged-in user — asking for one page for a few seconds; each page's requests per
second beside those of a minimal logged-in page that renders the base template
(``devtools:minimal``)."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client as HttpClient

WORKERS = 4
USERS = 4
MINIMAL = "minimal page (base template)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(port: int) -> dict[str, str]:
    """The bench's database and secret (the session cookies are signed with it), ``DEBUG`` off
    as in production, plain HTTP on loopback, static files as they are (no collected manifest)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        url = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    environment = {
        **os.environ, "DEBUG": "false", "DEV_TOOLS": "true", "DATABASE_URL": url, "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DASHBOARD_CACHE_SECONDS": str(settings.DASHBOARD_CACHE_SECONDS),
    }
    environment.pop("REDIS_URL", None)  # each worker's own memory cache: no broker needed
    return environment


class Server:
    """gunicorn serving the project on a free loopback port, stopped on exit."""

    def __init__(self, workers: int = WORKERS):
        self.port = free_port()
        self.workers = workers

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "accompaniment.wsgi:application", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "120"],
            cwd=settings.BASE_DIR, env=server_environment(self.port),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError("gunicorn did not start: " + self.process.stderr.read().decode()[-2000:])
            try:
                status, _ = get(self.port, "/health/", "")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise CommandError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def get(port: int, path: str, cookie: str, conn: http.client.HTTPConnection | None = None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status, response
    finally:
        if own:
            conn.close()


def session_cookie(user) -> str:
    http = HttpClient()
    http.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"


def hammer(port: int, path: str, cookies: list[str], seconds: float) -> dict:
    """``len(cookies)`` users asking for ``path`` over and over for ``seconds``: requests per second."""
    counts, errors = [0] * len(cookies), []
    start_line = threading.Barrier(len(cookies) + 1)
    stop = threading.Event()

    def user(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start_line.wait()
        try:
            while not stop.is_set():
                status, _ = get(port, path, cookies[index], conn)
                if status != 200:
                    errors.append(status)
                    return
                counts[index] += 1
        except (OSError, http.client.HTTPException) as error:
            errors.append(repr(error))
        finally:
            conn.close()

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(len(cookies))]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.monotonic()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - began
    if errors:
        raise CommandError(f"{path} under load: {errors[:3]}")
    return {"requests": sum(counts), "rps": round(sum(counts) / elapsed, 1), "elapsed": elapsed}


def throughput(pages: list[tuple[str, str, object]], seconds: float, out, rounds: int = 5) -> list[dict]:
    """Each (name, path, user) page's requests per second with USERS concurrent users (each its own
    session of ``user``) under gunicorn with WORKERS workers, and its share of the minimal page's.

    The pages are loaded side by side, as the bench's timings are: after a short untimed load of
    each (every worker imports, compiles its templates and connects), ``rounds`` rounds load each
    page for ``seconds`` / ``rounds``, the order reversed every other round, so that a burst of
    the shared machine's load falls on a page and the minimal page alike."""
    totals = {name: {"requests": 0, "elapsed": 0.0} for name, _path, _who in pages}
    with Server() as server:
        cookies = {name: [session_cookie(who) for _ in range(USERS)] for name, _path, who in pages}
        out.write(f"Throughput of {len(pages)} pages ({USERS} users, {rounds} rounds of {seconds / rounds:g} s each) …")
        for name, path, _who in pages:
            hammer(server.port, path, cookies[name], min(1.0, seconds / rounds))  # warm-up, not counted
        for round_index in range(rounds):
            order = pages if round_index % 2 == 0 else pages[::-1]
            for name, path, _who in order:
                loaded = hammer(server.port, path, cookies[name], seconds / rounds)
                totals[name]["requests"] += loaded["requests"]
                totals[name]["elapsed"] += loaded["elapsed"]
    rows = [
        {"name": name, "path": path, "requests": totals[name]["requests"],
         "rps": round(totals[name]["requests"] / totals[name]["elapsed"], 1)}
        for name, path, _who in pages
    ]
    minimal = next((row["rps"] for row in rows if row["name"] == MINIMAL), None)
    for row in rows:
        row["share_of_minimal"] = round(row["rps"] / minimal, 2) if minimal else None
    return rows
