"""Planning each new demo client's life in memory, before anything is written: who they are,
which block they come for, which cards they bought and when, their freezes, and where they stand
today (the current card's scenario). The visits on each card are planned in ``visits.py``."""

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from clients import rules
from clients.models import Client, Freeze, Membership, MembershipPlan
from clients.rules import plan_end_date
from sales.services import manual_discount_limit

from . import people
from .catalog import DEMO_EMAIL_DOMAIN
from .rows import ZERO, Mix, MobileNumber, money
from .visits import plan_visits

# Which block a client comes for, and where they stand today (the current card's situation).
PROFILES = Mix((("fitness", 55), ("spa", 14), ("beauty", 16), ("all", 15)))
SCENARIOS = Mix((("lead", 4), ("new", 6), ("running", 50), ("expiring", 12), ("expired", 18),
                  ("frozen", 5), ("cancelled", 5)))
# Plans by their position in catalog.PLANS: gym 1 month, gym 3 months, all inclusive 12 months,
# group training 8 visits, SPA 5 visits, cosmetology course 6 procedures.
PLAN_MIX = {
    "fitness": Mix(((0, 30), (1, 30), (2, 15), (3, 25))),
    "spa": Mix(((4, 75), (2, 25))),
    "beauty": Mix(((5, 80), (4, 20))),
    "all": Mix(((2, 65), (1, 20), (4, 15))),
}
# Visits per week: (low, high, most likely).
RATES = {"fitness": (0.6, 4.0, 2.2), "spa": (0.4, 1.6, 0.8), "beauty": (0.3, 1.2, 0.6),
         "all": (1.0, 4.0, 2.5)}
LANGUAGES = Mix((("uk", 72), ("ru", 24), ("en", 4)))
SOURCES = Mix(people.SOURCES)
# How many earlier cards a returning client bought.
EARLIER_CARDS = Mix(((1, 55), (2, 27), (3, 18)))


@dataclass
class Card:
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

    @functools.cached_property
    def freeze_rows(self) -> list[Freeze]:
        return [Freeze(start_date=start, end_date=end) for start, end, _reason in self.freezes]

    def state_on(self, day: datetime.date) -> str:
        """The card's state on ``day`` by the product's rule (``clients.rules.membership_state``)
        as it stood then: a card cancelled later was still running before its cancellation."""
        cancelled_later = self.cancelled_on is not None and day < self.cancelled_on
        then = SimpleNamespace(
            status=Membership.Status.ACTIVE if cancelled_later else self.status,
            start_date=self.start, end_date=self.end, visit_limit=self.plan.visit_limit,
            visits_used=self.visits_used,
        )
        return rules.membership_state(then, day, freezes=self.freeze_rows)


@dataclass
class Life:
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
    def current(self) -> Card | None:
        return self.cards[-1] if self.cards else None


def plan_life(history) -> Life:
    rng, today = history.rng, history.today
    gender = "f" if rng.random() < 0.62 else "m"
    first = rng.choice(people.FIRST_NAMES_F if gender == "f" else people.FIRST_NAMES_M)
    last_m, last_f = rng.choice(people.LAST_NAMES)
    son, daughter = rng.choice(people.PATRONYMICS)
    age = min(max(int(rng.gauss(36, 11)), 18), 76)
    birth_date = today - datetime.timedelta(days=int(age * 365.25) + rng.randint(0, 364))
    profile = PROFILES.draw(rng)
    flags = plan_flags(history, gender, age)
    goal = rng.choice(people.GOALS[profile])
    needs = rng.choice(people.NEEDS)
    if rng.random() < 0.15:
        needs += " " + people.NEEDS_BY_GENDER[gender]
    consent_email, consent_sms, consent_telegram = (rng.random() < 0.72, rng.random() < 0.55,
                                                    rng.random() < 0.3)
    preferred = ("telegram" if consent_telegram else "email" if consent_email
                 else "sms" if consent_sms else "email")
    last = last_f if gender == "f" else last_m
    manager = rng.choice(history.managers)
    client = history.new_client(
        first_name=first, last_name=last, middle_name=daughter if gender == "f" else son,
        gender=gender, birth_date=birth_date, phone=new_phone(history),
        email=new_email(history, first, last, birth_date),
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
    life = Life(client=client, profile=profile, scenario=SCENARIOS.draw(rng), joined=today,
                rate=rng.triangular(*RATES[profile]), flags=flags, manager=manager, goal=goal)
    plan_cards(history, life)
    return life


def plan_flags(history, gender: str, age: int) -> list[str]:
    rng = history.rng
    if rng.random() > 0.17:
        return []
    codes = ["hypertension", "heart-disease", "varicose-veins", "skin-inflammation",
             "recent-surgery", "spine-injury", "oncology", "pregnancy"]
    weights = [5 if age >= 45 else 1, 2 if age >= 50 else 0.5, 4 if gender == "f" else 1,
               3 if age < 35 else 1, 1.5, 3, 0.4 if age >= 40 else 0.1,
               3 if gender == "f" and 21 <= age <= 42 else 0]
    flags = set(rng.choices(codes, weights, k=2 if rng.random() < 0.2 else 1))
    return sorted(flags)


def new_phone(history) -> MobileNumber:
    """A unique Ukrainian mobile number, built from its parts (no parsing needed)."""
    rng = history.rng
    while True:
        national = int(rng.choice(people.MOBILE_CODES)) * 10**7 + rng.randrange(10**7)
        e164 = f"+380{national}"
        if e164 not in history.taken_phones:
            history.taken_phones.add(e164)
            return MobileNumber(country_code=380, national_number=national)


def new_email(history, first: str, last: str, birth_date: datetime.date) -> str:
    f, l = people.translit(first), people.translit(last)
    local = history.rng.choice((f"{f}.{l}", f"{f}{l}", f"{f[0]}.{l}", f"{l}.{f}",
                                f"{f}.{l}{birth_date:%y}", f"{l}{birth_date:%Y}"))
    email, number = f"{local}@{DEMO_EMAIL_DOMAIN}", 1
    while email in history.taken_emails:
        number += 1
        email = f"{local}{number}@{DEMO_EMAIL_DOMAIN}"
    history.taken_emails.add(email)
    return email


def new_card_number(history) -> str:
    while True:
        number = str(history.rng.randrange(10**7, 10**8))
        if number not in history.taken_cards:
            history.taken_cards.add(number)
            return number


def plan_cards(history, life: Life):
    """The client's memberships, oldest first, placed around today by the scenario."""
    rng, today, scenario = history.rng, history.today, life.scenario
    if scenario == "lead":  # came for an intro visit, has not bought anything yet
        life.joined = today - history.days(0, 40)
        return
    plan = history.plans[PLAN_MIX[life.profile].draw(rng)]
    days = plan.duration_days
    if scenario == "new":
        start = today - history.days(0, 10)
    elif scenario in ("running", "frozen"):
        start = today - history.days(3, days - 16)
    elif scenario == "expiring":  # ends within 14 days
        start = today - datetime.timedelta(days=days - 1) + history.days(0, 14)
    elif scenario == "expired":
        start = today - datetime.timedelta(days=days - 1) - history.days(1, 150)
    else:  # cancelled
        start = today - history.days(12, 160)
    current = new_card(history, plan, start)
    cards = [current]
    if scenario == "cancelled":
        current.status = Membership.Status.CANCELLED
        current.cancelled_on = min(today, start + history.days(5, 40))
        current.cancel_reason = rng.choice(people.CANCEL_REASONS)
        if rng.random() < 0.5:
            unused = max((current.end - current.cancelled_on).days, 0) / days
            current.refund = money(round(float(plan.price - current.discount) * unused * 0.8, -1))
    # Earlier cards: renewals back to back or after a short break.
    if scenario != "new" and rng.random() < 0.55 * history.density:
        for _ in range(EARLIER_CARDS.draw(rng)):
            earlier = plan if rng.random() < 0.7 else history.plans[PLAN_MIX[life.profile].draw(rng)]
            gap = 0 if rng.random() < 0.7 else rng.randint(1, 25)
            end = cards[0].start - datetime.timedelta(days=1 + gap)
            earlier_start = end - datetime.timedelta(days=earlier.duration_days - 1)
            if earlier_start < today - datetime.timedelta(days=4 * 365):
                break
            cards.insert(0, new_card(history, earlier, earlier_start))
    # Some renewed a card that is about to end, ahead of time.
    if scenario == "expiring" and rng.random() < 0.25:
        renewal = new_card(history, plan, current.end + datetime.timedelta(days=1))
        renewal.sold_on = today - history.days(0, 5)
        cards.append(renewal)
    life.cards = cards
    if scenario == "frozen":
        freeze_now(history, current)
    elif scenario == "running" and rng.random() < 0.08:
        freeze_past(history, current)
    life.joined = cards[0].start - (history.days(0, 4) if scenario != "new" else datetime.timedelta())
    lapsing = scenario in ("running", "expiring") and rng.random() < 0.12
    for card in cards:
        plan_visits(history, life, card, lapsing and card is current)


def new_card(history, plan: MembershipPlan, start: datetime.date) -> Card:
    rng = history.rng
    card = Card(plan=plan, start=start, end=plan_end_date(plan, start),
                number=new_card_number(history), sold_on=min(start, history.today))
    if rng.random() < 0.12:  # a regular's discount: the most the desk gives by hand
        card.discount = manual_discount_limit(plan.price)
    if rng.random() < 0.25:
        card.seller = history.frontdesk  # otherwise the client's manager
    return card


def freeze_now(history, card: Card):
    """Frozen today: an open freeze, or a closed one that covers today (end date moved)."""
    rng, today = history.rng, history.today
    allowed = card.plan.max_freeze_days
    start = today - history.days(0, min((today - card.start).days, allowed - 1, 10))
    if rng.random() < 0.2:
        card.freezes.append((start, None, rng.choice(people.OPEN_FREEZE_REASONS)))
        return
    days = rng.randint(max((today - start).days + 1, min(5, allowed)), allowed)
    card.freezes.append((start, start + datetime.timedelta(days=days - 1), rng.choice(people.FREEZE_REASONS)))
    card.end += datetime.timedelta(days=days)


def freeze_past(history, card: Card):
    rng, today = history.rng, history.today
    allowed = card.plan.max_freeze_days
    days = rng.randint(min(5, allowed), min(14, allowed))
    latest_start = today - datetime.timedelta(days=days + 3)
    if latest_start <= card.start + datetime.timedelta(days=3):
        return
    start = card.start + history.days(3, (latest_start - card.start).days)
    card.freezes.append((start, start + datetime.timedelta(days=days - 1), rng.choice(people.FREEZE_REASONS)))
    card.end += datetime.timedelta(days=days)


def profile_department(history, profile: str):
    return history.club.departments[{"spa": "spa", "beauty": "cosmetology"}.get(profile, "fitness")]
