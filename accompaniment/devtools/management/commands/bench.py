"""``manage.py bench``: a big club on the configured database, and how fast the pages are on it.

Seeds (or reuses) a club of 50,000 clients with 60,000 memberships, about 1,000,000 visits and
200,000 sales (everything scales with ``--clients``), written with bulk inserts in batches, a
chunk of clients at a time so that memory stays bounded. Then it measures, over ``--runs``
repeated runs through Django's test client (the whole middleware stack, logged in): the client
list (first page and a search), a client card, the Today page of a manager with a big portfolio,
the dashboard for a month and for a year, and the reminder sweep in dry-run mode. For each: the
median and 95th percentile time and the query count. The dashboard's SQL is also captured and
replayed alone through a cursor: page ÷ raw SQL says how much the Python side adds.

Timed runs execute with ``DEBUG`` off in-process (as in production: no SQL logging); queries are
counted on a separate warm-up run. The bench's data are made-up people: it refuses to run with
DEBUG off unless ``--force``.
"""

import contextlib
import datetime
import json
import random
import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import roles
from clients import rules as membership_rules
from clients.models import Client, Freeze, Interaction, Membership, MembershipPlan, Task, Visit
from sales.models import DepartmentExpense, Offer, Product, Sale
from staff.models import Department, Feedback, PayRate, Service, StaffMember, SurveyResponse

EMAIL_DOMAIN = "bench.club"
BATCH = 5000           # rows per INSERT statement
CHUNK = 2000           # clients generated (with all their history) at a time
TARGET_MEDIAN_MS = 300
TARGET_P95_MS = 600
TARGET_RATIO = 1.5

FIRST_NAMES = ["Olena", "Iryna", "Oksana", "Natalia", "Tetiana", "Yulia", "Kateryna", "Mariia",
               "Oleksandr", "Andrii", "Dmytro", "Serhii", "Volodymyr", "Ihor", "Taras", "Yurii"]
LAST_NAMES = ["Kovalenko", "Bondarenko", "Tkachenko", "Shevchenko", "Kravchenko", "Melnyk",
              "Boyko", "Koval", "Oliinyk", "Shevchuk", "Polishchuk", "Lysenko", "Marchenko",
              "Savchenko", "Rudenko", "Moroz", "Pavlenko", "Petrenko", "Kravets", "Honchar"]
DEPARTMENTS = [("fitness", "Fitness"), ("spa", "SPA"), ("cosmetology", "Cosmetology")]
PLANS = [  # name, category, days, visit limit, price
    ("Bench gym, 1 month", "gym", 30, None, 1200),
    ("Bench gym, 3 months", "gym", 91, None, 3200),
    ("Bench all inclusive, 12 months", "all", 365, None, 14500),
    ("Bench SPA, 10 visits", "spa", 90, 10, 3500),
    ("Bench cosmetology course", "cosmetology", 120, 6, 7800),
]
MANAGERS = 10
BIG_PORTFOLIO_SHARE = 0.10  # the first manager's share of the clients: the Today page's case


@contextlib.contextmanager
def auto_now_add_off(*models):
    """Let bulk inserts keep the ``created_at`` we give them (history spread over years)."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


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


class BenchClub:
    """The big club: reference data by natural keys, then clients in chunks with their history."""

    def __init__(self, *, clients: int, seed: int, stdout):
        self.target = clients
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.out = stdout
        self.counts: dict[str, int] = {}

    def say(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    # -- reference data --------------------------------------------------------------------------
    def reference(self) -> None:
        User = get_user_model()
        groups = {name: Group.objects.get(name=name) for name in (roles.DIRECTOR, roles.MANAGER)}
        self.director, _ = User.objects.get_or_create(
            username="bench-director", defaults={"first_name": "Bench", "last_name": "Director", "is_staff": True}
        )
        self.director.groups.add(groups[roles.DIRECTOR])
        self.managers = []
        for n in range(1, MANAGERS + 1):
            manager, _ = User.objects.get_or_create(
                username=f"bench-manager-{n}",
                defaults={"first_name": "Manager", "last_name": f"No. {n}", "is_staff": True},
            )
            manager.groups.add(groups[roles.MANAGER])
            self.managers.append(manager)
        self.departments = {}
        for code, name in DEPARTMENTS:
            self.departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
        self.plans = []
        for name, category, days, visits, price in PLANS:
            plan, _ = MembershipPlan.objects.get_or_create(
                name=name, defaults={"category": category, "duration_days": days, "visit_limit": visits,
                                     "price": Decimal(price), "max_freeze_days": 14},
            )
            self.plans.append(plan)
        self.services, self.products, self.specialists = [], [], []
        for code, department in self.departments.items():
            for k, price in enumerate((350, 600, 900)):
                service, _ = Service.objects.get_or_create(
                    department=department, name=f"Bench {code} service {k + 1}",
                    defaults={"duration_minutes": 60, "price": Decimal(price)},
                )
                self.services.append(service)
            product, _ = Product.objects.get_or_create(
                sku=f"BENCH-{code}", defaults={"name": f"Bench {code} product", "department": department,
                                               "price": Decimal(420)},
            )
            self.products.append(product)
            for k in range(5):
                head = k == 0
                member, created = StaffMember.objects.get_or_create(
                    first_name=f"Bench {code}", last_name=f"Staff {k + 1}",
                    defaults={"role": "manager" if head else "trainer", "department": department,
                              "is_head_of_department": head and not StaffMember.objects.filter(
                                  department=department, is_head_of_department=True).exists(),
                              "hired_on": datetime.date(2022, 1, 1)},
                )
                if created:
                    PayRate.objects.create(staff_member=member, effective_from=datetime.date(2022, 1, 1),
                                           monthly_salary=Decimal(18000 + 1000 * k),
                                           head_rate=Decimal(6000 if head else 0),
                                           profit_share_percent=Decimal(10 if head else 0))
                if not head:
                    self.specialists.append(member)
        if not DepartmentExpense.objects.filter(description="Bench consumables").exists():
            DepartmentExpense.objects.bulk_create(
                DepartmentExpense(department=department, kind="consumables", amount=Decimal(20000),
                                  incurred_on=(self.today.replace(day=1) - datetime.timedelta(days=31 * back)).replace(day=5),
                                  description="Bench consumables")
                for back in range(13) for department in self.departments.values()
            )

    # -- clients and their history -----------------------------------------------------------------
    def existing(self) -> int:
        return Client.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()

    def seed(self) -> None:
        start = self.existing()
        self.counts["clients already there"] = start
        if start >= self.target:
            return
        self.referrers = list(
            Client.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        began = time.monotonic()
        with auto_now_add_off(Client, Membership, Sale, Feedback, SurveyResponse, Interaction, Offer):
            for first in range(start, self.target, CHUNK):
                with transaction.atomic():
                    self._chunk(range(first, min(first + CHUNK, self.target)))
                done = min(first + CHUNK, self.target)
                rate = (done - start) / max(time.monotonic() - began, 0.001)
                self.say(f"  {done:>7} clients … {self.counts.get('visits', 0):>9} visits, "
                         f"{self.counts.get('sales', 0):>7} sales ({rate:.0f} clients/s)")

    def _manager_for(self, index: int):
        share = self.rng.random()
        if share < 0.05:
            return None
        if share < 0.05 + BIG_PORTFOLIO_SHARE:
            return self.managers[0]
        return self.managers[1 + index % (MANAGERS - 1)]

    def _moment(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        """A club-local moment of ``day``, never in the future (today's come before now)."""
        hour = self.rng.randint(7, 21) if hour is None else hour
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, self.rng.choice((0, 15, 30, 45)))))
        return min(moment, self.now - datetime.timedelta(minutes=1))

    def _add(self, name: str, model, rows: list) -> list:
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        return created

    def _chunk(self, indices: range) -> None:
        rng, today = self.rng, self.today
        clients = []
        for i in indices:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            created = self._moment(today - datetime.timedelta(days=rng.randint(0, 3 * 365)))
            clients.append(Client(
                first_name=first, last_name=last, phone=f"+38099{i:07d}", email=f"bench{i}@{EMAIL_DOMAIN}",
                birth_date=datetime.date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28)),
                gender=rng.choice("fm"), source=rng.choice([s for s, _ in Client.Source.choices]),
                assigned_manager=self._manager_for(i), consent_email=rng.random() < 0.8,
                consent_sms=rng.random() < 0.5, created_at=created,
                referred_by_id=rng.choice(self.referrers) if self.referrers and rng.random() < 0.08 else None,
            ))
        clients = self._add("clients", Client, clients)
        if not self.referrers:
            self.referrers = [c.pk for c in clients]

        memberships = []
        for client in clients:
            plan = rng.choice(self.plans)
            bucket = rng.random()
            if bucket < 0.15:
                end = today - datetime.timedelta(days=rng.randint(1, 300))
            elif bucket < 0.25:
                end = today + datetime.timedelta(days=rng.randint(0, 30))
            else:
                end = today + datetime.timedelta(days=rng.randint(31, plan.duration_days + 30))
            start = end - datetime.timedelta(days=plan.duration_days - 1)
            cancelled = rng.random() < 0.02
            memberships.append(Membership(
                client_id=client.pk, plan=plan, card_number=f"BN{client.pk:08d}A", start_date=start, end_date=end,
                visit_limit=plan.visit_limit, visits_used=0, price=plan.price,
                sold_by=client.assigned_manager, created_at=self._moment(min(start, today)),
                status=Membership.Status.CANCELLED if cancelled else Membership.Status.ACTIVE,
                cancelled_on=start if cancelled else None, cancel_reason="Moved away" if cancelled else "",
            ))
            if rng.random() < 0.2:  # an earlier card: renewed within 14 days or after a gap
                previous_end = start - datetime.timedelta(days=rng.choice((1, 1, 3, 7, 14, 15, 30, 60)))
                previous_start = previous_end - datetime.timedelta(days=plan.duration_days - 1)
                memberships.append(Membership(
                    client_id=client.pk, plan=plan, card_number=f"BN{client.pk:08d}B", start_date=previous_start,
                    end_date=previous_end, visit_limit=plan.visit_limit, visits_used=0, price=plan.price,
                    sold_by=client.assigned_manager, created_at=self._moment(previous_start),
                ))
        memberships = self._add("memberships", Membership, memberships)

        freezes, sales, visits = [], [], []
        by_client: dict[int, list[Membership]] = {}
        for m in memberships:
            by_client.setdefault(m.client_id, []).append(m)
            running = membership_rules.is_running(m, today)
            if running and rng.random() < 0.03:
                freezes.append(Freeze(membership_id=m.pk, start_date=today - datetime.timedelta(days=3),
                                      end_date=today + datetime.timedelta(days=4), reason="Business trip"))
            department = self.departments[settings.MEMBERSHIP_CATEGORY_DEPARTMENTS[m.plan.category]]
            sold = self._moment(min(m.start_date, today), 11)
            sales.append(Sale(client_id=m.client_id, department=department, kind=Sale.Kind.MEMBERSHIP,
                              membership_id=m.pk, seller_id=m.sold_by_id, unit_price=m.price, quantity=1,
                              discount=Decimal(0), amount=m.price, sold_at=sold, created_at=sold))
        self._add("freezes", Freeze, freezes)

        for client in clients:
            for _ in range(rng.randint(1, 5)):
                when = self._moment(today - datetime.timedelta(days=rng.randint(0, 364)))
                roll = rng.random()
                if roll < 0.65:
                    service = rng.choice(self.services)
                    discount = Decimal(50) if rng.random() < 0.1 else Decimal(0)
                    sales.append(Sale(client_id=client.pk, department_id=service.department_id, kind=Sale.Kind.SERVICE,
                                      service=service, unit_price=service.price, quantity=1, discount=discount,
                                      amount=service.price - discount, seller_id=client.assigned_manager_id,
                                      sold_at=when, created_at=when))
                elif roll < 0.98:
                    product = rng.choice(self.products)
                    quantity = rng.randint(1, 3)
                    sales.append(Sale(client_id=client.pk, department_id=product.department_id, kind=Sale.Kind.PRODUCT,
                                      product=product, unit_price=product.price, quantity=quantity, discount=Decimal(0),
                                      amount=product.price * quantity, seller_id=client.assigned_manager_id,
                                      sold_at=when, created_at=when))
                else:
                    service = rng.choice(self.services)
                    sales.append(Sale(client_id=client.pk, department_id=service.department_id, kind=Sale.Kind.REFUND,
                                      unit_price=service.price, quantity=1, discount=Decimal(0), amount=-service.price,
                                      sold_at=when, created_at=when, note="Refund"))
        self._add("sales", Sale, sales)
        sales = None

        for client in clients:
            cards = [m for m in by_client.get(client.pk, []) if m.status == Membership.Status.ACTIVE]
            spans = [(m, (min(m.end_date, today) - m.start_date).days + 1) for m in cards]
            spans = [(m, days) for m, days in spans if days > 0]
            if not spans:
                continue
            lapsed = rng.random() < 0.1
            # At most one visit a day, at the client's own pace: 0.5 to 2.5 visits a week
            # (1.5 on average: about 1,000,000 visits for 50,000 clients), spread evenly over
            # the days their cards ran, so that every month has its share.
            pace = rng.uniform(0.08, 0.36)
            for m, days in spans:
                for offset in rng.sample(range(days), min(days, round(days * pace))):
                    day = m.start_date + datetime.timedelta(days=offset)
                    if lapsed and day > today - datetime.timedelta(days=20):
                        continue
                    visits.append(Visit(client_id=client.pk, membership_id=m.pk, checked_in_at=self._moment(day)))
            if len(visits) >= 4 * BATCH:
                self._add("visits", Visit, visits)
                visits = []
        self._add("visits", Visit, visits)

        interactions, tasks, offers, feedback, surveys = [], [], [], [], []
        now = timezone.now()
        for client in clients:
            manager_id = client.assigned_manager_id
            when = max(client.created_at, now - datetime.timedelta(days=400))
            interactions.append(Interaction(client_id=client.pk, manager_id=manager_id, kind=Interaction.Kind.INTRO_VISIT,
                                            direction="in", occurred_at=when, created_at=when,
                                            summary="Intro visit: tour of the club, goals discussed"))
            if rng.random() < 0.02 and manager_id:
                tasks.append(Task(client_id=client.pk, assigned_to_id=manager_id, title="Call about the program",
                                  due_date=today - datetime.timedelta(days=rng.randint(0, 3))))
            if rng.random() < 0.2:
                when = now - datetime.timedelta(hours=rng.randint(1, 365 * 24))
                item = rng.random()
                offers.append(Offer(
                    client_id=client.pk, manager_id=manager_id, offered_at=when, created_at=when,
                    service=rng.choice(self.services) if item < 0.5 else None,
                    product=rng.choice(self.products) if 0.5 <= item < 0.8 else None,
                    plan=rng.choice(self.plans) if item >= 0.8 else None,
                    outcome=rng.choice(["accepted", "declined", "pending", "postponed", "accepted"]),
                ))
            if rng.random() < 0.06:
                when = now - datetime.timedelta(hours=rng.randint(2, 365 * 24))
                kind = rng.choice(["complaint", "thanks", "thanks", "suggestion"])
                status = rng.choice(["new", "relayed", "resolved"] if kind == "complaint" else ["new", "relayed"])
                feedback.append(Feedback(
                    client_id=client.pk, staff_member=rng.choice(self.specialists), kind=kind,
                    rating={"complaint": rng.randint(1, 3), "thanks": 5}.get(kind, 4), text="Bench feedback",
                    received_at=when, created_at=when, status=status,
                    relayed_at=when + datetime.timedelta(hours=3) if status != "new" else None,
                    resolution="Apologised" if status == "resolved" else "",
                    resolved_at=min(when + datetime.timedelta(hours=30), now) if status == "resolved" else None,
                ))
            if rng.random() < 0.1:
                when = now - datetime.timedelta(hours=rng.randint(1, 365 * 24))
                surveys.append(SurveyResponse(client_id=client.pk, staff_member=rng.choice(self.specialists),
                                              score=rng.choice([10, 10, 9, 9, 8, 7, 6, 3]), answered_at=when,
                                              created_at=when))
        self._add("interactions", Interaction, interactions)
        self._add("tasks", Task, tasks)
        self._add("offers", Offer, offers)
        self._add("feedback", Feedback, feedback)
        self._add("survey answers", SurveyResponse, surveys)


class Command(BaseCommand):
    help = (
        "Seed (or reuse) a club of 50,000 clients, 60,000 memberships, ~1,000,000 visits and "
        "~200,000 sales on the configured database, then time the main pages and the reminder "
        "sweep: median, 95th percentile and query count; and the dashboard's raw SQL alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50_000, help="Clients in the club (default 50000).")
        parser.add_argument("--runs", type=int, default=5, help="Timed runs of each measurement (default 5).")
        parser.add_argument("--json", dest="json_path", help="Also write the results as JSON to this file.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed of the generated club.")
        parser.add_argument("--skip-sweep", action="store_true", help="Leave out the reminder sweep.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, clients, runs, json_path, seed, skip_sweep, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "bench adds tens of thousands of made-up clients to the database and refuses to run "
                "with DEBUG off. Point DATABASE_URL at a scratch database and set DEBUG=true, or use "
                "--force if this really is a benchmark installation."
            )
        if clients < 100 or clients > 1_000_000:
            raise CommandError("--clients must be between 100 and 1000000.")
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        started = time.monotonic()
        club = BenchClub(clients=clients, seed=seed, stdout=self.stdout)
        self.stdout.write(f"Database: {connection.vendor} ({connection.settings_dict.get('NAME')})")
        club.reference()
        club.seed()
        seeded = time.monotonic() - started
        if club.counts.get("clients"):
            self.stdout.write("Updating the planner's statistics …")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        totals = {
            "clients": Client.objects.count(), "memberships": Membership.objects.count(),
            "visits": Visit.objects.count(), "sales": Sale.objects.count(),
            "feedback": Feedback.objects.count(), "survey answers": SurveyResponse.objects.count(),
            "offers": Offer.objects.count(),
        }
        self.stdout.write(
            f"Seeded in {seeded:.0f} s; the database holds "
            + ", ".join(f"{value:,} {name}" for name, value in totals.items())
        )
        results = self.measure(club, runs, skip_sweep)
        report = {
            "database": connection.vendor, "runs": runs, "seed_seconds": round(seeded, 1),
            "rows": totals, "results": results["rows"], "raw_sql": results["raw_sql"],
            "slowest_dashboard_queries": results["slowest"],
            "targets": {"median_ms": TARGET_MEDIAN_MS, "p95_ms": TARGET_P95_MS, "page_to_sql_ratio": TARGET_RATIO},
        }
        self.print_table(report)
        if json_path:
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump(report, handle, indent=2, default=str)
            self.stdout.write(f"JSON written to {json_path}")

    # -- measuring --------------------------------------------------------------------------------
    def time_runs(self, action, runs: int) -> tuple[list[float], list[dict]]:
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

    def measure(self, club: BenchClub, runs: int, skip_sweep: bool) -> dict:
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
            from accompaniment.reminders import reminders_sweep

            cases.append(("reminder sweep (dry run)", lambda: reminders_sweep(on=club.today, dry_run=True)))
        rows, captured_sql, raw_rows, slowest = [], {}, [], []
        for name, action in cases:
            self.stdout.write(f"Measuring {name} …")
            times, queries = self.time_runs(action, runs)
            rows.append(self.summary(name, times, len(queries)))
            if name.startswith("dashboard") and not name.endswith("cached"):
                captured_sql[name] = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        for name, statements in captured_sql.items():
            per_statement: dict[int, list[float]] = {}

            def replay(statements=statements, per_statement=per_statement):
                with connection.cursor() as cursor:
                    for index, sql in enumerate(statements):
                        began = time.perf_counter()
                        cursor.execute(sql)
                        cursor.fetchall()
                        per_statement.setdefault(index, []).append((time.perf_counter() - began) * 1000)

            times, _ = self.time_runs(replay, runs)
            raw = self.summary(f"{name}: raw SQL", times, len(statements))
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

    @staticmethod
    def summary(name: str, times: list[float], queries: int) -> dict:
        median, p95 = statistics.median(times), percentile(times, 0.95)
        return {
            "name": name, "median_ms": round(median, 1), "p95_ms": round(p95, 1), "queries": queries,
            "runs_ms": [round(t, 1) for t in times],
            "meets_target": median < TARGET_MEDIAN_MS and p95 < TARGET_P95_MS,
        }

    def print_table(self, report: dict) -> None:
        line = f"{'':<34} {'median ms':>10} {'p95 ms':>9} {'queries':>8}  target"
        self.stdout.write("")
        self.stdout.write(f"{report['database']}, {report['runs']} runs each; target median < "
                          f"{TARGET_MEDIAN_MS} ms, p95 < {TARGET_P95_MS} ms")
        self.stdout.write(line)
        self.stdout.write("-" * len(line))
        for row in report["results"]:
            self.stdout.write(f"{row['name']:<34} {row['median_ms']:>10.1f} {row['p95_ms']:>9.1f} "
                              f"{row['queries']:>8}  {'ok' if row['meets_target'] else 'MISSED'}")
        for row in report["raw_sql"]:
            ratio = row["ratio"]
            verdict = "ok" if ratio is not None and ratio < TARGET_RATIO else "MISSED"
            self.stdout.write(f"{row['name']:<34} {row['median_ms']:>10.1f} {row['p95_ms']:>9.1f} "
                              f"{row['queries']:>8}  page ÷ SQL = {ratio} ({verdict}, target < {TARGET_RATIO})")
        for block in report["slowest_dashboard_queries"]:
            self.stdout.write("")
            self.stdout.write(f"Slowest statements of {block['page']} (median ms):")
            for statement in block["statements"]:
                self.stdout.write(f"  {statement['median_ms']:>8.1f}  {statement['sql'][:150]}")
