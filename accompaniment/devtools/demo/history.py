"""Demo clients and everything that happens to them, written in bulk.

Each new client's life is planned first, in memory (who they are, which cards they bought,
when they came, froze, cancelled), then written table by table with ``bulk_create`` in
batches. ``bulk_create`` skips ``save()``, so what ``save()`` would compute is set here (a
sale's amount) and every model constraint is respected by construction:

* a membership's visits are Visit rows inside the history window and are counted in
  ``visits_used`` together with the earlier visits, never beyond the visit limit and never on
  a frozen day; a cancelled card has its cancellation date; a freeze moves the end date;
* one Sale of kind ``membership`` per membership (amount = price - discount), a refund as a
  negative row, service and product sales, some coming from accepted offers;
* timestamps are never in the future.

Scale: a club of up to ``FULL_HISTORY_UP_TO`` clients gets the full history (visits over the
last ``HISTORY_DAYS`` days, renewals, intro visits and calls back to the first card,
measurements…). A bigger club keeps every kind of row but a thinner history per client: visits
over at least the last two weeks, interactions over at least the last six weeks, fewer
renewals, purchases, calls and measurements; so that 50,000 clients seed in under a minute.
"""

import bisect
import datetime
import itertools
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from clients.models import (
    Client,
    Freeze,
    Interaction,
    Measurement,
    Membership,
    MembershipPlan,
    Task,
    Visit,
)
from clients.rules import plan_end_date
from programs.models import Program, ProgramItem, Session
from sales.models import Offer, Recommendation, Sale
from staff.models import Feedback, SurveyResponse

from . import people
from .catalog import DEMO_EMAIL_DOMAIN

FULL_HISTORY_UP_TO = 6000
HISTORY_DAYS = 120
MIN_HISTORY_DAYS = 14
TIMELINE_DAYS = 4 * 365
MIN_TIMELINE_DAYS = 45
ZERO = Decimal(0)
TENTH = Decimal("0.1")

class _Mix:
    """Weighted values drawn with one call to the generator."""

    def __init__(self, pairs):
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))

    def draw(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# Which block a client comes for, and where they stand today (the current card's situation).
PROFILES = _Mix((("fitness", 55), ("spa", 14), ("beauty", 16), ("all", 15)))
SCENARIOS = _Mix((("lead", 4), ("new", 6), ("running", 50), ("expiring", 12), ("expired", 18),
                  ("frozen", 5), ("cancelled", 5)))
# Plans by their position in catalog.PLANS: gym 1 month, gym 3 months, all inclusive 12 months,
# group training 8 visits, SPA 5 visits, cosmetology course 6 procedures.
PLAN_MIX = {
    "fitness": _Mix(((0, 30), (1, 30), (2, 15), (3, 25))),
    "spa": _Mix(((4, 75), (2, 25))),
    "beauty": _Mix(((5, 80), (4, 20))),
    "all": _Mix(((2, 65), (1, 20), (4, 15))),
}
# Visits per week: (low, high, most likely).
RATES = {"fitness": (0.6, 4.0, 2.2), "spa": (0.4, 1.6, 0.8), "beauty": (0.3, 1.2, 0.6),
         "all": (1.0, 4.0, 2.5)}
VISIT_HOURS = _Mix(((7, 10), (8, 10), (9, 10), (12, 7), (13, 7), (17, 14), (18, 14), (19, 14),
                    (20, 14), (21, 4)))
LANGUAGES = _Mix((("uk", 72), ("ru", 24), ("en", 4)))
SOURCES = _Mix(people.SOURCES)
# How many earlier cards a returning client bought; services or products bought beyond
# memberships; calls from the manager.
EARLIER_CARDS = _Mix(((1, 55), (2, 27), (3, 18)))
EXTRA_PURCHASES = _Mix(((0, 40), (1, 30), (2, 18), (3, 12)))
CALLS_PER_CLIENT = _Mix(((0, 40), (1, 40), (2, 20)))


class _MobileNumber(PhoneNumber):
    """A number made of a Ukrainian mobile operator's code and seven digits: valid by
    construction (the tests check the stored numbers), so the phone field's pattern check, which
    it runs twice per row on insert, is skipped: seconds at 50,000 clients."""

    def is_valid(self):
        return True


class _Factory:
    """Unsaved instances of ``model`` built through the positional constructor, the way
    ``Model.from_db`` builds them: every concrete field in order, defaults computed once. Several
    times faster than keyword construction, which took a large share of a big seed's time."""

    def __init__(self, model):
        fields = model._meta.concrete_fields
        self.model = model
        self.names = [field.attname for field in fields]
        self.known = frozenset(self.names)
        self.defaults = [field.get_default() for field in fields]

    def __call__(self, **values):
        if not values.keys() <= self.known:
            raise TypeError(f"{self.model.__name__} has no field {sorted(values.keys() - self.known)}")
        return self.model(*[values.get(name, default) for name, default in zip(self.names, self.defaults)])


def _weighted(rng: random.Random, pairs):
    """A value from ``pairs`` of (value, weight)."""
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _tenth(value: float) -> Decimal:
    return Decimal(round(value * 10)) * TENTH


def _column(model, field_name: str) -> set:
    """Every non-empty value of one column, straight from the database."""
    column = model._meta.get_field(field_name).column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(model._meta.db_table)}")
        return {value for (value,) in cursor.fetchall() if value}


@dataclass
class _Card:
    """One planned membership."""

    plan: MembershipPlan
    start: datetime.date
    end: datetime.date
    number: str
    discount: Decimal = ZERO
    status: str = Membership.Status.ACTIVE
    cancelled_on: datetime.date | None = None
    cancel_reason: str = ""
    sold_on: datetime.date | None = None
    seller: object = None
    freezes: list = field(default_factory=list)  # (first day, last day or None, reason)
    visits: list = field(default_factory=list)  # (checked in, checked out or None)
    visits_used: int = 0
    refund: Decimal = ZERO
    row: Membership | None = None


@dataclass
class _Life:
    """One planned client."""

    client: Client
    profile: str
    scenario: str
    joined: datetime.date
    rate: float
    flags: list
    manager: object
    goal: str
    cards: list = field(default_factory=list)

    @property
    def current(self) -> _Card | None:
        return self.cards[-1] if self.cards else None


class ClientHistory:
    """Plans and writes ``missing`` new demo clients for ``club`` (a DemoClub)."""

    def __init__(self, club, *, missing: int):
        self.club = club
        self.missing = missing
        self.today, self.now = club.today, club.now
        self.latest = self.now - datetime.timedelta(minutes=5)
        # A top-up draws other people than the first run did.
        self.rng = random.Random(f"{club.seed}:clients:{club.existing_clients}")
        # 1 up to FULL_HISTORY_UP_TO clients, then less history per client as the club grows.
        self.density = min(1.0, FULL_HISTORY_UP_TO / max(club.target, 1))
        history_days = max(MIN_HISTORY_DAYS, round(HISTORY_DAYS * self.density))
        self.window_start = self.today - datetime.timedelta(days=history_days - 1)
        # Interactions and tasks go back four years in a small club, six weeks in a big one
        # (it shrinks faster than the visit window: an intro visit is a row for nearly every client).
        timeline_days = max(MIN_TIMELINE_DAYS, round(TIMELINE_DAYS * self.density**2))
        self.timeline_start = self.today - datetime.timedelta(days=timeline_days)
        self.plans = club.plans
        self.managers = club.managers
        self.frontdesk = club.frontdesk
        self.products = club.products
        self.services = list(club.services.values())
        self.specialists = club.specialists
        self.new_client = _Factory(Client)
        self.new_membership = _Factory(Membership)
        self.new_visit = _Factory(Visit)
        self.new_sale = _Factory(Sale)
        self.new_interaction = _Factory(Interaction)
        self.new_measurement = _Factory(Measurement)

    def run(self) -> list[int]:
        self.taken_phones = _column(Client, "phone")
        self.taken_emails = {email.lower() for email in _column(Client, "email")}
        self.taken_cards = _column(Membership, "card_number")
        # Older clients first: ids follow the order in which people joined the club.
        lives = sorted((self._plan_life() for _ in range(self.missing)), key=lambda life: life.joined)
        self._write_clients(lives)
        self._write_memberships(lives)
        done_sessions = self._write_programs(lives)
        recommendations = self._write_recommendations(lives, done_sessions)
        self._write_offers_and_sales(lives, recommendations)
        self._write_interactions_and_tasks(lives)
        self._write_measurements(lives)
        self._write_feedback_and_surveys(lives)
        return [life.client.pk for life in lives]

    def _bulk(self, model, rows, label):
        return self.club.bulk(model, rows, label)

    def _at(self, day, hour, minute=0):
        return self.club.at(day, hour, minute)

    def _past(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        """A moment on ``day``, moved back to a few minutes ago if it is still to come."""
        return min(self._at(day, hour, minute), self.latest)

    def _days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))

    # -- planning ---------------------------------------------------------------------------
    def _plan_life(self) -> _Life:
        rng, today = self.rng, self.today
        gender = "f" if rng.random() < 0.62 else "m"
        first = rng.choice(people.FIRST_NAMES_F if gender == "f" else people.FIRST_NAMES_M)
        last_m, last_f = rng.choice(people.LAST_NAMES)
        son, daughter = rng.choice(people.PATRONYMICS)
        age = min(max(int(rng.gauss(36, 11)), 18), 76)
        birth_date = today - datetime.timedelta(days=int(age * 365.25) + rng.randint(0, 364))
        profile = PROFILES.draw(rng)
        flags = self._plan_flags(gender, age)
        goal = rng.choice(people.GOALS[profile])
        needs = rng.choice(people.NEEDS)
        if rng.random() < 0.15:
            needs += " " + people.NEEDS_BY_GENDER[gender]
        consent_email, consent_sms, consent_telegram = (rng.random() < 0.72, rng.random() < 0.55,
                                                        rng.random() < 0.3)
        preferred = ("telegram" if consent_telegram else "email" if consent_email
                     else "sms" if consent_sms else "email")
        last = last_f if gender == "f" else last_m
        manager = rng.choice(self.managers)
        client = self.new_client(
            first_name=first, last_name=last, middle_name=daughter if gender == "f" else son,
            gender=gender, birth_date=birth_date, phone=self._phone(),
            email=self._email(first, last, birth_date),
            address=(f"м. Київ, {rng.choice(people.STREETS)}, {rng.randint(1, 120)}, кв. {rng.randint(1, 240)}"
                     if rng.random() < 0.55 else ""),
            language=LANGUAGES.draw(rng), source=SOURCES.draw(rng),
            assigned_manager_id=manager.pk, goals=goal, needs=needs,
            health_notes=" ".join(people.HEALTH_NOTES[flag] for flag in flags),
            consent_email=consent_email, consent_sms=consent_sms, consent_telegram=consent_telegram,
            consent_calls=rng.random() < 0.6,
            telegram_chat_id=str(rng.randrange(10**8, 7 * 10**9)) if consent_telegram else "",
            preferred_channel=preferred,
        )
        life = _Life(client=client, profile=profile, scenario=SCENARIOS.draw(rng), joined=today,
                     rate=rng.triangular(*RATES[profile]), flags=flags, manager=manager, goal=goal)
        self._plan_cards(life)
        return life

    def _plan_flags(self, gender: str, age: int) -> list[str]:
        rng = self.rng
        if rng.random() > 0.17:
            return []
        codes = ["hypertension", "heart-disease", "varicose-veins", "skin-inflammation",
                 "recent-surgery", "spine-injury", "oncology", "pregnancy"]
        weights = [5 if age >= 45 else 1, 2 if age >= 50 else 0.5, 4 if gender == "f" else 1,
                   3 if age < 35 else 1, 1.5, 3, 0.4 if age >= 40 else 0.1,
                   3 if gender == "f" and 21 <= age <= 42 else 0]
        flags = set(rng.choices(codes, weights, k=2 if rng.random() < 0.2 else 1))
        return sorted(flags)

    def _phone(self) -> PhoneNumber:
        """A unique Ukrainian mobile number, built from its parts (no parsing needed)."""
        rng = self.rng
        while True:
            national = int(rng.choice(people.MOBILE_CODES)) * 10**7 + rng.randrange(10**7)
            e164 = f"+380{national}"
            if e164 not in self.taken_phones:
                self.taken_phones.add(e164)
                return _MobileNumber(country_code=380, national_number=national)

    def _email(self, first: str, last: str, birth_date: datetime.date) -> str:
        f, l = people.translit(first), people.translit(last)
        local = self.rng.choice((f"{f}.{l}", f"{f}{l}", f"{f[0]}.{l}", f"{l}.{f}",
                                 f"{f}.{l}{birth_date:%y}", f"{l}{birth_date:%Y}"))
        email, number = f"{local}@{DEMO_EMAIL_DOMAIN}", 1
        while email in self.taken_emails:
            number += 1
            email = f"{local}{number}@{DEMO_EMAIL_DOMAIN}"
        self.taken_emails.add(email)
        return email

    def _card_number(self) -> str:
        while True:
            number = str(self.rng.randrange(10**7, 10**8))
            if number not in self.taken_cards:
                self.taken_cards.add(number)
                return number

    def _plan_cards(self, life: _Life):
        """The client's memberships, oldest first, placed around today by the scenario."""
        rng, today, scenario = self.rng, self.today, life.scenario
        if scenario == "lead":  # came for an intro visit, has not bought anything yet
            life.joined = today - self._days(0, 40)
            return
        plan = self.plans[PLAN_MIX[life.profile].draw(rng)]
        days = plan.duration_days
        if scenario == "new":
            start = today - self._days(0, 10)
        elif scenario in ("running", "frozen"):
            start = today - self._days(3, days - 16)
        elif scenario == "expiring":  # ends within 14 days
            start = today - datetime.timedelta(days=days - 1) + self._days(0, 14)
        elif scenario == "expired":
            start = today - datetime.timedelta(days=days - 1) - self._days(1, 150)
        else:  # cancelled
            start = today - self._days(12, 160)
        current = self._card(plan, start)
        cards = [current]
        if scenario == "cancelled":
            current.status = Membership.Status.CANCELLED
            current.cancelled_on = min(today, start + self._days(5, 40))
            current.cancel_reason = rng.choice(people.CANCEL_REASONS)
            if rng.random() < 0.5:
                unused = max((current.end - current.cancelled_on).days, 0) / days
                current.refund = _money(round(float(plan.price - current.discount) * unused * 0.8, -1))
        # Earlier cards: renewals back to back or after a short break.
        if scenario != "new" and rng.random() < 0.55 * self.density:
            for _ in range(EARLIER_CARDS.draw(rng)):
                earlier = plan if rng.random() < 0.7 else self.plans[PLAN_MIX[life.profile].draw(rng)]
                gap = 0 if rng.random() < 0.7 else rng.randint(1, 25)
                end = cards[0].start - datetime.timedelta(days=1 + gap)
                earlier_start = end - datetime.timedelta(days=earlier.duration_days - 1)
                if earlier_start < today - datetime.timedelta(days=4 * 365):
                    break
                cards.insert(0, self._card(earlier, earlier_start))
        # Some renewed a card that is about to end, ahead of time.
        if scenario == "expiring" and rng.random() < 0.25:
            renewal = self._card(plan, current.end + datetime.timedelta(days=1))
            renewal.sold_on = today - self._days(0, 5)
            cards.append(renewal)
        life.cards = cards
        if scenario == "frozen":
            self._freeze_now(current)
        elif scenario == "running" and rng.random() < 0.08:
            self._freeze_past(current)
        life.joined = cards[0].start - (self._days(0, 4) if scenario != "new" else datetime.timedelta())
        lapsing = scenario in ("running", "expiring") and rng.random() < 0.12
        for card in cards:
            self._plan_visits(life, card, lapsing and card is current)

    def _card(self, plan: MembershipPlan, start: datetime.date) -> _Card:
        rng = self.rng
        card = _Card(plan=plan, start=start, end=plan_end_date(plan, start),
                     number=self._card_number(), sold_on=min(start, self.today))
        if rng.random() < 0.12:
            card.discount = _money(round(float(plan.price) * 0.1, -1))
        if rng.random() < 0.25:
            card.seller = self.frontdesk  # otherwise the client's manager
        return card

    def _freeze_now(self, card: _Card):
        """Frozen today: an open freeze, or a closed one that covers today (end date moved)."""
        rng, today = self.rng, self.today
        allowed = card.plan.max_freeze_days
        start = today - self._days(0, min((today - card.start).days, allowed - 1, 10))
        if rng.random() < 0.2:
            card.freezes.append((start, None, rng.choice(people.OPEN_FREEZE_REASONS)))
            return
        days = rng.randint(max((today - start).days + 1, min(5, allowed)), allowed)
        card.freezes.append((start, start + datetime.timedelta(days=days - 1), rng.choice(people.FREEZE_REASONS)))
        card.end += datetime.timedelta(days=days)

    def _freeze_past(self, card: _Card):
        rng, today = self.rng, self.today
        allowed = card.plan.max_freeze_days
        days = rng.randint(min(5, allowed), min(14, allowed))
        latest_start = today - datetime.timedelta(days=days + 3)
        if latest_start <= card.start + datetime.timedelta(days=3):
            return
        start = card.start + self._days(3, (latest_start - card.start).days)
        card.freezes.append((start, start + datetime.timedelta(days=days - 1), rng.choice(people.FREEZE_REASONS)))
        card.end += datetime.timedelta(days=days)

    def _plan_visits(self, life: _Life, card: _Card, lapsing: bool):
        """Check-ins on the card: those inside the history window become rows, earlier ones only
        count in ``visits_used``; never beyond the visit limit, never on a frozen day, never
        after the cancellation, never later than now. The generator is advanced the same way
        whatever the time of day, so the same seed gives the same club all day long."""
        rng, today = self.rng, self.today
        last = min(card.end, today)
        if card.cancelled_on:
            last = min(last, card.cancelled_on - datetime.timedelta(days=1))
        if lapsing:  # at risk: no visit for the last weeks
            last = min(last, today - self._days(15, 35))
        if last < card.start:
            return
        frozen = set()
        for start, end, _reason in card.freezes:
            for offset in range(((end or today) - start).days + 1):
                frozen.add(start + datetime.timedelta(days=offset))
        limit = card.plan.visit_limit
        per_day = min(life.rate / 7, 0.95)
        earlier_days = (min(last, self.window_start - datetime.timedelta(days=1)) - card.start).days + 1
        used = 0
        if earlier_days > 0:
            used = round(earlier_days * per_day * rng.uniform(0.8, 1.2))
            if limit is not None:
                used = min(used, limit)
        day = max(card.start, self.window_start)
        log_miss = math.log(1 - per_day)
        latest = self.now - datetime.timedelta(minutes=20)
        while limit is None or used < limit:
            # Days between visits are geometric: each day a visit with chance per_day.
            day += datetime.timedelta(days=int(math.log(1.0 - rng.random()) / log_miss))
            if day > last:
                break
            hour, minute, stay = VISIT_HOURS.draw(rng), rng.randrange(60), rng.randint(50, 130)
            checked_in = self._at(day, hour, minute)
            if day not in frozen and checked_in <= latest:
                checked_out = checked_in + datetime.timedelta(minutes=stay)
                card.visits.append((checked_in, checked_out if checked_out <= self.now else None))
                used += 1
            day += datetime.timedelta(days=1)
        card.visits_used = used

    # -- writing ----------------------------------------------------------------------------
    def _write_clients(self, lives: list[_Life]):
        rng = self.rng
        referred = [life for life in lives
                    if life.scenario != "lead" and life.joined > self.today - datetime.timedelta(days=700)
                    and rng.random() < 0.15]
        referred_ids = {id(life) for life in referred}
        first_wave = [life for life in lives if id(life) not in referred_ids]
        self._bulk(Client, [life.client for life in first_wave], "clients")
        # Referrals come from a minority of enthusiastic clients who joined earlier.
        fans = sorted((life for life in first_wave if life.scenario != "lead" and rng.random() < 0.25),
                      key=lambda life: life.joined)
        fan_days = [life.joined for life in fans]
        for life in referred:
            eligible = bisect.bisect_right(fan_days, life.joined - datetime.timedelta(days=14))
            if eligible:
                life.client.referred_by_id = fans[rng.randrange(eligible)].client.pk
                life.client.source = Client.Source.REFERRAL
        self._bulk(Client, [life.client for life in referred], "clients")
        # Rows remember when the client joined, not when the demo was seeded.
        # Each wave was inserted in order of joining, so the clients of a day are one range of
        # pks: one UPDATE per day for the last two months, per week before (fewer statements).
        recent = self.today - datetime.timedelta(days=60)
        for wave in (first_wave, referred):
            for day, group in itertools.groupby(
                wave, key=lambda life: life.joined if life.joined >= recent
                else life.joined - datetime.timedelta(days=life.joined.weekday())
            ):
                pks = [life.client.pk for life in group]
                Client.objects.filter(
                    pk__gte=pks[0], pk__lte=pks[-1], email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
                ).update(created_at=self._past(day, 10))
        through = Client.contraindications.through
        self._bulk(through, [through(client_id=life.client.pk, contraindication_id=self.club.flags[code].pk)
                             for life in lives for code in life.flags], "client health flags")

    def _write_memberships(self, lives: list[_Life]):
        memberships = []
        for life in lives:
            for card in life.cards:
                card.seller = card.seller or life.manager
                card.row = self.new_membership(
                    client_id=life.client.pk, plan_id=card.plan.pk, card_number=card.number,
                    start_date=card.start, end_date=card.end, visit_limit=card.plan.visit_limit,
                    visits_used=card.visits_used, price=card.plan.price - card.discount,
                    status=card.status, sold_by_id=card.seller.pk, cancelled_on=card.cancelled_on,
                    cancel_reason=card.cancel_reason,
                )
                memberships.append(card.row)
        self._bulk(Membership, memberships, "memberships")
        freezes, visits = [], []
        for life in lives:
            for card in life.cards:
                freezes.extend(
                    Freeze(membership_id=card.row.pk, start_date=start, end_date=end, reason=reason)
                    for start, end, reason in card.freezes
                )
                visits.extend(
                    self.new_visit(client_id=life.client.pk, membership_id=card.row.pk,
                                   checked_in_at=checked_in, checked_out_at=checked_out)
                    for checked_in, checked_out in card.visits
                )
        self._bulk(Freeze, freezes, "freezes")
        self._bulk(Visit, visits, "visits")

    def _write_programs(self, lives: list[_Life]) -> dict:
        """A few personal programs built from the templates, with done and planned sessions.

        Returns each program client's done sessions (client pk -> sessions) for recommendations.
        """
        rng, today = self.rng, self.today
        candidates = [life for life in lives if life.scenario in ("running", "new", "frozen", "expiring")]
        wanted = min(max(len(lives) // 10, 3), 150)
        chosen = []
        for life in rng.sample(candidates, min(len(candidates), wanted * 2)):
            templates = [template for template in self.club.templates if not self._conflicts(template, life)]
            preferred = [t for t in templates if t.department_id == self._profile_department(life.profile).pk]
            if templates:
                chosen.append((life, rng.choice(preferred or templates)))
            if len(chosen) >= wanted:
                break
        programs = []
        for index, (life, template) in enumerate(chosen):
            weeks = template.duration_weeks
            finished = today - datetime.timedelta(days=weeks * 7 + rng.randint(5, 60))
            if index % 6 == 5 and finished >= life.joined:  # a program already completed
                start, status = finished, Program.Status.COMPLETED
            else:
                start = today - datetime.timedelta(days=rng.randint(0, min(weeks * 7 - 7, 40)))
                start, status = max(start, life.joined), Program.Status.ACTIVE
            programs.append(Program(
                client_id=life.client.pk, template=template, manager=life.manager, name=template.name,
                goal=life.goal, status=status, start_date=start,
                end_date=start + datetime.timedelta(days=weeks * 7 - 1),
            ))
        self._bulk(Program, programs, "programs")
        self.consultations = programs  # the manager built each program with the client
        items, item_plans = [], []
        for program in programs:
            for template_item in self.club.template_items[program.template_id]:
                service = template_item.service
                specialist = self._specialist_for(service)
                items.append(ProgramItem(
                    program_id=program.pk, service=service, specialist=specialist,
                    sessions_count=template_item.sessions_count,
                    sessions_per_week=template_item.sessions_per_week,
                    position=template_item.position, notes=template_item.notes,
                ))
                item_plans.append(program)
        self._bulk(ProgramItem, items, "program items")
        sessions, done_by_client, booked = [], defaultdict(list), set()
        for item, program in zip(items, item_plans):
            hour = rng.choice((8, 10, 12, 17, 18, 19))
            for number in range(item.sessions_count):
                week, within = divmod(number, item.sessions_per_week)
                day = program.start_date + datetime.timedelta(
                    days=week * 7 + within * (7 // item.sessions_per_week) + item.position % 3
                )
                when = self._at(day, hour)
                # Neither the specialist nor the client is booked twice at the same moment.
                while (item.specialist_id, when) in booked or (program.client_id, when) in booked:
                    when += datetime.timedelta(hours=1)
                booked.update({(item.specialist_id, when), (program.client_id, when)})
                session = Session(item_id=item.pk, specialist=item.specialist, scheduled_at=when,
                                  duration_minutes=item.service.duration_minutes)
                attended = rng.random() < 0.9  # drawn whatever the time, to keep the sequence
                if when + datetime.timedelta(minutes=session.duration_minutes) <= self.now:
                    session.status = Session.Status.DONE if attended else Session.Status.MISSED
                    session.completed_at = when + datetime.timedelta(minutes=session.duration_minutes)
                    if session.status == Session.Status.DONE:
                        done_by_client[program.client_id].append(session)
                elif program.status == Program.Status.COMPLETED:
                    session.status, session.completed_at = Session.Status.CANCELLED, self.now
                sessions.append(session)
        self._bulk(Session, sessions, "program sessions")
        return done_by_client

    def _conflicts(self, template, life) -> bool:
        flags = set(life.flags)
        return any(self.club.service_flags.get(item.service_id, set()) & flags
                   for item in self.club.template_items[template.pk])

    def _profile_department(self, profile: str):
        return self.club.departments[{"spa": "spa", "beauty": "cosmetology"}.get(profile, "fitness")]

    def _specialist_for(self, service):
        deliverers = self.club.deliverers.get(service.pk) or [None]
        if self.club.trainer_member in deliverers and self.rng.random() < 0.5:
            return self.club.trainer_member  # the demo specialist login sees a full week
        return self.rng.choice(deliverers)

    def _write_recommendations(self, lives, done_sessions) -> list:
        rng, now = self.rng, self.now
        active = [life for life in lives if life.scenario in ("running", "frozen", "expiring", "new")]
        wanted = min(max(len(lives) // 30, 6), 80)
        rows = []
        for life in rng.sample(active, min(len(active), wanted)):
            sessions = done_sessions.get(life.client.pk)
            session = rng.choice(sessions) if sessions else None
            specialist = session.specialist if session and session.specialist else rng.choice(self.specialists)
            if rng.random() < 0.6:
                options = [s for s in self.services if s.department_id == specialist.department_id
                           and not self.club.service_flags.get(s.pk, set()) & set(life.flags)]
                service, product = (rng.choice(options) if options else None), None
            else:
                service = None
                product = rng.choice([p for p in self.products if p.department_id == specialist.department_id]
                                     or self.products)
            if service is None and product is None:
                continue
            status = _weighted(rng, (("pending", 40), ("accepted", 40), ("declined", 20)))
            made_at = now - datetime.timedelta(hours=rng.randint(2, 24 * 20))
            decided_at = made_at + (now - made_at) * rng.uniform(0.1, 0.9) if status != "pending" else None
            rows.append(Recommendation(
                client_id=life.client.pk, specialist=specialist, session_id=session.pk if session else None,
                service=service, product=product, reason=rng.choice(people.RECOMMENDATION_REASONS),
                status=status, decided_by=life.manager if decided_at else None, decided_at=decided_at,
                decision_reason=rng.choice(people.DECLINE_REASONS) if status == "declined" else "",
            ))
            rows[-1].life, rows[-1].made_at = life, made_at
        self._bulk(Recommendation, rows, "recommendations")
        for row in rows:  # a handful: when the specialist made it, not when the demo was seeded
            Recommendation.objects.filter(pk=row.pk).update(created_at=row.made_at)
        return rows

    def _pick_item(self, life: _Life):
        """A service (or product) that suits the client: mostly from their block, never one
        their health flags rule out."""
        rng = self.rng
        department = self._profile_department(life.profile)
        if rng.random() < 0.3:
            department = rng.choice(list(self.club.departments.values()))
        if rng.random() < 0.25:
            return None, rng.choice([p for p in self.products if p.department_id == department.pk])
        flags = set(life.flags)
        options = [s for s in self.services
                   if s.department_id == department.pk and not self.club.service_flags.get(s.pk, set()) & flags]
        return (rng.choice(options), None) if options else (None, rng.choice(self.products))

    def _write_offers_and_sales(self, lives, recommendations):
        rng, today, now = self.rng, self.today, self.now
        offers = []
        for recommendation in recommendations:
            if recommendation.status == Recommendation.Status.ACCEPTED:
                offers.append(Offer(
                    client_id=recommendation.client_id, manager=recommendation.life.manager,
                    source=Offer.Source.RECOMMENDATION, recommendation_id=recommendation.pk,
                    service=recommendation.service, product=recommendation.product,
                    offered_at=min(recommendation.decided_at + datetime.timedelta(hours=2), now),
                    outcome=_weighted(rng, (("accepted", 65), ("pending", 20), ("postponed", 15))),
                ))
                offers[-1].life = recommendation.life
        promotion = self.club.renewal_promotion
        promoted_plans = set(promotion.plans.values_list("pk", flat=True)) if promotion.is_running(today) else set()
        for life in lives:
            current = life.current
            if current is None:
                continue
            if life.scenario == "expiring" and current.start <= today and rng.random() < 0.45:
                promoted = current.plan.pk in promoted_plans
                offers.append(Offer(
                    client_id=life.client.pk, manager=life.manager, plan=current.plan,
                    source=Offer.Source.PROMOTION if promoted else Offer.Source.MANAGER,
                    promotion=promotion if promoted else None,
                    offered_at=now - datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8)),
                    outcome=_weighted(rng, (("pending", 60), ("postponed", 40))),
                ))
                offers[-1].life = life
            elif life.scenario in ("running", "frozen", "expiring") and rng.random() < 0.08 * self.density:
                service, product = self._pick_item(life)
                tenure = max((today - life.joined).days, 1)
                outcome = _weighted(rng, (("accepted", 45), ("declined", 30), ("postponed", 15), ("pending", 10)))
                offers.append(Offer(
                    client_id=life.client.pk, manager=life.manager, service=service, product=product,
                    offered_at=now - datetime.timedelta(days=rng.randint(0, min(tenure, 90)), hours=rng.randint(0, 6)),
                    outcome=outcome,
                    outcome_reason=rng.choice(people.OFFER_DECLINES) if outcome == "declined" else "",
                ))
                offers[-1].life = life
        self._bulk(Offer, offers, "offers")

        departments_by_code = self.club.departments
        category_department = settings.MEMBERSHIP_CATEGORY_DEPARTMENTS
        sales = []

        def sale(*, kind, unit_price, quantity=1, discount=ZERO, **values):
            gross = unit_price * quantity - discount
            sales.append(self.new_sale(kind=kind, unit_price=unit_price, quantity=quantity, discount=discount,
                                  amount=-gross if kind == Sale.Kind.REFUND else gross, **values))

        for life in lives:
            client_id = life.client.pk
            for card in life.cards:
                department = departments_by_code[category_department.get(card.plan.category, "fitness")]
                sale(client_id=client_id, department_id=department.pk, kind=Sale.Kind.MEMBERSHIP,
                     membership_id=card.row.pk, seller_id=card.seller.pk, unit_price=card.plan.price,
                     discount=card.discount, sold_at=self._past(card.sold_on, rng.randint(9, 20), rng.randrange(60)),
                     note="Знижка постійному клієнту" if card.discount else "")
                if card.refund:
                    sale(client_id=client_id, department_id=department.pk, kind=Sale.Kind.REFUND,
                         membership_id=card.row.pk, seller_id=self.frontdesk.pk, unit_price=card.refund,
                         sold_at=self._past(card.cancelled_on, 12), note=card.cancel_reason)
            if life.current is None:
                continue
            first_day = max(life.joined, today - datetime.timedelta(days=365))
            span = (min(life.current.end, today) - first_day).days
            purchases = EXTRA_PURCHASES.draw(rng) if span >= 0 and rng.random() < self.density else 0
            for _ in range(purchases):
                service, product = self._pick_item(life)
                day = first_day + datetime.timedelta(days=rng.randint(0, span))
                seller = life.manager if rng.random() < 0.65 else self.frontdesk
                when = self._past(day, rng.randint(10, 20), rng.randrange(60))
                if service is not None:
                    course = rng.random() < 0.15
                    quantity = 5 if course else 1
                    sale(client_id=client_id, department_id=service.department_id, kind=Sale.Kind.SERVICE,
                         service_id=service.pk, seller_id=seller.pk, sold_at=when, quantity=quantity,
                         unit_price=service.price,
                         discount=_money(service.price * quantity / 10) if course else ZERO,
                         note="Курс із 5 сеансів, −10%" if course else "")
                else:
                    sale(client_id=client_id, department_id=product.department_id, kind=Sale.Kind.PRODUCT,
                         product_id=product.pk, seller_id=seller.pk, sold_at=when,
                         quantity=rng.choice((1, 1, 1, 2)), unit_price=product.price)
        for offer in offers:
            if offer.outcome == Offer.Outcome.ACCEPTED and (offer.service or offer.product):
                item = offer.service or offer.product
                sale(client_id=offer.client_id, department_id=item.department_id,
                     kind=Sale.Kind.SERVICE if offer.service else Sale.Kind.PRODUCT,
                     service_id=offer.service_id, product_id=offer.product_id, offer_id=offer.pk,
                     seller_id=offer.manager_id, unit_price=item.price,
                     sold_at=min(offer.offered_at + datetime.timedelta(minutes=15), now))
        self._bulk(Sale, sales, "sales")

    def _write_interactions_and_tasks(self, lives):
        rng, today, now = self.rng, self.today, self.now
        interactions, tasks = [], []
        for life in lives:
            pk, manager = life.client.pk, life.manager
            current = life.current
            # The intro visit opens the timeline (some newcomers are still waiting for theirs).
            if life.joined >= self.timeline_start and (life.scenario != "new" or rng.random() < 0.7):
                plan_name = life.cards[0].plan.name if life.cards else ""
                interactions.append(self.new_interaction(
                    client_id=pk, manager_id=manager.pk, kind=Interaction.Kind.INTRO_VISIT,
                    direction=Interaction.Direction.INBOUND,
                    occurred_at=self._past(life.joined, rng.randint(10, 19), rng.randrange(60)),
                    summary=rng.choice(people.INTRO_SUMMARIES).format(goal=life.goal.lower()),
                    outcome=(rng.choice(people.INTRO_OUTCOMES).format(plan=plan_name) if plan_name
                             else rng.choice(people.LEAD_OUTCOMES)),
                ))
            since = max(life.joined, self.timeline_start)
            tenure = (today - since).days
            calls = CALLS_PER_CLIENT.draw(rng) if tenure > 3 and rng.random() < self.density else 0
            for _ in range(calls):
                summary, outcome = rng.choice(people.CALLS)
                day = since + datetime.timedelta(days=rng.randint(1, tenure))
                interactions.append(self.new_interaction(
                    client_id=pk, manager_id=manager.pk,
                    kind=Interaction.Kind.MESSAGE if "Telegram" in summary else Interaction.Kind.CALL,
                    occurred_at=self._past(day, rng.randint(10, 19), rng.randrange(60)),
                    summary=summary, outcome=outcome,
                ))
            if life.scenario == "expiring" and current and current.start <= today and rng.random() < 0.4:
                interactions.append(self.new_interaction(
                    client_id=pk, manager_id=manager.pk, kind=Interaction.Kind.CALL,
                    occurred_at=now - datetime.timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 6)),
                    summary="Дзвінок: абонемент закінчується, обговорили продовження.",
                    outcome=rng.choice(["Подумає до вихідних.", "Продовжить у день закінчення.",
                                        "Цікавиться річним абонементом."]),
                ))
            # The manager's open to-dos (the automatic ones come from the reminders sweep).
            if life.scenario == "lead":
                if rng.random() < 0.8:
                    kind, title = people.LEAD_TASK
                    tasks.append(Task(client_id=pk, assigned_to=manager, kind=kind, title=title,
                                      due_date=life.joined + datetime.timedelta(days=rng.randint(2, 6))))
            elif rng.random() < 0.06 * self.density:
                kind, title = rng.choice(people.OPEN_TASKS)
                tasks.append(Task(client_id=pk, assigned_to=manager, kind=kind, title=title,
                                  due_date=today + datetime.timedelta(days=rng.randint(-3, 7))))
            if tenure > 10 and rng.random() < 0.08 * self.density:
                kind, title = rng.choice(people.DONE_TASKS)
                due = since + datetime.timedelta(days=rng.randint(3, tenure - 1))
                tasks.append(Task(client_id=pk, assigned_to=manager, kind=kind, title=title, due_date=due,
                                  status=Task.Status.DONE, completed_at=self._past(due, rng.randint(10, 18))))
        summary, outcome = people.PROGRAM_CONSULTATION
        for program in self.consultations:
            interactions.append(self.new_interaction(
                client_id=program.client_id, manager_id=program.manager_id,
                kind=Interaction.Kind.CONSULTATION, direction=Interaction.Direction.OUTBOUND,
                occurred_at=self._past(program.start_date, 9),
                summary=summary.format(program=program.name), outcome=outcome,
            ))
        self._bulk(Interaction, interactions, "interactions")
        self._bulk(Task, tasks, "tasks")

    def _write_measurements(self, lives):
        rng, today = self.rng, self.today
        rows = []
        for life in lives:
            if life.profile not in ("fitness", "all") or not life.cards or rng.random() > 0.22 * self.density:
                continue
            months = min((today - life.joined).days // 30, 4)
            female = life.client.gender == "f"
            height = rng.gauss(166, 6) if female else rng.gauss(179, 7)
            weight = min(max(rng.gauss(26, 4), 18.5), 38) * (height / 100) ** 2
            fat = rng.gauss(30, 5) if female else rng.gauss(22, 5)
            waist = weight * (0.95 if female else 1.0) + rng.gauss(8, 4)
            losing = "худ" in life.goal.lower() or "кг" in life.goal
            pressure = "hypertension" in life.flags
            first = max(life.joined, today - datetime.timedelta(days=30 * months + rng.randint(0, 10)))
            for month in range(months + 1):
                day = first + datetime.timedelta(days=30 * month + rng.randint(0, 3))
                if day > today:
                    break
                trend = month * (rng.uniform(0.8, 1.6) if losing else rng.uniform(-0.3, 0.5))
                rows.append(self.new_measurement(
                    client_id=life.client.pk, measured_on=day,
                    weight_kg=_tenth(weight - trend), height_cm=_tenth(height),
                    body_fat_percent=_tenth(max(fat - trend * 0.6, 8)),
                    muscle_mass_kg=_tenth(weight * (0.38 if female else 0.45) + month * 0.2),
                    waist_cm=_tenth(waist - trend * 0.8),
                    hips_cm=_tenth(rng.gauss(100, 6) - trend * 0.5) if female else None,
                    chest_cm=None if female else _tenth(rng.gauss(102, 6)),
                    resting_heart_rate=rng.randint(58, 84),
                    blood_pressure_systolic=rng.randint(138, 152) if pressure else rng.randint(108, 132),
                    blood_pressure_diastolic=rng.randint(88, 96) if pressure else rng.randint(68, 84),
                    notes="Вимірювання натще, ранок." if month == 0 else "",
                ))
        self._bulk(Measurement, rows, "measurements")

    def _write_feedback_and_surveys(self, lives):
        rng, now = self.rng, self.now
        members = [life for life in lives if life.cards and life.cards[0].start <= self.today]
        if not members:
            return
        trainer_services = [s for s in self.services
                            if self.club.trainer_member in self.club.deliverers.get(s.pk, ())]
        feedback = []
        for life in rng.sample(members, min(len(members), min(max(len(lives) // 16, 10), 600))):
            kind = _weighted(rng, (("complaint", 25), ("thanks", 55), ("suggestion", 20)))
            tenure_hours = max((self.today - life.joined).days, 1) * 24
            if self.club.trainer_member and rng.random() < 0.2 and trainer_services:
                member, service = self.club.trainer_member, rng.choice(trainer_services)
            else:
                member = rng.choice(self.specialists)
                delivered = [s for s in self.services if member in self.club.deliverers.get(s.pk, ())]
                service = rng.choice(delivered) if delivered and rng.random() < 0.6 else None
            channel = _weighted(rng, (("in_person", 45), ("phone", 20), ("message", 25), ("survey", 10)))
            if kind == "suggestion" and rng.random() < 0.5:
                member, service, channel = None, None, Feedback.Channel.SURVEY  # about the club
            received = now - datetime.timedelta(hours=rng.randint(3, max(min(tenure_hours, 24 * 60), 3)))
            texts = people.FEEDBACK_TEXTS[kind]
            block = next((code for code, d in self.club.departments.items()
                          if member and d.pk == member.department_id), None)
            row = Feedback(
                client_id=life.client.pk, staff_member=member, service=service, kind=kind, channel=channel,
                rating={"complaint": rng.randint(1, 3), "thanks": 5}.get(kind, rng.choice((3, 4, None))),
                text=rng.choice(texts.get(block, []) + texts["any"]), received_at=received,
            )
            statuses = {"complaint": (("new", 30), ("relayed", 30), ("resolved", 40)),
                        "thanks": (("new", 30), ("relayed", 70)),
                        "suggestion": (("new", 50), ("relayed", 50))}[kind]
            status = _weighted(rng, statuses)
            if status in ("relayed", "resolved"):
                row.status = Feedback.Status.RELAYED
                row.relayed_at = min(received + datetime.timedelta(hours=rng.randint(1, 20)), now)
                row.relayed_by = life.manager
                if member and rng.random() < 0.5:
                    row.staff_response = rng.choice(people.STAFF_RESPONSES)
                    row.responded_at = min(row.relayed_at + datetime.timedelta(hours=rng.randint(1, 24)), now)
            if status == "resolved":
                row.status = Feedback.Status.RESOLVED
                row.resolution = rng.choice(people.RESOLUTIONS)
                row.resolved_at = min(row.relayed_at + datetime.timedelta(hours=rng.randint(2, 40)), now)
                row.resolved_by = life.manager
            row.manager = life.manager
            feedback.append(row)
        self._bulk(Feedback, feedback, "feedback")
        # The manager follows up open complaints.
        self._bulk(Task, [Task(client_id=row.client_id, assigned_to=row.manager,
                               kind=Task.Kind.FEEDBACK, title="Розібратися зі скаргою та передзвонити клієнту",
                               description=row.text, due_date=timezone.localdate(row.received_at) + datetime.timedelta(days=2))
                          for row in feedback if row.kind == "complaint" and row.status == Feedback.Status.NEW],
                   "tasks")

        surveys = []
        for life in rng.sample(members, min(len(members), min(max(len(lives) // 5, 10), 3000))):
            score = _weighted(rng, ((10, 34), (9, 24), (8, 14), (7, 10), (6, 6), (5, 5), (3, 4), (1, 3)))
            category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            tenure = max((self.today - life.joined).days, 1)
            member = rng.choice(self.specialists) if rng.random() < 0.5 else None
            surveys.append(SurveyResponse(
                client_id=life.client.pk, staff_member=member, score=score,
                comment=rng.choice(people.SURVEY_COMMENTS[category]) if rng.random() < 0.35 else "",
                answered_at=now - datetime.timedelta(days=rng.randint(0, min(tenure, 200)), hours=rng.randint(1, 10)),
            ))
        self._bulk(SurveyResponse, surveys, "survey responses")




