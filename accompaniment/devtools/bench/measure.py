"""Timing the bench's pages: each through Django's test client (the whole middleware stack,
logged in) over repeated runs with ``DEBUG`` off, its queries counted on a warm-up run, and
the dashboard's SQL replayed alone through a cursor."""

import contextlib
import statistics
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, reset_queries
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client

from . import import_case
from .history import EMAIL_DOMAIN

TARGET_MEDIAN_MS = 300
TARGET_P95_MS = 600
TARGET_RATIO = 1.3  # a page computed anew ÷ its raw SQL alone


@contextlib.contextmanager
def debug_off():
    """Time like production: no SQL logging (the settings module was already evaluated)."""
    previous = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = previous


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def time_runs(action, runs: int) -> tuple[list[float], list[dict]]:
    """One warm-up run with its SQL captured, then ``runs`` timed runs without logging."""
    reset_queries()  # a request resets the log: start the capture from an empty one
    with CaptureQueriesContext(connection) as captured:
        action()
    queries = list(captured.captured_queries)  # before the next request resets the log
    times = []
    with debug_off():
        for _ in range(runs):
            began = time.perf_counter()
            action()
            times.append((time.perf_counter() - began) * 1000)
    return times, queries

def measure(club, runs: int, skip_sweep: bool, out) -> dict:
    """Each case's times and queries, and the dashboard's SQL replayed alone."""
    director, big = HttpClient(), HttpClient()
    director.force_login(club.director)
    big.force_login(club.managers[0])
    card = Client.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", visits__isnull=False).order_by("pk").first()
    if card is None:
        card = Client.objects.order_by("pk").first()

    def page(http, url):
        def get():
            response = http.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        return get

    dashboard = reverse("dashboard")
    cases = [
        ("client list", page(director, reverse("clients:list"))),
        ("client search", page(director, reverse("clients:list") + "?q=shevch")),
        ("client card", page(director, reverse("client-card", args=[card.pk]))),
        ("today (big portfolio)", page(big, reverse("home"))),
        # ?refresh=1 computes the figures anew (what the first look of the day costs); then
        # the same page again within DASHBOARD_CACHE_SECONDS, read from the cache.
        ("dashboard, month", page(director, dashboard + "?refresh=1")),
        ("dashboard, year", page(director, dashboard + "?period=last_12_months&refresh=1")),
        ("dashboard, month, cached", page(director, dashboard)),
        ("dashboard, year, cached", page(director, dashboard + "?period=last_12_months")),
    ]
    if not skip_sweep:
        from core import reminders

        from staff.reminders import quarter_bounds

        quarter_first, _days = quarter_bounds(club.today)
        cases.append(("reminder sweep (dry run)", lambda: reminders.sweep(on=club.today, dry_run=True)))
        cases.append(("sweep, quarter's 1st day (dry)", lambda: reminders.sweep(on=quarter_first, dry_run=True)))
    rows, captured_sql, raw_rows, slowest = [], {}, [], []
    for name, action in cases:
        out.write(f"Measuring {name} …")
        times, queries = time_runs(action, runs)
        rows.append(summary(name, times, len(queries)))
        if name.startswith("dashboard") and not name.endswith("cached"):
            captured_sql[name] = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    rows += import_case.measure_import(min(import_case.IMPORT_ROWS, club.target), runs, out)
    for name, statements in captured_sql.items():
        per_statement: dict[int, list[float]] = {}

        def replay(statements=statements, per_statement=per_statement):
            with connection.cursor() as cursor:
                for index, sql in enumerate(statements):
                    began = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    per_statement.setdefault(index, []).append((time.perf_counter() - began) * 1000)

        times, _ = time_runs(replay, runs)
        raw = summary(f"{name}: raw SQL", times, len(statements))
        page_row = next(row for row in rows if row["name"] == name)
        raw["ratio"] = round(page_row["median_ms"] / raw["median_ms"], 2) if raw["median_ms"] else None
        raw_rows.append(raw)
        ranked = sorted(per_statement.items(), key=lambda item: -statistics.median(item[1]))[:5]
        slowest.append({
            "page": name,
            "statements": [
                {"median_ms": round(statistics.median(ms), 1), "sql": statements[index][:300]}
                for index, ms in ranked
            ],
        })
    return {"rows": rows, "raw_sql": raw_rows, "slowest": slowest}

def summary(name: str, times: list[float], queries: int) -> dict:
    median, p95 = statistics.median(times), percentile(times, 0.95)
    return {
        "name": name, "median_ms": round(median, 1), "p95_ms": round(p95, 1), "queries": queries,
        "runs_ms": [round(t, 1) for t in times],
        "meets_target": median < TARGET_MEDIAN_MS and p95 < TARGET_P95_MS,
    }


# The targets as ratios to the client card's p95 in the same run (the machine is shared).
CARD = "client card"
CARD_RATIOS = {"dashboard, month": 3.0, "dashboard, year": 3.0, "today (big portfolio)": 1.5, "client search": 1.5}


def ratios(rows: list[dict]) -> list[dict]:
    """Each targeted page's p95 ÷ the client card's p95, measured in the same run."""
    by_name = {row["name"]: row for row in rows}
    card = by_name.get(CARD)
    out = []
    for name, limit in CARD_RATIOS.items():
        if card and name in by_name and card["p95_ms"]:
            value = round(by_name[name]["p95_ms"] / card["p95_ms"], 2)
            out.append({"name": name, "ratio": value, "limit": limit, "ok": value <= limit})
    return out


def unequal_counts(sizes: list[dict]) -> list[str]:
    """The cases whose query count differs between the data sizes."""
    first, *others = sizes
    return [
        row["name"] for i, row in enumerate(first["results"])
        if any(other["results"][i]["queries"] != row["queries"] for other in others)
    ]


def print_table(report: dict, out) -> None:
    sizes = report["sizes"]
    head = f"{'':<30}" + "".join(
        f" | {size['clients']:>7,} clients: {'median':>7} {'p95':>7} {'queries':>7}" for size in sizes
    )
    out.write("")
    out.write(f"{report['database']}, {report['runs']} runs each (ms); {report['machine']}")
    out.write(head)
    out.write("-" * len(head))
    unequal = set(report["unequal_counts"])
    for i, row in enumerate(sizes[0]["results"]):
        cells = "".join(
            f" | {'':>16}{size['results'][i]['median_ms']:>7.1f} {size['results'][i]['p95_ms']:>7.1f} "
            f"{size['results'][i]['queries']:>7}" for size in sizes
        )
        out.write(f"{row['name']:<30}{cells}{'  queries UNEQUAL' if row['name'] in unequal else ''}")
    big = sizes[-1]
    out.write("")
    out.write(f"At {big['clients']:,} clients (the first manager holds {big['portfolio']:,}):")
    for row in ratios(big["results"]):
        out.write(f"  {row['name']:<28} p95 ÷ client card p95 = {row['ratio']:>5}  "
                  f"({'ok' if row['ok'] else 'MISSED'}, target ≤ {row['limit']})")
    for row in big["raw_sql"]:
        ratio = row["ratio"]
        verdict = "ok" if ratio is not None and ratio <= TARGET_RATIO else "MISSED"
        out.write(f"  {row['name']:<28} median {row['median_ms']:.1f} ms in {row['queries']} statements; "
                  f"page ÷ SQL = {ratio} ({verdict}, target ≤ {TARGET_RATIO})")
    for block in big["slowest"]:
        out.write("")
        out.write(f"Slowest statements of {block['page']} (median ms):")
        for statement in block["statements"]:
            out.write(f"  {statement['median_ms']:>8.1f}  {statement['sql'][:150]}")
