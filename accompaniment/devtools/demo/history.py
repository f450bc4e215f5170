"""Demo clients and everything that happens to them, written in bulk.

Each new client's life is planned first, in memory (``lives.py``: who they are, which cards
they bought, when they came, froze, cancelled), then written table by table with
``bulk_create`` in batches, one module per part of the club (``memberships.py``,
``programs.py``, ``upsell.py``, ``relationship.py``, ``feedback.py``). ``bulk_create`` skips
``save()`` and the services, so the demo writes what they would write, through their own
pieces where the product has them, and keeps their rules:

* each card is sold as ``membership_sell`` sells one: its ledger row is
  ``sales.services.membership_sale_row``'s (the plan's department, the card's number, the
  discount within what the desk may give by hand); a refund is a negative row;
* each visit is a check-in the rule allows (``visits.py``: the earliest card that runs that
  day, is not frozen and has a visit left; ``clients.rules.membership_state``), counted in
  ``visits_used`` together with the earlier visits; a freeze moves the end date;
* offers keep the upsell policy; feedback goes through the loop's steps (relayed only to a
  staff member); a detractor's survey answer becomes a complaint
  (``staff.services.detractor_complaint``);
* timestamps are never in the future.

Scale: a club of up to ``FULL_HISTORY_UP_TO`` clients gets the full history (visits over the
last ``HISTORY_DAYS`` days, renewals, intro visits and calls back to the first card,
measurements…). A bigger club keeps every kind of row but a thinner history per client: visits
over at least the last two weeks, interactions over at least the last six weeks, fewer
renewals, purchases, calls and measurements; so that 50,000 clients seed in under a minute.
"""

import datetime
import random

from clients.models import Client, Interaction, Measurement, Membership, Visit
from sales.models import Sale

from . import feedback, lives, memberships, programs, relationship, upsell
from .rows import Factory, column

FULL_HISTORY_UP_TO = 6000
HISTORY_DAYS = 120
MIN_HISTORY_DAYS = 14
TIMELINE_DAYS = 4 * 365
MIN_TIMELINE_DAYS = 45


class ClientHistory:
    """Plans and writes ``missing`` new demo clients for ``club`` (a DemoClub): what every part
    of the writing shares (the generator, the dates, the club's people and offerings), and the
    order of the parts (``run``)."""

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
        self.new_client = Factory(Client)
        self.new_membership = Factory(Membership)
        self.new_visit = Factory(Visit)
        self.new_sale = Factory(Sale)
        self.new_interaction = Factory(Interaction)
        self.new_measurement = Factory(Measurement)

    def run(self) -> list[int]:
        self.taken_phones = column(Client, "phone")
        self.taken_emails = {email.lower() for email in column(Client, "email")}
        self.taken_cards = column(Membership, "card_number")
        # Older clients first: ids follow the order in which people joined the club.
        planned = sorted((lives.plan_life(self) for _ in range(self.missing)), key=lambda life: life.joined)
        memberships.write_clients(self, planned)
        memberships.write_memberships(self, planned)
        done_sessions = programs.write_programs(self, planned)
        recommendations = upsell.write_recommendations(self, planned, done_sessions)
        upsell.write_offers_and_sales(self, planned, recommendations)
        relationship.write_interactions_and_tasks(self, planned)
        relationship.write_measurements(self, planned)
        feedback.write_feedback_and_surveys(self, planned)
        return [life.client.pk for life in planned]

    def bulk(self, model, rows, label):
        return self.club.bulk(model, rows, label)

    def at(self, day, hour, minute=0):
        return self.club.at(day, hour, minute)

    def past(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        """A moment on ``day``, moved back to a few minutes ago if it is still to come."""
        return min(self.at(day, hour, minute), self.latest)

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))
