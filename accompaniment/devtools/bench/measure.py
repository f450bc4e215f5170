"""Timing the bench's pages: each through Django's test client (the whole middleware stack,
logged in) over repeated runs with ``DEBUG`` off, its queries counted on a warm-up run, and
the dashboard's SQL replayed alone through a cursor."""

import contextlib
import datetime
import statistics
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from clients.models import Client, Notification

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


def warm_up(action) -> list[dict]:
    """One untimed run of ``action``: the SQL it runs."""
    reset_queries()  # a request resets the log: start the capture from an empty one
    with CaptureQueriesContext(connection) as captured:
        action()
    return list(captured.captured_queries)  # before the next request resets the log


def time_runs(action, runs: int) -> tuple[list[float], list[dict]]:
    """One warm-up run with its SQL captured, then ``runs`` timed runs without logging."""
    return time_interleaved({"action": action}, runs)["action"]


def time_interleaved(actions: dict, runs: int, out=None) -> dict[str, tuple[list[float], list[dict]]]:
    """Each of ``actions`` (name: a callable) run once with its SQL captured, in their order,
    then ``runs`` rounds of one timed run of each, without logging — the order reversed every
    other round, as the real sweeps' days are timed: a burst of the shared machine's load falls
    on the cases that are compared (a page and the card) alike, instead of on whichever case
    happened to be running then. Per name: the times and the captured queries."""
    queries = {}
    for name, action in actions.items():
        if out is not None:
            out.write(f"Measuring {name} …")
        queries[name] = warm_up(action)
    times: dict[str, list[float]] = {name: [] for name in actions}
    names = list(actions)
    with debug_off():
        for run in range(runs):
            for name in names if run % 2 == 0 else names[::-1]:
                began = time.perf_counter()
                actions[name]()
                times[name].append((time.perf_counter() - began) * 1000)
    return {name: (times[name], queries[name]) for name in actions}

def measure(club, runs: int, skip_sweep: bool, out, *, schedule: bool = True) -> dict:
    """Each case's times and queries, and the dashboard's SQL replayed alone."""
    director, big = HttpClient(), HttpClient()
    director.force_login(club.director)
    big.force_login(club.managers[0])
    card = card_client(club)

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
    if schedule:
        cases += schedule_cases(club, director, out)
    if not skip_sweep:
        from core import reminders

        from staff.reminders import quarter_bounds

        quarter_first, _days = quarter_bounds(club.today)
        cases.append(("reminder sweep (dry run)", lambda: reminders.sweep(on=club.today, dry_run=True)))
        cases.append(("sweep, quarter's 1st day (dry)", lambda: reminders.sweep(on=quarter_first, dry_run=True)))
    rows, captured_sql, raw_rows, slowest = [], {}, [], []
    timed = time_interleaved(dict(cases), runs, out)
    out.write(f"  timed: {runs} rounds of one run of each case above, the order reversed every other round")
    for name, (times, queries) in timed.items():
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

def card_client(club):
    """The client whose card is measured: the first bench client with visits."""
    card = Client.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", visits__isnull=False).order_by("pk").first()
    return card or Client.objects.order_by("pk").first()


def schedule_cases(club, director, out) -> list:
    """Issue #14's cases on the bench's schedule: a department's week calendar (the JSON feed
    ``programs:calendar-events``, measured once it exists) and the slot proposal for a
    16-session program (planned, then rolled back)."""
    from .schedule import slot_proposal

    cases = [("slot proposal, 16 sessions", slot_proposal(club))]
    try:
        feed = reverse("programs:calendar-events")
    except NoReverseMatch:
        out.write("Note: no programs:calendar-events URL yet (the calendar's branch): the week calendar is not measured.")
        return cases
    monday = club.today - datetime.timedelta(days=club.today.weekday())
    query = urlencode({"start": monday.isoformat(), "end": (monday + datetime.timedelta(days=7)).isoformat(),
                       "by": "specialists", "department": club.departments["spa"].pk})

    def week():
        response = director.get(f"{feed}?{query}", secure=True)
        if response.status_code != 200:
            raise CommandError(f"{feed}?{query} answered {response.status_code}")

    return [("week calendar, a department", week), *cases]


class RolledBack(Exception):
    pass


SWEEP_TODAY = "sweep, today (real)"
SWEEP_NORMAL = "sweep, normal day (real)"
SWEEP_QUARTER = "sweep, quarter's 1st day (real)"


def real_sweeps(club, runs: int, out) -> tuple[list[dict], int]:
    """The reminder sweep for real (writing the outbox's and the task list's rows), each timed
    run in a transaction rolled back after it, so that every run finds the same club:

    - today, once the day before has been swept for real and kept (otherwise today's sweep
      would catch up with the quarter's surveys of every day before);
    - then, as the daily pipeline leaves a living club, every day from today to the one two
      days before the next quarter's first day swept for real and kept, and the last two days
      side by side, run by run alternately (so that the machine's load falls on both alike):
      the quarter's eve (a normal day) and the quarter's first day, its eve swept first in
      the same rolled-back transaction (untimed).
    """
    from staff.reminders import quarter_bounds

    quarter_first, days = quarter_bounds(club.today)
    next_quarter = quarter_first + datetime.timedelta(days=days)
    eve = next_quarter - datetime.timedelta(days=1)
    yesterday = club.today - datetime.timedelta(days=1)
    if not Notification.objects.filter(created_at__date__gte=club.today - datetime.timedelta(days=2)).exists():
        out.write(f"Sweeping {yesterday} for real (kept: the daily pipeline's day before) …")
        keep_sweep(yesterday, out)
    rows = []
    out.write(f"Measuring {SWEEP_TODAY} …")
    rows.append(sweep_row(SWEEP_TODAY, club.today, *time_sweeps({SWEEP_TODAY: (club.today, None)}, runs)[SWEEP_TODAY]))
    ahead = (eve - club.today).days
    out.write(f"Sweeping {club.today} to {eve - datetime.timedelta(days=1)} for real, kept "
              f"({ahead} days: the daily pipeline up to the quarter's eve) …")
    for offset in range(ahead):
        keep_sweep(club.today + datetime.timedelta(days=offset), out)
    kept = Notification.objects.count()  # the outbox the timed runs find (and leave)
    out.write(f"Measuring {SWEEP_NORMAL} ({eve}) and {SWEEP_QUARTER} ({next_quarter}), alternately …")
    timed = time_sweeps({SWEEP_NORMAL: (eve, None), SWEEP_QUARTER: (next_quarter, eve)}, runs)
    rows += [sweep_row(SWEEP_NORMAL, eve, *timed[SWEEP_NORMAL]), sweep_row(SWEEP_QUARTER, next_quarter, *timed[SWEEP_QUARTER])]
    return rows, kept


def keep_sweep(day: datetime.date, out) -> int:
    """Sweep ``day`` for real and keep what it writes (the daily pipeline's day)."""
    from core import reminders

    began = time.perf_counter()
    written = sum(reminders.sweep(on=day).values())
    out.write(f"  {day}: {written:,} rows written in {time.perf_counter() - began:.1f} s")
    out.flush()
    return written


def time_sweeps(cases: dict[str, tuple], runs: int) -> dict[str, tuple]:
    """Each case ``name: (day, eve)`` — the real sweep of ``day``, after ``eve``'s (untimed, when
    given) in the same transaction, all rolled back — run once with its SQL captured, then
    ``runs`` times, the cases alternating run by run (their order too). Per case: the times,
    the queries of the timed sweep alone and the rows it wrote by producer."""
    from core import reminders

    def once(day, before, capture=False):
        try:
            with transaction.atomic():
                if before is not None:
                    reminders.sweep(on=before)
                reset_queries()
                with CaptureQueriesContext(connection) if capture else contextlib.nullcontext() as captured:
                    began = time.perf_counter()
                    written = reminders.sweep(on=day)
                    elapsed = (time.perf_counter() - began) * 1000
                raise RolledBack(elapsed, written, len(captured.captured_queries) if capture else None)
        except RolledBack as done:
            return done.args

    results = {name: ([], *once(day, before, capture=True)[1:]) for name, (day, before) in cases.items()}
    names = list(cases)
    with debug_off():
        for run in range(runs):
            for name in names if run % 2 == 0 else names[::-1]:
                results[name][0].append(once(*cases[name])[0])
    return {name: (times, queries, written) for name, (times, written, queries) in results.items()}


def sweep_row(name: str, day: datetime.date, times: list[float], queries: int, written: dict[str, int]) -> dict:
    row = summary(name, times, queries)
    row["day"] = day.isoformat()
    row["rows_written"] = sum(written.values())
    row["writers"] = sorted(producer for producer, n in written.items() if n)
    return row


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


SCHEDULE_P95_MS = 300  # issue #14: the week calendar and the slot proposal
SWEEP_SECONDS, SWEEP_RATIO = 10, 1.5  # each real sweep < 10 s; a quarter's first day ≤ 1.5 × a normal day
IMPORT_RATIO = 1.5  # preview + confirm ÷ the floor (the import's case, when it is in the table)
THROUGHPUT_SHARE = 0.5  # the client list's requests per second ÷ the minimal page's


def targets(report: dict) -> list[dict]:
    """The issues' targets that are not ratios to the card (those: ``ratios``), each with its
    value and whether it is met."""
    rows = report["results"]
    by_name = {row["name"]: row for row in rows}
    out = []
    for name in ("week calendar, a department", "slot proposal, 16 sessions"):
        if name in by_name:
            p95 = by_name[name]["p95_ms"]
            out.append({"name": f"{name}: p95 ms", "value": p95, "limit": f"< {SCHEDULE_P95_MS}",
                        "ok": p95 < SCHEDULE_P95_MS and name not in report["unequal_counts"]})
    floor = next((row for row in rows if "import" in row["name"] and "floor" in row["name"]), None)
    imported = next((row for row in rows if row["name"].endswith("preview + confirm")), None)
    if floor and imported and floor["median_ms"]:
        value = round(imported["median_ms"] / floor["median_ms"], 2)
        out.append({"name": "import ÷ its floor (median)", "value": value, "limit": f"≤ {IMPORT_RATIO}",
                    "ok": value <= IMPORT_RATIO})
    sweeps = {row["name"]: row for row in (report.get("sweeps") or {}).get("results") or []}
    if SWEEP_NORMAL in sweeps and SWEEP_QUARTER in sweeps:
        normal, quarter = sweeps[SWEEP_NORMAL], sweeps[SWEEP_QUARTER]
        value = round(quarter["median_ms"] / normal["median_ms"], 2) if normal["median_ms"] else None
        out.append({"name": "sweep: quarter's 1st day ÷ normal day", "value": value, "limit": f"≤ {SWEEP_RATIO}",
                    "ok": value is not None and value <= SWEEP_RATIO})
        # Reading and checking cost the same any day (the dry runs); writing adds up to three
        # statements (a lock, links, the rows) per producer that writes on one of the days only,
        # whatever the number of its rows.
        dry = [by_name.get(name) for name in ("reminder sweep (dry run)", "sweep, quarter's 1st day (dry)")]
        if all(dry):
            out.append({"name": "sweep: the same query count, dry", "value": f"{dry[0]['queries']} and {dry[1]['queries']}",
                        "limit": "equal", "ok": dry[0]["queries"] == dry[1]["queries"]})
        out.append({"name": "sweep: query count, real", "value": f"{normal['queries']} and {quarter['queries']}",
                    "limit": "+ writes per producer", "ok": abs(normal["queries"] - quarter["queries"]) <= 3 * len(
                        set(normal["writers"]) ^ set(quarter["writers"]))})
        slowest = max(row["p95_ms"] for row in sweeps.values()) / 1000
        out.append({"name": "sweep: each p95 s", "value": round(slowest, 2), "limit": f"< {SWEEP_SECONDS}",
                    "ok": slowest < SWEEP_SECONDS})
    loaded = {row["name"]: row for row in report.get("throughput") or []}
    if "client list" in loaded and loaded["client list"]["share_of_minimal"] is not None:
        value = loaded["client list"]["share_of_minimal"]
        out.append({"name": "client list rps ÷ minimal page rps", "value": value, "limit": f"≥ {THROUGHPUT_SHARE}",
                    "ok": value >= THROUGHPUT_SHARE})
    return out


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
    sweeps = report.get("sweeps")
    if sweeps:
        out.write("")
        out.write(f"The real sweep at {sweeps['memberships']:,} memberships ({sweeps['clients']:,} clients; "
                  "every day before the one timed swept and kept, as the daily pipeline leaves it), "
                  "each run rolled back:")
        for row in sweeps["results"]:
            out.write(f"  {row['name']:<32} median {row['median_ms']:>9.1f} ms, p95 {row['p95_ms']:>9.1f} ms, "
                      f"{row['queries']} queries, {row['rows_written']:,} rows written ({row['day']})")
    if report.get("throughput"):
        out.write("")
        out.write("Under gunicorn (4 workers, 4 concurrent users, loopback), requests per second:")
        for row in report["throughput"]:
            out.write(f"  {row['name']:<32} {row['rps']:>8.1f} rps  ({row['share_of_minimal']:.0%} of the minimal page)")
    if report.get("targets_met"):
        out.write("")
        out.write("Targets:")
        for row in report["targets_met"]:
            out.write(f"  {row['name']:<40} {row['value']!s:>10}  ({'ok' if row['ok'] else 'MISSED'}, target {row['limit']})")
    for block in big["slowest"]:
        out.write("")
        out.write(f"Slowest statements of {block['page']} (median ms):")
        for statement in block["statements"]:
            out.write(f"  {statement['median_ms']:>8.1f}  {statement['sql'][:150]}")
