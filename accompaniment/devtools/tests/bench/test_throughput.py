"""The bench's requests per second under gunicorn (``accompaniment/devtools/bench/throughput.py``):
gunicorn started on a free loopback port against the test database, 4 logged-in users for a
short while on each page, the client list's share of the minimal page's requests printed and
checked. PostgreSQL only: gunicorn's workers are other processes, which see committed rows of a
database on disk (SQLite's test database is in memory)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn's workers need a database on disk: PostgreSQL"),
    # Four gunicorn workers and four users keep both cores busy for ten seconds: beside the
    # tests that time a real Celery worker over Redis they starved it (a webhook's message was
    # not stored within 30 s once in CI). In the Redis tests' group they run one after another.
    pytest.mark.xdist_group("redis"),
]


def test_each_page_is_asked_for_by_four_users_under_gunicorn_beside_the_minimal_page(tmp_path):
    report_file = tmp_path / "bench.json"
    out = StringIO()
    call_command("bench", "--force", "--clients", "200", "--small", "100", "--runs", "1", "--throughput", "2",
                 "--memberships", "0", "--skip-schedule", "--json", str(report_file), stdout=out)
    report = json.loads(report_file.read_text())
    rows = {row["name"]: row for row in report["throughput"]}
    assert set(rows) == {"client list", "client card", "today (big portfolio)", "dashboard, month",
                         "minimal page (base template)"}
    assert all(row["requests"] > 0 and row["rps"] > 0 for row in rows.values())
    assert rows["minimal page (base template)"]["share_of_minimal"] == 1.0
    assert any(row["name"] == "client list rps ÷ minimal page rps" for row in report["targets_met"])
    assert "Under gunicorn (4 workers, 4 concurrent users, loopback)" in out.getvalue()

