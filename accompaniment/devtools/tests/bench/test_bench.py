"""``manage.py bench`` (``accompaniment.devtools.bench``): a small club seeded the bench's way
keeps the product's rules, and every page is timed on it."""

import datetime
import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from clients import rules
from clients.models import Membership, Notification, Task, Visit
from programs.models import Program, Session
from sales.models import Sale
from sales.services import department_for_plan
from staff.models import Feedback, Room, SurveyResponse
from staff.nps import is_detractor

pytestmark = pytest.mark.django_db


def test_the_bench_seeds_a_club_that_keeps_the_rules_and_times_every_page(tmp_path):
    report_file = tmp_path / "bench.json"
    out = StringIO()
    call_command("bench", "--force", "--clients", "300", "--small", "150", "--runs", "1", "--throughput", "0",
                 "--memberships", "450", "--json", str(report_file), stdout=out)
    report = json.loads(report_file.read_text())
    # Measured at two sizes side by side, each case's query count the same at both (the sweep's too).
    assert [size["clients"] for size in report["sizes"]] == [150, 300]
    assert report["unequal_counts"] == []
    assert "150 clients" in out.getvalue() and "p95 ÷ client card p95" in out.getvalue()
    names = [row["name"] for row in report["results"]]
    calendar = ["week calendar, a department"] if calendar_feed() else []
    assert names == [
        "client list", "client search", "client card", "today (big portfolio)", "dashboard, month",
        "dashboard, year", "dashboard, month, cached", "dashboard, year, cached", *calendar,
        "slot proposal, 16 sessions", "reminder sweep (dry run)", "sweep, quarter's 1st day (dry)",
        "import 300 rows: preview", "import 300 rows: confirm",
        "import 300 rows: preview + confirm", "import floor: bulk insert + history", "import ÷ floor",
    ]
    if not calendar:
        assert "the week calendar is not measured" in out.getvalue()
    assert all(row["queries"] > 0 and len(row["runs_ms"]) == 1 for row in report["results"] if "ratio" not in row)
    assert [row["name"] for row in report["raw_sql"]] == ["dashboard, month: raw SQL", "dashboard, year: raw SQL"]
    assert report["rows"]["clients"] == 300

    # The schedule: a year of sessions of 40 specialists in 15 rooms, none overlapping another of
    # its specialist, its client or its room for one; the slot proposal rolled back.
    sessions = list(Session.objects.values_list("specialist_id", "client_id", "room_id", "room_exclusive",
                                                "scheduled_at", "busy_until", "ends_at"))
    assert Session.objects.values("specialist").distinct().count() == 40
    assert Room.objects.filter(name__startswith="Bench ").count() == 15
    assert len(sessions) > 10_000
    assert_no_overlap(sessions)
    assert not Program.objects.filter(name="Bench proposal").exists()

    # The real sweep where the club holds --memberships memberships, each run rolled back.
    sweeps = report["sweeps"]
    assert sweeps["memberships"] >= 450 and Membership.objects.count() == sweeps["memberships"]
    assert [row["name"] for row in sweeps["results"]] == [
        "sweep, today (real)", "sweep, normal day (real)", "sweep, quarter's 1st day (real)"]
    today, eve, quarter_first = (datetime.date.fromisoformat(row["day"]) for row in sweeps["results"])
    assert today == timezone.localdate() and quarter_first.day == 1 and quarter_first.month in (1, 4, 7, 10)
    assert eve == quarter_first - datetime.timedelta(days=1) and today <= eve
    assert sweeps["results"][0]["rows_written"] > 0 and sweeps["results"][2]["rows_written"] > 0
    # The day before today swept for real and kept, then every day from today to the quarter's
    # eve (exclusive), as the daily pipeline leaves a club; the timed runs rolled back.
    assert "for real (kept: the daily pipeline's day before)" in out.getvalue()
    assert f"Sweeping {today} to {eve - datetime.timedelta(days=1)} for real, kept" in out.getvalue()
    assert Notification.objects.count() == sweeps["outbox_rows"] > 0
    assert not Task.objects.filter(due_date__gte=eve).exists()
    assert {row["name"] for row in report["targets_met"]} >= {
        "slot proposal, 16 sessions: p95 ms", "sweep: quarter's 1st day ÷ normal day", "sweep: the same query count, dry", "sweep: query count, real",
        "sweep: each p95 s"}
    assert "Targets:" in out.getvalue() and "The real sweep at" in out.getvalue()
    # The import's target is preview + confirm ÷ the floor: the table's own ratio
    import_target = next(row for row in report["targets_met"] if row["name"] == "import ÷ its floor (median)")
    assert import_target["value"] == next(row["ratio"] for row in report["results"] if row["name"] == "import ÷ floor")

    # Each card: its row in the ledger as membership_sell writes it; its visits counted, on days
    # the check-in rule allows.
    cards = Membership.objects.select_related("plan").prefetch_related("freezes").in_bulk()
    ledger = {sale.membership_id: sale for sale in Sale.objects.filter(kind=Sale.Kind.MEMBERSHIP)}
    assert set(ledger) == set(cards)
    visits = Counter(Visit.objects.values_list("membership_id", flat=True))
    assert any(card.freezes.all() for card in cards.values())
    for card in cards.values():
        sale = ledger[card.pk]
        assert (sale.department, sale.note, sale.amount) == (department_for_plan(card.plan), card.card_number, card.price)
        assert card.visits_used == visits[card.pk] <= (card.visit_limit or visits[card.pk])
    for visit in Visit.objects.select_related("membership"):
        card = cards[visit.membership_id]
        day = timezone.localdate(visit.checked_in_at)
        assert card.start_date <= day <= card.end_date
        assert not any(rules.freeze_covers(freeze, day) for freeze in card.freezes.all())
    # A detractor's survey answer is a complaint.
    detractors = [answer for answer in SurveyResponse.objects.all() if is_detractor(answer.score)]
    complaints = set(Feedback.objects.filter(channel=Feedback.Channel.SURVEY).values_list("client_id", "received_at"))
    assert detractors and all((a.client_id, a.answered_at) in complaints for a in detractors)


def calendar_feed() -> bool:
    try:
        reverse("programs:calendar-events")
    except NoReverseMatch:
        return False
    return True


def assert_no_overlap(sessions) -> None:
    """No two sessions of a specialist, of a client, or in a room for one overlap."""
    def clashes(key, rows, end):
        rows = sorted(rows, key=lambda r: (key(r), r[4]))
        return [(a, b) for a, b in zip(rows, rows[1:]) if key(a) == key(b) and key(a) is not None and b[4] < end(a)]

    assert not clashes(lambda r: r[0], sessions, lambda r: r[5])
    assert not clashes(lambda r: r[1], sessions, lambda r: r[6])
    assert not clashes(lambda r: r[2], [r for r in sessions if r[3]], lambda r: r[5])


def test_the_bench_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run"):
        call_command("bench", "--clients", "300", stdout=StringIO())
    assert not Membership.objects.exists()


def test_the_pages_are_timed_side_by_side_round_by_round_after_one_warm_up_each():
    from accompaniment.devtools.bench.measure import time_interleaved
    from clients.models import Client

    calls = []

    def case(name):
        def run():
            calls.append(name)
            Client.objects.count()  # one query, captured on the warm-up only
        return run

    timed = time_interleaved({"card": case("card"), "dashboard": case("dashboard"), "today": case("today")}, runs=3)
    warm_ups, rounds = calls[:3], calls[3:]
    assert warm_ups == ["card", "dashboard", "today"]
    # A round times each case once, the order reversed every other round: whatever load the
    # machine has during a round falls on every case of it.
    assert rounds == ["card", "dashboard", "today", "today", "dashboard", "card", "card", "dashboard", "today"]
    assert {name: (len(times), len(queries)) for name, (times, queries) in timed.items()} == {
        "card": (3, 1), "dashboard": (3, 1), "today": (3, 1)}
