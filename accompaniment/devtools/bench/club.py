"""The bench's big club: reference data matched by natural keys, then clients in chunks with
their history (``history.py``), each chunk in one transaction so that memory stays bounded."""

import contextlib
import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from clients.models import Client, Interaction, Membership, MembershipPlan
from core import rollups
from core import roles
from sales.models import DepartmentExpense, Offer, Product, Sale
from sales.services import department_for_plan
from staff.models import Department, Feedback, PayRate, Service, StaffMember, SurveyResponse

from . import history
from .history import EMAIL_DOMAIN

BATCH = 5000           # rows per INSERT statement
CHUNK = 2000           # clients generated (with all their history) at a time
DEPARTMENTS = [("fitness", "Fitness"), ("spa", "SPA"), ("cosmetology", "Cosmetology")]
PLANS = [  # name, category, department, days, visit limit, price
    ("Bench gym, 1 month", "gym", "fitness", 30, None, 1200),
    ("Bench gym, 3 months", "gym", "fitness", 91, None, 3200),
    ("Bench all inclusive, 12 months", "all", "fitness", 365, None, 14500),
    ("Bench SPA, 10 visits", "spa", "spa", 90, 10, 3500),
    ("Bench cosmetology course", "cosmetology", "cosmetology", 120, 6, 7800),
]
MANAGERS = 10
BIG_PORTFOLIO = 5000  # the first manager's clients at the bench's full size: the Today page's case


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


class BenchClub:
    """The big club: reference data by natural keys, then clients in chunks with their history."""

    def __init__(self, *, clients: int, seed: int, stdout, portfolio: int = BIG_PORTFOLIO):
        self.target = clients
        # The first manager's share, so that they hold ``portfolio`` clients at the full size
        # (and the same share of a smaller club measured on the way).
        self.portfolio_share = min(0.9, portfolio / clients)
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
        for name, category, department, days, visits, price in PLANS:
            plan, _ = MembershipPlan.objects.get_or_create(
                name=name, defaults={"category": category, "department_code": department, "duration_days": days,
                                     "visit_limit": visits, "price": Decimal(price), "max_freeze_days": 14},
            )
            self.plans.append(plan)
        # Where each plan's cards are booked in the ledger: the selling service's rule.
        self.plan_departments = {plan.pk: department_for_plan(plan) for plan in self.plans}
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

    def seed(self, upto: int | None = None) -> None:
        """Clients (with their history) up to ``upto`` (default: the full size)."""
        target = self.target if upto is None else upto
        start = self.existing()
        self.counts["clients already there"] = start
        if start >= target:
            return
        self.referrers = list(
            Client.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        began = time.monotonic()
        # A bulk load: the rollups' (and followers') triggers off while seeding, the rollups recomputed after
        # (``core.rollups.rebuild``, set-based, which installs the triggers again).
        rollups.uninstall([rollup.name for rollup in rollups.everything()])
        try:
            with auto_now_add_off(Client, Membership, Sale, Feedback, SurveyResponse, Interaction, Offer):
                for first in range(start, target, CHUNK):
                    with transaction.atomic():
                        history.write_chunk(self, range(first, min(first + CHUNK, target)))
                    done = min(first + CHUNK, target)
                    rate = (done - start) / max(time.monotonic() - began, 0.001)
                    self.say(f"  {done:>7} clients … {self.counts.get('visits', 0):>9} visits, "
                             f"{self.counts.get('sales', 0):>7} sales ({rate:.0f} clients/s)")
        finally:
            began = time.monotonic()
            rows = rollups.rebuild()
            self.say(f"  rollups rebuilt in {time.monotonic() - began:.1f} s ({sum(rows.values()):,} rows)")

    def tidy(self) -> str:
        """The planner's statistics after seeding; on PostgreSQL ``VACUUM ANALYZE`` too (the
        visibility map makes index-only scans possible). VACUUM cannot run inside a transaction:
        within one (a test) only ANALYZE runs. Returns what ran."""
        statement = "ANALYZE"
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            statement = "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        return statement

    def manager_for(self, index: int):
        share = self.rng.random()
        if share < 0.05:
            return None
        if share < 0.05 + self.portfolio_share:
            return self.managers[0]
        return self.managers[1 + index % (MANAGERS - 1)]

    def moment(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        """A club-local moment of ``day``, never in the future (today's come before now)."""
        hour = self.rng.randint(7, 21) if hour is None else hour
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, self.rng.choice((0, 15, 30, 45)))))
        return min(moment, self.now - datetime.timedelta(minutes=1))

    def add(self, name: str, model, rows: list) -> list:
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        return created
