"""Seeding the demo club: reference data by natural keys, then clients with their history.

Idempotency:

* reference data (health flags, departments, services, staff and pay rates, plans, templates,
  products, upsell policies, promotions, assessments, expenses, demo users) is looked up by
  natural key and created only when missing; existing rows are never changed;
* clients are **topped up**: demo clients are recognised by their e-mail domain
  (``DEMO_EMAIL_DOMAIN``); when there are fewer than asked for, the missing ones are created with
  their whole history (``history.py``), otherwise none. Running the command twice adds nothing.

Randomness comes from ``random.Random`` seeded with ``--seed`` (and, for clients, the number of
demo clients already there): the same database, seed and day give the same club.
"""

import datetime
import gc
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core import roles
from core.capabilities import admin_site_roles
from clients.models import Client, Contraindication, MembershipPlan
from programs.models import ProgramTemplate, ProgramTemplateItem
from sales.models import DepartmentExpense, Product, Promotion, UpsellPolicy
from sales.stages import stages_refresh
from staff.models import (
    DEFAULT_TOOL,
    Competency,
    CompetencyAssessment,
    CompetencyScore,
    Department,
    PayRate,
    Service,
    StaffMember,
)

from accompaniment.dashboard.period import add_months
from . import catalog, people
from .catalog import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from .history import ClientHistory
from .classes import book_classes, write_classes
from .schedule import write_schedule

MAX_CLIENTS = 200_000


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


class DemoClub:
    """``DemoClub(clients=200, seed=2026).run()`` seeds the club; returns counts of what it made."""

    def __init__(self, *, clients: int = 200, seed: int = 2026):
        if not 0 <= clients <= MAX_CLIENTS:
            raise ValueError(f"clients must be between 0 and {MAX_CLIENTS}")
        self.target = clients
        self.seed = seed
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.created: dict[str, int] = defaultdict(int)
        self.existing_clients = 0
        self.rng = random.Random(f"{seed}:reference")

    def run(self) -> dict[str, int]:
        # Hundreds of thousands of short-lived objects: the cyclic garbage collector would rescan
        # them again and again (a quarter of the time at 50,000 clients). Nothing here makes cycles
        # that must be freed before the end.
        collecting = gc.isenabled()
        gc.disable()
        # With DEBUG on (the command's normal case) Django keeps every statement's SQL in memory
        # and, on SQLite, quotes each parameter again to do so: a tenth of the time of a big
        # seed. These statements are not worth keeping; plain cursors for this run only.
        connection.make_debug_cursor = connection.make_cursor
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # JIT-compiling the stage rule's big CASE costs seconds; plain execution, a
                    # fraction of one. For this transaction only.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL jit = off")
                self._users()
                self._reference()
                self._staff()
                write_schedule(self)
                write_classes(self)
                self._offerings()
                self._extras()
                new_clients = self._clients()
                book_classes(self)
                # The stored relationship stage, by the one rule in sales.stages (in chunks: a
                # query has a limited number of parameters).
                for start in range(0, len(new_clients), 5000):
                    chunk = Client.objects.filter(pk__in=new_clients[start:start + 5000])
                    self.created["client stages set"] += stages_refresh(self.today, clients=chunk)
        finally:
            del connection.make_debug_cursor
            if collecting:
                gc.enable()
        return dict(self.created)

    def _clients(self) -> list[int]:
        """Top the demo clients up to the number asked for; returns the new clients' pks."""
        demo = Client.objects.filter(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")
        self.existing_clients = demo.count()
        missing = self.target - self.existing_clients
        if missing <= 0:
            return []
        return ClientHistory(self, missing=missing).run()

    # -- helpers ------------------------------------------------------------------------------
    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def bulk(self, model, rows, label: str, batch_size: int = 2000):
        if rows:
            model.objects.bulk_create(rows, batch_size=batch_size)
            self.created[label] += len(rows)
        return rows

    def _get_or_create(self, model, label: str, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.created[label] += 1
        return obj, created

    # -- users and reference data -------------------------------------------------------------
    def _users(self):
        User = get_user_model()
        if Group.objects.filter(name__in=roles.ROLES).count() < len(roles.ROLES):
            # The roles migration makes the groups; a flushed test database has lost them.
            from django.apps import apps

            from core.capabilities import sync_roles

            sync_roles(apps)
        groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
        self.users = {}
        password = None  # hashed once: hashing is slow on purpose
        for username, first, last, role in catalog.DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username, first_name=first, last_name=last,
                    email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                    is_superuser=role is None,
                    # The director and the front desk work in the admin site too.
                    is_staff=role is None or role in admin_site_roles(),
                )
                password = password or make_password(DEMO_PASSWORD)
                user.password = password
                user.save()
                if role:
                    user.groups.add(groups[role])
                self.created["demo users"] += 1
            self.users[username] = user
        self.managers = [self.users[name] for name in catalog.MANAGER_USERNAMES]
        self.frontdesk = self.users["frontdesk"]

    def _coded(self, model, rows, label: str) -> dict:
        """Rows of (code, name, description), matched by code or name, created when missing."""
        found = {}
        for code, name, description in rows:
            row = model.objects.filter(Q(code=code) | Q(name=name)).first()
            if row is None:
                row = model.objects.create(code=code, name=name, description=description)
                self.created[label] += 1
            found[code] = row
        return found

    def _reference(self):
        self.flags = self._coded(Contraindication, catalog.CONTRAINDICATIONS, "contraindication flags")
        self.departments = self._coded(Department, catalog.DEPARTMENTS, "departments")
        self.services = {}
        for code, rows in catalog.SERVICES.items():
            for name, kind, minutes, price, flags, benefits, drawbacks in rows:
                service, created = self._get_or_create(
                    Service, "services", department=self.departments[code], name=name,
                    defaults={"kind": kind, "duration_minutes": minutes, "price": _money(price),
                              "benefits": benefits, "drawbacks": drawbacks},
                )
                if created:
                    service.contraindications.set([self.flags[flag] for flag in flags])
                self.services[name] = service
        flags_of = defaultdict(set)
        through = Service.contraindications.through
        for service_id, flag_id in through.objects.filter(
            service__in=self.services.values()
        ).values_list("service_id", "contraindication_id"):
            flags_of[service_id].add(flag_id)
        code_of = {flag.pk: code for code, flag in self.flags.items()}
        self.service_flags = {
            service_id: {code_of[flag_id] for flag_id in ids if flag_id in code_of}
            for service_id, ids in flags_of.items()
        }

    def _staff(self):
        self.staff = {}
        for (key, username, first, last, role, department_code, head, position, hired_on, salary,
             head_rate, share, bio, services) in catalog.STAFF:
            email = f"{key}@{DEMO_EMAIL_DOMAIN}"
            member = StaffMember.objects.filter(email=email).first()
            if member is None:
                user = self.users.get(username) if username else None
                if user is not None and StaffMember.objects.filter(user=user).exists():
                    user = None  # this login already has a staff record of its own
                department = self.departments.get(department_code)
                if head and StaffMember.objects.filter(
                    department=department, is_head_of_department=True
                ).exists():
                    head = False  # the block already has a head
                member = StaffMember.objects.create(
                    user=user, first_name=first, last_name=last, role=role, department=department,
                    is_head_of_department=head, position=position, email=email, hired_on=hired_on,
                    phone=f"+380{self.rng.choice(people.MOBILE_CODES)}{self.rng.randrange(10**7):07d}",
                    bio=bio,
                )
                member.services.set([self.services[name] for name in services])
                self.created["staff members"] += 1
            if not member.pay_rates.exists():
                PayRate.objects.create(
                    staff_member=member,
                    effective_from=member.hired_on or catalog.PAY_RATES_FROM,
                    monthly_salary=_money(salary), head_rate=_money(head_rate),
                    profit_share_percent=_money(share),
                )
                self.created["pay rates"] += 1
            self.staff[key] = member
        self.specialists = [m for m in self.staff.values() if m.role in StaffMember.SPECIALIST_ROLES]
        trainer = self.users["trainer"]
        self.trainer_member = next((m for m in self.specialists if m.user_id == trainer.pk), None)
        # Who delivers each service: program sessions and feedback go to them.
        by_pk = {member.pk: member for member in self.specialists}
        self.deliverers = defaultdict(list)
        for member_id, service_id in StaffMember.services.through.objects.filter(
            staffmember_id__in=by_pk
        ).values_list("staffmember_id", "service_id"):
            self.deliverers[service_id].append(by_pk[member_id])

    def _offerings(self):
        self.plans = []
        for name, category, department, days, visits, price, freeze, reminders, description in catalog.PLANS:
            plan, _ = self._get_or_create(
                MembershipPlan, "membership plans", name=name,
                defaults={"category": category, "department_code": department, "duration_days": days,
                          "visit_limit": visits,
                          "price": _money(price), "max_freeze_days": freeze,
                          "expiry_reminder_days": reminders, "description": description},
            )
            self.plans.append(plan)
        self.templates = []
        for name, department, weeks, goal, items in catalog.TEMPLATES:
            template, created = self._get_or_create(
                ProgramTemplate, "program templates", name=name,
                defaults={"department": self.departments[department], "duration_weeks": weeks,
                          "goal": goal},
            )
            if created:
                ProgramTemplateItem.objects.bulk_create(
                    ProgramTemplateItem(template=template, service=self.services[service],
                                        sessions_count=count, sessions_per_week=per_week,
                                        position=position, notes=note)
                    for position, (service, count, per_week, note) in enumerate(items)
                )
            self.templates.append(template)
        self.template_items = defaultdict(list)
        for item in ProgramTemplateItem.objects.filter(template__in=self.templates).select_related("service"):
            self.template_items[item.template_id].append(item)
        self.products = []
        for sku, name, department, price, stock in catalog.PRODUCTS:
            product, _ = self._get_or_create(
                Product, "products", sku=sku,
                defaults={"name": name, "department": self.departments[department],
                          "price": _money(price), "stock": stock},
            )
            self.products.append(product)
        for stage, offers, wait, notes in catalog.UPSELL_POLICIES:
            self._get_or_create(
                UpsellPolicy, "upsell policies", stage=stage,
                defaults={"max_offers_per_30_days": offers, "min_days_after_decline": wait, "notes": notes},
            )

    def _extras(self):
        """Promotions, competency assessments and the blocks' expenses (each made once)."""
        today = self.today
        month_end = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        spa_week, created = self._get_or_create(
            Promotion, "promotions", name="Тиждень SPA: −15% на ритуали",
            defaults={"starts_on": today - datetime.timedelta(days=3), "ends_on": today + datetime.timedelta(days=11),
                      "discount_percent": Decimal(15),
                      "description": "Знижка 15% на хамам, сауну, обгортування та стоун-терапію.",
                      "segment": {"department": "spa", "channel": "email"}},
        )
        if created:
            spa_week.services.set([service for service in self.services.values()
                                   if service.department_id == self.departments["spa"].pk])
        self._get_or_create(
            Promotion, "promotions", name="Подарунок до дня народження",
            defaults={"starts_on": today.replace(day=1), "ends_on": month_end,
                      "discount_percent": Decimal(20),
                      "description": "−20% на будь-яку процедуру в місяць народження.",
                      "segment": {"birthday_month": today.month}},
        )
        renewal, created = self._get_or_create(
            Promotion, "promotions", name="Продовж на рік — місяць у подарунок",
            defaults={"starts_on": today - datetime.timedelta(days=20), "ends_on": today + datetime.timedelta(days=40),
                      "discount_amount": Decimal(1400),
                      "description": "Річний абонемент зі знижкою 1400 грн тим, у кого абонемент закінчується.",
                      "segment": {"expiring_within": 30}},
        )
        if created:
            renewal.plans.set([plan for plan in self.plans
                               if plan.category == MembershipPlan.Category.ALL_INCLUSIVE])
        self.renewal_promotion = renewal

        director = self.users["director"]
        assessments = [
            ("Ірина Кравець", None, "hiring", "hire", "Сильна в комунікації, спокійна під тиском."),
            ("Роман Поліщук", None, "hiring", "reject", "Тисне на продаж із першої зустрічі."),
            ("", self.staff["k.moroz"], "probation", "confirm", "Випробувальний термін пройдено."),
        ]
        for candidate, member, occasion, decision, summary in assessments:
            lookup = {"staff_member": member} if member else {"candidate_name": candidate}
            if CompetencyAssessment.objects.filter(position="Менеджер супроводу", **lookup).exists():
                continue
            assessment = CompetencyAssessment.objects.create(
                candidate_name=candidate, staff_member=member, position="Менеджер супроводу",
                occasion=occasion, assessor=director, decision=decision, summary=summary,
                assessed_on=today - datetime.timedelta(days=self.rng.randint(10, 120)),
            )
            low = 1 if decision == "reject" else 3
            CompetencyScore.objects.bulk_create(
                CompetencyScore(assessment=assessment, competency=competency,
                                tool=DEFAULT_TOOL[competency], score=self.rng.randint(low, 5))
                for competency in Competency
            )
            self.created["competency assessments"] += 1

        if not DepartmentExpense.objects.filter(department__in=self.departments.values()).exists():
            size = max(self.target, 200)  # a club of at least 200 clients
            rows = []
            first_of_month = today.replace(day=1)
            for months_back in range(12):
                # the 5th of each of the last 12 calendar months (this month: by today)
                month = min(add_months(first_of_month, -months_back).replace(day=5), today)
                for code, (low, high, description) in catalog.EXPENSES.items():
                    rows.append(DepartmentExpense(
                        department=self.departments[code], kind=DepartmentExpense.Kind.CONSUMABLES,
                        incurred_on=month, amount=_money(round(size * self.rng.uniform(low, high), -1)),
                        description=description,
                    ))
                for back, code, per_client, description in catalog.EQUIPMENT_EXPENSES:
                    if back == months_back:
                        rows.append(DepartmentExpense(
                            department=self.departments[code], kind=DepartmentExpense.Kind.EQUIPMENT,
                            incurred_on=month + datetime.timedelta(days=9),
                            amount=_money(size * per_client), description=description,
                        ))
            self.bulk(DepartmentExpense, rows, "department expenses")

