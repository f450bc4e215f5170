"""``manage.py bench``: a big club on the configured database, and how fast the pages are on it
(``accompaniment.devtools.bench``).

Seeds (or reuses) a club of 50,000 clients with 60,000 memberships, about 1,000,000 visits and
200,000 sales (everything scales with ``--clients``), written with bulk inserts in batches, a
chunk of clients at a time so that memory stays bounded. Then it measures, over ``--runs``
repeated runs through Django's test client (the whole middleware stack, logged in): the client
list (first page and a search), a client card, the Today page of a manager with a big portfolio,
the dashboard for a month and for a year, the schedule's cases (a year of sessions of 40
specialists in 15 rooms, ``bench/schedule.py``: a department's week calendar once its feed
exists, the slot proposal for a 16-session program) and the reminder sweep in dry-run mode. For
each: the median and 95th percentile time and the query count. The dashboard's SQL is also
captured and replayed alone through a cursor: page ÷ raw SQL says how much the Python side adds.
At the full size, requests per second under gunicorn (``bench/throughput.py``); then, the club
grown to ``--memberships``, the real sweep in rolled-back runs: today, then, every day up to the
next quarter's eve swept and kept as the daily pipeline would, that eve (a normal day) and the
quarter's first day side by side (``measure.real_sweeps``).

It measures twice: once the club has ``--small`` clients (default half), after ``VACUUM ANALYZE``
on PostgreSQL, and again at the full size; the table shows both side by side, with each case's
query count (which must not grow with the data: the command fails when it does) and the issue's
targets as ratios to the client card's p95 in the same run (the machine is shared and noisy).

Timed runs execute with ``DEBUG`` off in-process (as in production: no SQL logging); queries are
counted on a separate warm-up run. The bench's data are made-up people: it refuses to run with
DEBUG off unless ``--force``.
"""

import json
import math
import os
import platform
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse

from accompaniment.devtools.bench.club import BIG_PORTFOLIO, BenchClub
from accompaniment.devtools.bench.measure import (
    TARGET_MEDIAN_MS,
    TARGET_P95_MS,
    TARGET_RATIO,
    card_client,
    measure,
    print_table,
    ratios,
    real_sweeps,
    targets,
    unequal_counts,
)
from accompaniment.devtools.bench.schedule import seed_schedule
from accompaniment.devtools.bench.throughput import MINIMAL, throughput
from clients.models import Client, Membership, Visit
from sales.models import Offer, Sale
from staff.models import Feedback, SurveyResponse


class Command(BaseCommand):
    help = (
        "Seed (or reuse) a club of 50,000 clients, 60,000 memberships, ~1,000,000 visits and "
        "~200,000 sales on the configured database, measuring on the way at a smaller size "
        "(--small) and again at the full size: median, 95th percentile and query count of the main "
        "pages and the reminder sweep side by side (query counts must be equal), the targets as "
        "ratios to the client card in the same run, and the dashboard's raw SQL alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50_000, help="Clients in the club (default 50000).")
        parser.add_argument("--small", type=int, help="The first, smaller size measured (default: half of --clients).")
        parser.add_argument("--portfolio", type=int, default=BIG_PORTFOLIO,
                            help="Clients of the first manager at the full size (Today's case; default 5000).")
        parser.add_argument("--runs", type=int, default=5, help="Timed runs of each measurement (default 5).")
        parser.add_argument("--json", dest="json_path", help="Also write the results as JSON to this file.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed of the generated club.")
        parser.add_argument("--skip-sweep", action="store_true", help="Leave out the reminder sweep.")
        parser.add_argument("--memberships", type=int, default=100_000,
                            help="After the full size, grow the club to this many memberships and time the real "
                                 "sweep there (default 100000; 0: not at all). The club stays that big.")
        parser.add_argument("--throughput", type=float, default=30, metavar="SECONDS",
                            help="Seconds each page is asked for under gunicorn (4 workers, 4 users) at the full "
                                 "size (default 30; 0: not measured).")
        parser.add_argument("--skip-schedule", action="store_true",
                            help="Leave out the schedule (a year of sessions) and its cases.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, clients, small, portfolio, runs, json_path, seed, skip_sweep, force, memberships,
               throughput, skip_schedule, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "bench adds tens of thousands of made-up clients to the database and refuses to run "
                "with DEBUG off. Point DATABASE_URL at a scratch database and set DEBUG=true, or use "
                "--force if this really is a benchmark installation."
            )
        if clients < 100 or clients > 1_000_000:
            raise CommandError("--clients must be between 100 and 1000000.")
        small = clients // 2 if small is None else small
        if not 50 <= small < clients:
            raise CommandError("--small must be at least 50 and below --clients.")
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        club = BenchClub(clients=clients, seed=seed, stdout=self.stdout, portfolio=portfolio)
        self.stdout.write(f"Database: {connection.vendor} ({connection.settings_dict.get('NAME')})")
        club.reference()
        sizes = []
        for size in (small, clients):
            started = time.monotonic()
            club.seed(upto=size)
            if not skip_schedule:
                written = seed_schedule(club)
                if written:
                    self.stdout.write(f"  the schedule: {written:,} sessions of 40 specialists in 15 rooms over a year")
            seeded = time.monotonic() - started
            self.stdout.write(f"{club.tidy()} …")
            totals = self.totals()
            self.stdout.write(
                f"Seeded in {seeded:.0f} s; the database holds "
                + ", ".join(f"{value:,} {name}" for name, value in totals.items())
            )
            results = measure(club, runs, skip_sweep, self.stdout, schedule=not skip_schedule)
            sizes.append({
                "clients": totals["clients"], "rows": totals, "seed_seconds": round(seeded, 1),
                "portfolio": Client.objects.filter(assigned_manager=club.managers[0]).count(),
                "results": results["rows"], "raw_sql": results["raw_sql"], "slowest": results["slowest"],
            })
        loaded = self.throughput(club, throughput) if throughput > 0 else []
        sweeps = self.sweeps(club, memberships, runs, skip_sweep)
        report = {
            "database": connection.vendor, "runs": runs, "throughput": loaded, "sweeps": sweeps,
            "targets_met": [],
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                       f"{database_version()}",
            "sizes": sizes, "rows": sizes[-1]["rows"], "results": sizes[-1]["results"],
            "raw_sql": sizes[-1]["raw_sql"], "ratios": ratios(sizes[-1]["results"]),
            "unequal_counts": unequal_counts(sizes),
            "targets": {"median_ms": TARGET_MEDIAN_MS, "p95_ms": TARGET_P95_MS, "page_to_sql_ratio": TARGET_RATIO},
        }
        report["targets_met"] = targets(report)
        print_table(report, self.stdout)
        if json_path:
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump(report, handle, indent=2, default=str)
            self.stdout.write(f"JSON written to {json_path}")
        if report["unequal_counts"]:
            raise CommandError("Query counts differ between the sizes: " + ", ".join(report["unequal_counts"]))

    def throughput(self, club, seconds: float) -> list[dict]:
        """Requests per second of the main pages and of the minimal page, under gunicorn."""
        card = card_client(club)
        pages = [
            ("client list", reverse("clients:list"), club.director),
            ("client card", reverse("client-card", args=[card.pk]), club.director),
            ("today (big portfolio)", reverse("home"), club.managers[0]),
            ("dashboard, month", reverse("dashboard"), club.director),
            (MINIMAL, reverse("devtools:minimal"), club.director),
        ]
        return throughput(pages, seconds, self.stdout)

    def sweeps(self, club, memberships: int, runs: int, skip_sweep: bool) -> dict | None:
        """The real sweep once the club holds ``memberships`` memberships (grown with more clients
        at the club's own ratio of memberships to clients)."""
        if skip_sweep or memberships <= 0:
            return None
        have = Membership.objects.count()
        if have < memberships:
            while have < memberships:  # the ratio is the random club's: grow until there
                needed = math.ceil(club.existing() * memberships / max(have, 1)) + 1
                self.stdout.write(f"Growing the club to {needed:,} clients for {memberships:,} memberships …")
                club.seed(upto=needed)
                have = Membership.objects.count()
            self.stdout.write(f"{club.tidy()} …")
        totals = self.totals()
        self.stdout.write(f"The sweep's club: {totals['clients']:,} clients, {totals['memberships']:,} memberships")
        results, kept = real_sweeps(club, runs, self.stdout)
        return {"clients": totals["clients"], "memberships": totals["memberships"], "results": results,
                "outbox_rows": kept}

    @staticmethod
    def totals() -> dict[str, int]:
        return {
            "clients": Client.objects.count(), "memberships": Membership.objects.count(),
            "visits": Visit.objects.count(), "sales": Sale.objects.count(),
            "feedback": Feedback.objects.count(), "survey answers": SurveyResponse.objects.count(),
            "offers": Offer.objects.count(),
        }


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"
