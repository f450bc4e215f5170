"""The demo club: a realistic wellness club to try the product on (``manage.py seed_demo``).

Reference data (departments, staff, services, plans, users…) is created by natural keys, so
running the seed again changes nothing; clients are topped up to the number asked for. Rows
that come in numbers (clients, memberships, visits, sales…) are written with bulk inserts.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from clients import roles
from clients.models import (
    Client,
    Contraindication,
    Freeze,
    Interaction,
    Measurement,
    Membership,
    MembershipPlan,
    Task,
    Visit,
)
from programs.models import Program, ProgramItem, ProgramTemplate, ProgramTemplateItem, Session
from sales.models import DepartmentExpense, Offer, Product, Promotion, Recommendation, Sale, UpsellPolicy
from staff.models import (
    DEFAULT_TOOL,
    Competency,
    CompetencyAssessment,
    CompetencyScore,
    Department,
    Feedback,
    PayRate,
    Service,
    StaffMember,
    SurveyResponse,
)

DEMO_PASSWORD = "demo12345"
DEMO_EMAIL_DOMAIN = "demo.club"
BATCH = 2000

FIRST_NAMES_F = ["Olena", "Iryna", "Oksana", "Natalia", "Tetiana", "Yulia", "Kateryna", "Mariia",
                 "Anna", "Svitlana", "Viktoriia", "Halyna", "Sofiia", "Daria", "Alina", "Larysa"]
FIRST_NAMES_M = ["Oleksandr", "Andrii", "Dmytro", "Serhii", "Volodymyr", "Ihor", "Taras", "Yurii",
                 "Mykola", "Bohdan", "Maksym", "Vitalii", "Roman", "Petro", "Artem", "Oleh"]
LAST_NAMES = ["Kovalenko", "Bondarenko", "Tkachenko", "Shevchenko", "Kravchenko", "Melnyk",
              "Boyko", "Koval", "Oliinyk", "Shevchuk", "Polishchuk", "Lysenko", "Marchenko",
              "Savchenko", "Rudenko", "Moroz", "Pavlenko", "Petrenko", "Kravets", "Honchar"]

FLAGS = [
    ("hypertension", "Hypertension"), ("pregnancy", "Pregnancy"),
    ("varicose", "Varicose veins"), ("skin-inflammation", "Skin inflammation"),
    ("recent-surgery", "Recent surgery"), ("heart-disease", "Heart disease"),
    ("back-injury", "Back injury"), ("epilepsy", "Epilepsy"),
]

DEPARTMENTS = [("fitness", "Fitness"), ("spa", "SPA"), ("cosmetology", "Cosmetology")]

SERVICES = {
    "fitness": [
        ("Personal training", "training", 60, 600, ["heart-disease"]),
        ("Personal training, pair", "training", 60, 900, ["heart-disease"]),
        ("Functional training", "training", 55, 350, ["back-injury"]),
        ("Pilates", "training", 55, 300, []), ("Yoga", "training", 75, 300, []),
        ("Stretching", "training", 55, 250, []), ("Aqua aerobics", "training", 45, 300, ["epilepsy"]),
        ("Cycle", "training", 45, 300, ["heart-disease", "hypertension"]),
        ("TRX", "training", 55, 350, ["back-injury"]), ("Boxing", "training", 60, 500, ["epilepsy"]),
        ("Body composition analysis", "procedure", 20, 200, ["pregnancy"]),
        ("Back health course", "training", 60, 450, []), ("Swimming lesson", "training", 45, 450, ["epilepsy"]),
        ("Senior fitness", "training", 45, 250, []),
    ],
    "spa": [
        ("Classic massage", "procedure", 60, 800, ["varicose", "skin-inflammation"]),
        ("Lymphatic drainage massage", "procedure", 60, 900, ["varicose", "heart-disease", "pregnancy"]),
        ("Sports massage", "procedure", 60, 850, ["recent-surgery"]),
        ("Anti-cellulite massage", "procedure", 45, 750, ["varicose", "pregnancy"]),
        ("Hot stone massage", "procedure", 75, 1100, ["hypertension", "varicose"]),
        ("Sauna ritual", "procedure", 90, 600, ["hypertension", "heart-disease", "pregnancy"]),
        ("Hammam", "procedure", 60, 700, ["heart-disease"]), ("Body wrap", "procedure", 60, 950, ["varicose"]),
        ("Salt room", "procedure", 40, 250, []), ("Foot massage", "procedure", 30, 450, []),
        ("Aromatherapy", "procedure", 45, 500, ["pregnancy"]), ("Head and neck massage", "procedure", 30, 450, ["hypertension"]),
        ("SPA day for two", "procedure", 180, 3200, ["pregnancy"]),
    ],
    "cosmetology": [
        ("Facial cleansing", "procedure", 60, 900, ["skin-inflammation"]),
        ("Chemical peeling", "procedure", 45, 1200, ["skin-inflammation", "pregnancy"]),
        ("Mesotherapy", "procedure", 45, 1800, ["pregnancy", "skin-inflammation"]),
        ("Biorevitalization", "procedure", 45, 2800, ["pregnancy"]),
        ("Microcurrent therapy", "procedure", 40, 700, ["epilepsy", "heart-disease"]),
        ("RF lifting", "procedure", 50, 1500, ["pregnancy", "heart-disease"]),
        ("Facial massage", "procedure", 40, 600, []), ("Moisturizing mask", "procedure", 30, 450, []),
        ("Eyebrow care", "procedure", 30, 350, []), ("Laser hair removal", "procedure", 30, 1200, ["pregnancy", "skin-inflammation"]),
        ("Consultation of a cosmetologist", "procedure", 20, 300, []),
        ("Carboxytherapy", "procedure", 40, 1100, ["pregnancy"]), ("Alginate mask", "procedure", 30, 500, []),
    ],
}

STAFF = [
    # username, first, last, role, department, head, salary, head rate, share %
    ("manager", "Olena", "Kovalenko", "manager", "fitness", True, 22000, 6000, 10),
    ("manager2", "Andrii", "Bondarenko", "manager", "spa", True, 22000, 6000, 10),
    (None, "Kateryna", "Moroz", "manager", "cosmetology", True, 22000, 6000, 10),
    ("trainer", "Taras", "Shevchenko", "trainer", "fitness", False, 18000, 0, 0),
    (None, "Dmytro", "Melnyk", "trainer", "fitness", False, 18000, 0, 0),
    (None, "Yulia", "Tkachenko", "trainer", "fitness", False, 17000, 0, 0),
    (None, "Serhii", "Boyko", "trainer", "fitness", False, 17000, 0, 0),
    (None, "Natalia", "Koval", "massage", "spa", False, 16000, 0, 0),
    (None, "Ihor", "Lysenko", "massage", "spa", False, 16000, 0, 0),
    (None, "Sofiia", "Marchenko", "spa", "spa", False, 15000, 0, 0),
    (None, "Mariia", "Savchenko", "cosmetologist", "cosmetology", False, 19000, 0, 0),
    (None, "Alina", "Rudenko", "cosmetologist", "cosmetology", False, 19000, 0, 0),
    (None, "Viktoriia", "Pavlenko", "cosmetologist", "cosmetology", False, 18000, 0, 0),
    ("director", "Halyna", "Petrenko", "director", None, False, 40000, 0, 0),
    ("frontdesk", "Daria", "Honchar", "administrator", None, False, 14000, 0, 0),
]

PLANS = [
    ("Gym, 1 month", "gym", 30, None, 1200, 7, ""),
    ("Gym, 3 months", "gym", 91, None, 3200, 14, ""),
    ("All inclusive, 12 months", "all", 365, None, 14500, 45, "30,14,7,1"),
    ("Group training, 8 visits", "group", 45, 8, 1500, 7, "7,1"),
    ("SPA, 5 visits", "spa", 90, 5, 3500, 14, ""),
    ("Cosmetology course, 6 procedures", "cosmetology", 120, 6, 7800, 30, "14,7"),
]

TEMPLATES = [
    ("Back health, 8 weeks", "fitness", "A healthy, pain-free back", [("Back health course", 16, 2), ("Classic massage", 8, 1), ("Swimming lesson", 8, 1)]),
    ("Light legs, 4 weeks", "spa", "Less swelling, lighter legs", [("Lymphatic drainage massage", 8, 2), ("Aqua aerobics", 8, 2)]),
    ("Weight loss start", "fitness", "Minus 5 kg in two months", [("Personal training", 16, 2), ("Body wrap", 6, 1), ("Cycle", 8, 1)]),
    ("Skin renewal", "cosmetology", "Fresh, even skin", [("Facial cleansing", 2, 1), ("Chemical peeling", 4, 1), ("Moisturizing mask", 4, 1)]),
]

PRODUCTS = [
    ("Home-care cream, dry skin", "cosmetology", "CR-001", 650), ("Cleansing gel", "cosmetology", "CR-002", 420),
    ("Sunscreen SPF 50", "cosmetology", "CR-003", 780), ("Massage oil", "spa", "SP-001", 380),
    ("Bath salt", "spa", "SP-002", 250), ("Protein bar", "fitness", "FT-001", 70),
    ("Shaker bottle", "fitness", "FT-002", 220), ("Resistance band", "fitness", "FT-003", 300),
]

POLICIES = [("acquaintance", 1, 30), ("trust", 2, 14), ("loyalty", 4, 7), ("ambassador", 6, 3)]


class DemoSeeder:
    def __init__(self, *, clients: int, seed: int = 2026, stdout=None):
        self.target = clients
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.out = stdout
        self.summary: dict[str, int] = {}

    def say(self, text):
        if self.out is not None:
            self.out.write(text)

    # -- reference data ------------------------------------------------------------------------
    def users(self):
        User = get_user_model()
        groups = {g.name: g for g in Group.objects.all()}
        specs = [
            ("admin", "Admin", "", None, True), ("director", "Halyna", "Petrenko", roles.DIRECTOR, False),
            ("manager", "Olena", "Kovalenko", roles.MANAGER, False),
            ("manager2", "Andrii", "Bondarenko", roles.MANAGER, False),
            ("trainer", "Taras", "Shevchenko", roles.SPECIALIST, False),
            ("frontdesk", "Daria", "Honchar", roles.ADMINISTRATOR, False),
        ]
        self.user = {}
        for username, first, last, role, superuser in specs:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
                          "is_staff": superuser or role != roles.SPECIALIST, "is_superuser": superuser},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if role:
                user.groups.add(groups[role])
            self.user[username] = user
        self.managers = [self.user["manager"], self.user["manager2"]]

    def reference(self):
        self.flags = {}
        for code, name in FLAGS:
            self.flags[code], _ = Contraindication.objects.get_or_create(code=code, defaults={"name": name})
        self.departments = {}
        for code, name in DEPARTMENTS:
            self.departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
        self.services = {}
        for code, rows in SERVICES.items():
            for name, kind, minutes, price, flags in rows:
                service, created = Service.objects.get_or_create(
                    department=self.departments[code], name=name,
                    defaults={"kind": kind, "duration_minutes": minutes, "price": Decimal(price),
                              "benefits": f"{name}: visible results within a month of regular sessions.",
                              "drawbacks": "Needs regularity; not a one-off fix."},
                )
                if created:
                    service.contraindications.set([self.flags[f] for f in flags])
                self.services[name] = service
        self.staff = []
        for username, first, last, role, dept, head, salary, head_rate, share in STAFF:
            member, created = StaffMember.objects.get_or_create(
                first_name=first, last_name=last,
                defaults={"role": role, "department": self.departments.get(dept), "is_head_of_department": head,
                          "user": self.user.get(username) if username else None,
                          "hired_on": datetime.date(2022, 3, 1), "position": role.title(),
                          "email": f"{first.lower()}.{last.lower()}@{DEMO_EMAIL_DOMAIN}"},
            )
            if created:
                PayRate.objects.create(staff_member=member, effective_from=datetime.date(2024, 1, 1),
                                       monthly_salary=Decimal(salary), head_rate=Decimal(head_rate),
                                       profit_share_percent=Decimal(share))
                if dept:
                    member.services.set([s for s in self.services.values() if s.department_id == member.department_id])
            self.staff.append(member)
        self.specialists = [m for m in self.staff if m.role in StaffMember.SPECIALIST_ROLES]
        self.plans = []
        for name, category, days, visits, price, freeze, reminders in PLANS:
            plan, _ = MembershipPlan.objects.get_or_create(
                name=name, defaults={"category": category, "duration_days": days, "visit_limit": visits,
                                     "price": Decimal(price), "max_freeze_days": freeze,
                                     "expiry_reminder_days": reminders},
            )
            self.plans.append(plan)
        self.templates = []
        for name, dept, goal, items in TEMPLATES:
            template, created = ProgramTemplate.objects.get_or_create(
                name=name, defaults={"department": self.departments[dept], "goal": goal, "duration_weeks": 8})
            if created:
                for position, (service, count, per_week) in enumerate(items):
                    ProgramTemplateItem.objects.create(template=template, service=self.services[service],
                                                       sessions_count=count, sessions_per_week=per_week, position=position)
            self.templates.append(template)
        self.products = []
        for name, dept, sku, price in PRODUCTS:
            product, _ = Product.objects.get_or_create(
                sku=sku, defaults={"name": name, "department": self.departments[dept], "price": Decimal(price), "stock": 40})
            self.products.append(product)
        for stage, offers, wait in POLICIES:
            UpsellPolicy.objects.get_or_create(stage=stage, defaults={"max_offers_per_30_days": offers,
                                                                     "min_days_after_decline": wait})
        Promotion.objects.get_or_create(
            name="Autumn SPA week",
            defaults={"starts_on": self.today - datetime.timedelta(days=5), "ends_on": self.today + datetime.timedelta(days=10),
                      "discount_percent": Decimal("15"), "description": "15% off every SPA ritual this week.",
                      "segment": {"department": "spa", "channel": "email"}},
        )
        Promotion.objects.get_or_create(
            name="Birthday month gift",
            defaults={"starts_on": self.today.replace(day=1), "ends_on": self.today + datetime.timedelta(days=30),
                      "discount_percent": Decimal("20"), "description": "A gift for your birthday month.",
                      "segment": {"birthday_month": self.today.month}},
        )
        self.assessments()

    def assessments(self):
        if CompetencyAssessment.objects.exists():
            return
        candidates = [("Iryna Kravets", None), ("Roman Polishchuk", None), (None, self.staff[2])]
        for name, member in candidates:
            assessment = CompetencyAssessment.objects.create(
                candidate_name=name or "", staff_member=member, position="Accompaniment manager",
                occasion="review" if member else "hiring", assessor=self.user["director"],
                assessed_on=self.today - datetime.timedelta(days=self.rng.randint(3, 60)),
                decision="confirm" if member else self.rng.choice(["hire", "reject", "pending"]),
            )
            CompetencyScore.objects.bulk_create(
                CompetencyScore(assessment=assessment, competency=c, tool=DEFAULT_TOOL[c], score=self.rng.randint(2, 5))
                for c in Competency
            )

    # -- clients and their history --------------------------------------------------------------
    def clients(self):
        existing = Client.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").count()
        missing = self.target - existing
        self.summary["clients already there"] = existing
        if missing <= 0:
            return
        rng, today = self.rng, self.today
        start_index = existing
        new_clients = []
        for i in range(start_index, start_index + missing):
            female = rng.random() < 0.62
            first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
            last = rng.choice(LAST_NAMES)  # these surnames are the same for women and men
            new_clients.append(Client(
                first_name=first, last_name=last, gender="f" if female else "m",
                phone=f"+38067{i:07d}", email=f"{first.lower()}.{last.lower()}.{i}@{DEMO_EMAIL_DOMAIN}",
                birth_date=datetime.date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28)),
                language=rng.choice(["uk", "uk", "uk", "ru", "en"]),
                source=rng.choice([s for s, _ in Client.Source.choices]),
                assigned_manager=self.managers[i % 2],
                consent_email=rng.random() < 0.8, consent_sms=rng.random() < 0.5, consent_telegram=False,
                preferred_channel=rng.choice(["email", "email", "sms"]),
                goals=rng.choice(["Lose weight", "Back health", "Relax and sleep better", "Skin care", "Get stronger", ""]),
            ))
        created = []
        for start in range(0, len(new_clients), BATCH):
            created.extend(Client.objects.bulk_create(new_clients[start:start + BATCH]))
        if not created or created[0].pk is None:  # backends without RETURNING
            created = list(Client.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").order_by("pk")[start_index:])
        self.summary["clients created"] = len(created)
        self._history(created)

    def _history(self, clients):
        rng, today, now = self.rng, self.today, self.now
        big = len(clients) > 5000
        Through = Client.contraindications.through
        Through.objects.bulk_create(
            [Through(client_id=c.pk, contraindication_id=rng.choice(list(self.flags.values())).pk)
             for c in clients if rng.random() < 0.15],
            batch_size=BATCH, ignore_conflicts=True,
        )
        referrers = clients[: max(len(clients) // 10, 1)]
        for client in clients[len(clients) // 2:]:
            if rng.random() < 0.08:
                client.referred_by_id = rng.choice(referrers).pk
                client.source = Client.Source.REFERRAL
        Client.objects.bulk_update([c for c in clients if c.referred_by_id], ["referred_by", "source"], batch_size=BATCH)

        memberships, plan_of = [], {}
        card = Membership.objects.count() + 100000
        for index, client in enumerate(clients):
            plan = rng.choice(self.plans)
            # a spread of situations relative to today
            bucket = rng.random()
            if bucket < 0.12:      # expiring within 14 days
                end = today + datetime.timedelta(days=rng.randint(0, 14))
            elif bucket < 0.27:    # already expired
                end = today - datetime.timedelta(days=rng.randint(1, 120))
            else:                  # running
                end = today + datetime.timedelta(days=rng.randint(15, plan.duration_days + 15))
            start = end - datetime.timedelta(days=plan.duration_days - 1)
            card += 1
            used = rng.randint(0, plan.visit_limit) if plan.visit_limit else rng.randint(0, 40)
            m = Membership(client_id=client.pk, plan=plan, card_number=f"AC{card:07d}", start_date=start, end_date=end,
                           visit_limit=plan.visit_limit, visits_used=used, price=plan.price,
                           sold_by=self.managers[index % 2])
            if rng.random() < 0.03:
                m.status, m.cancelled_on, m.cancel_reason = Membership.Status.CANCELLED, start, "Moved to another city"
            memberships.append(m)
            if rng.random() < 0.2 and bucket >= 0.27:  # an earlier card: a renewal
                prev_end = start - datetime.timedelta(days=1)
                card += 1
                memberships.append(Membership(
                    client_id=client.pk, plan=plan, card_number=f"AC{card:07d}",
                    start_date=prev_end - datetime.timedelta(days=plan.duration_days - 1), end_date=prev_end,
                    visit_limit=plan.visit_limit, visits_used=plan.visit_limit or 12, price=plan.price,
                    sold_by=self.managers[index % 2]))
        for s in range(0, len(memberships), BATCH):
            Membership.objects.bulk_create(memberships[s:s + BATCH])
        if memberships and memberships[0].pk is None:
            memberships = list(Membership.objects.filter(client__in=[c.pk for c in clients]).select_related("plan"))
        self.summary["memberships"] = len(memberships)

        freezes = []
        for m in memberships:
            if m.status == Membership.Status.ACTIVE and m.start_date <= today <= m.end_date and rng.random() < 0.03:
                freezes.append(Freeze(membership_id=m.pk, start_date=today - datetime.timedelta(days=2),
                                      end_date=today + datetime.timedelta(days=5), reason="Business trip"))
        Freeze.objects.bulk_create(freezes, batch_size=BATCH)
        self.summary["freezes"] = len(freezes)

        departments = self.departments
        dept_for_plan = {"gym": "fitness", "group": "fitness", "all": "fitness", "spa": "spa", "cosmetology": "cosmetology"}
        sales = [
            Sale(client_id=m.client_id, department=departments[dept_for_plan[m.plan.category]], kind=Sale.Kind.MEMBERSHIP,
                 membership_id=m.pk, seller=m.sold_by, unit_price=m.price, quantity=1, discount=Decimal("0"),
                 amount=m.price, note=m.card_number,
                 sold_at=timezone.make_aware(datetime.datetime.combine(min(m.start_date, today), datetime.time(11, 0))))
            for m in memberships
        ]
        services = list(self.services.values())
        for client in clients:
            for _ in range(rng.randint(0, 1 if big else 3)):
                when = today - datetime.timedelta(days=rng.randint(0, 364))
                if rng.random() < 0.7:
                    service = rng.choice(services)
                    sales.append(Sale(client_id=client.pk, department_id=service.department_id, kind=Sale.Kind.SERVICE,
                                      service=service, unit_price=service.price, quantity=1, discount=Decimal("0"),
                                      amount=service.price, seller=self.managers[client.pk % 2],
                                      sold_at=timezone.make_aware(datetime.datetime.combine(when, datetime.time(15)))))
                else:
                    product = rng.choice(self.products)
                    qty = rng.randint(1, 2)
                    sales.append(Sale(client_id=client.pk, department_id=product.department_id, kind=Sale.Kind.PRODUCT,
                                      product=product, unit_price=product.price, quantity=qty, discount=Decimal("0"),
                                      amount=product.price * qty, seller=self.managers[client.pk % 2],
                                      sold_at=timezone.make_aware(datetime.datetime.combine(when, datetime.time(17)))))
        Sale.objects.bulk_create(sales, batch_size=BATCH)
        self.summary["sales"] = len(sales)

        visits = []
        per_client = 2 if big else 8
        for m in memberships:
            if m.status == Membership.Status.CANCELLED:
                continue
            last_day = min(m.end_date, today)
            span = (last_day - m.start_date).days
            if span < 0:
                continue
            lapsed = rng.random() < 0.1
            for _ in range(rng.randint(1, per_client)):
                day = m.start_date + datetime.timedelta(days=rng.randint(0, span))
                if lapsed and day > today - datetime.timedelta(days=20):
                    continue
                visits.append(Visit(client_id=m.client_id, membership_id=m.pk,
                                    checked_in_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(7, 21), rng.choice([0, 15, 30, 45]))))))
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        self.summary["visits"] = len(visits)

        measurements, interactions, tasks = [], [], []
        for client in clients:
            manager = self.managers[client.pk % 2]
            interactions.append(Interaction(
                client_id=client.pk, manager=manager, kind=Interaction.Kind.INTRO_VISIT, direction="in",
                occurred_at=now - datetime.timedelta(days=rng.randint(20, 400)),
                summary="Intro visit: tour of the club, goals discussed", outcome="Chose a plan"))
            if rng.random() < (0.05 if big else 0.3):
                interactions.append(Interaction(
                    client_id=client.pk, manager=manager, kind=Interaction.Kind.CALL,
                    occurred_at=now - datetime.timedelta(days=rng.randint(0, 30)),
                    summary="Called to ask how the training goes", outcome="Happy, asked about massage"))
            if rng.random() < (0.05 if big else 0.25):
                weight = Decimal(rng.randint(55, 105))
                for k in range(3):
                    measurements.append(Measurement(
                        client_id=client.pk, measured_on=today - datetime.timedelta(days=30 * (2 - k)),
                        weight_kg=weight - k, waist_cm=Decimal(rng.randint(62, 105)) - k,
                        body_fat_percent=Decimal(rng.randint(18, 35)) - k))
            if rng.random() < (0.01 if big else 0.1):
                tasks.append(Task(client_id=client.pk, assigned_to=manager, title="Call about the program results",
                                  due_date=today - datetime.timedelta(days=rng.randint(0, 3))))
        Interaction.objects.bulk_create(interactions, batch_size=BATCH)
        Measurement.objects.bulk_create(measurements, batch_size=BATCH)
        Task.objects.bulk_create(tasks, batch_size=BATCH)
        self.summary["interactions"] = len(interactions)
        self._quality_and_programs(clients[:200])

    def _quality_and_programs(self, clients):
        """Programs, feedback, surveys, recommendations and offers for a slice of clients."""
        rng, today, now = self.rng, self.today, self.now
        by_department = {}
        for m in self.specialists:
            by_department.setdefault(m.department_id, []).append(m)
        tz = timezone.get_current_timezone()
        programs = 0
        for client in clients[:24]:
            template = rng.choice(self.templates)
            start = today - datetime.timedelta(days=rng.randint(0, 21))
            program = Program.objects.create(
                client_id=client.pk, template=template, manager=self.managers[client.pk % 2], name=template.name,
                goal=template.goal, status=Program.Status.ACTIVE, start_date=start)
            for position, titem in enumerate(template.items.select_related("service")):
                specialist = rng.choice(by_department.get(titem.service.department_id) or [None])
                item = ProgramItem.objects.create(program=program, service=titem.service, specialist=specialist,
                                                  sessions_count=titem.sessions_count,
                                                  sessions_per_week=titem.sessions_per_week, position=position)
                Session.objects.bulk_create(
                    Session(item=item, specialist=specialist, duration_minutes=titem.service.duration_minutes,
                            scheduled_at=timezone.make_aware(datetime.datetime.combine(start + datetime.timedelta(days=3 * n), datetime.time(10 + n % 8)), tz),
                            status=Session.Status.DONE if start + datetime.timedelta(days=3 * n) < today else Session.Status.PLANNED,
                            completed_at=now if start + datetime.timedelta(days=3 * n) < today else None)
                    for n in range(titem.sessions_count))
            programs += 1
        self.summary["programs"] = programs
        feedback = []
        texts = {"complaint": ["The session started 20 minutes late", "Towels were not fresh", "Too cold in the pool"],
                 "thanks": ["Wonderful massage, thank you!", "The trainer found the right pace for me", "My skin glows"],
                 "suggestion": ["Open the pool earlier on weekends", "Add a stretching class in the evening"]}
        for client in clients[:60]:
            kind = rng.choice(["complaint", "thanks", "thanks", "suggestion"])
            member = rng.choice(self.specialists)
            received = now - datetime.timedelta(hours=rng.randint(2, 24 * 40))
            status = rng.choice(["new", "relayed", "resolved"]) if kind == "complaint" else rng.choice(["new", "relayed"])
            feedback.append(Feedback(
                client_id=client.pk, staff_member=member, kind=kind, rating={"complaint": 2, "thanks": 5}.get(kind, 4),
                text=rng.choice(texts[kind]), received_at=received, status=status,
                relayed_at=received + datetime.timedelta(hours=3) if status != "new" else None,
                resolution="Apologised and gave a free session" if status == "resolved" else "",
                resolved_at=received + datetime.timedelta(hours=30) if status == "resolved" else None))
        Feedback.objects.bulk_create(feedback)
        SurveyResponse.objects.bulk_create(
            SurveyResponse(client_id=c.pk, staff_member=rng.choice(self.specialists), score=rng.choice([10, 10, 9, 9, 8, 7, 6, 3]),
                           answered_at=now - datetime.timedelta(days=rng.randint(0, 300)))
            for c in clients[:120])
        for client in clients[:10]:
            specialist = rng.choice(self.specialists)
            Recommendation.objects.create(
                client_id=client.pk, specialist=specialist, reason="Would benefit after the last session",
                service=rng.choice([s for s in self.services.values() if s.department_id == specialist.department_id]))
        for client in clients[10:30]:
            product = rng.choice(self.products)
            Offer.objects.create(client_id=client.pk, manager=self.managers[client.pk % 2], product=product,
                                 offered_at=now - datetime.timedelta(days=rng.randint(0, 60)),
                                 outcome=rng.choice(["accepted", "declined", "postponed"]), outcome_reason="")
        self.summary["feedback"] = len(feedback)

    def expenses(self):
        if DepartmentExpense.objects.exists():
            return
        rows = []
        for months_back in range(12):
            day = (self.today.replace(day=1) - datetime.timedelta(days=31 * months_back)).replace(day=5)
            for code, dept in self.departments.items():
                rows.append(DepartmentExpense(department=dept, kind="consumables", incurred_on=day,
                                              amount=Decimal(self.rng.randint(2000, 7000)), description="Oils, creams, towels"))
        DepartmentExpense.objects.bulk_create(rows)

    @transaction.atomic
    def run(self) -> dict:
        self.users()
        self.reference()
        self.clients()
        self.expenses()
        from sales.stages import stages_refresh

        self.summary["stages set"] = stages_refresh(self.today)
        return self.summary
