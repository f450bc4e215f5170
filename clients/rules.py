"""The membership rules, each written once: what a card is on a day, who is a member, what is
renewed, expiring soon or lapsed. Every page, filter, reminder, export and the dashboard calls
these; none of them spells a rule out again. (The README's *Business rules* quotes this list.)

A *day* is always a club-local date (``timezone.localdate()``); moments come from ``core.dates``.

- **Not cancelled**: status "active" — the only other status is "cancelled". *Frozen* is not a
  status: a freeze is a row (``Freeze``) and "frozen" is computed for a day.
- **Running on a day**: not cancelled, started (start date ≤ day) and not ended (day ≤ end date);
  frozen or not, visits left or not. A card ending today runs today; one starting today too.
- **Frozen on a day**: running, and one of its freezes covers the day (first frozen day ≤ day ≤
  last frozen day, or the freeze is still open).
- **Usable for a check-in on a day**: running, not frozen, and visits left (no visit limit, or
  fewer visits used than the limit).
- **Active member on a day**: a client with a card running and not frozen that day. A used-up
  card still makes an active member (check-in is refused, the client is still a member); a client
  with two such cards counts once.
- **Renewed**: a card followed by another card of the same client (not cancelled) that starts
  after it started and at most RENEWAL_WINDOW_DAYS (14) days after its end date: an early renewal
  that overlaps counts, a start on the 14th day after the end counts, on the 15th it does not.
- **Expiring soon**: running on the day and ending within EXPIRING_SOON_DAYS (7) days (day ≤ end
  date ≤ day + 7), frozen ones included; "without renewal" adds: not renewed.
- **End date of a plan from a start**: a plan of N days started on S ends on S + N − 1 (both days
  included); each frozen day moves it one day later.
- **Lapsed**: a client with a running, unfrozen card that started at least LAPSED_DAYS (14) days
  ago and no visit since the first moment of the club-local day 14 days ago (the last visit, if
  any, was 15 or more days ago). Lapsed is one of the reasons a client is *at risk*
  (``accompaniment.dashboard.at_risk_client_sets``), not another name for it.
- **Birthday on a day**: born on that month and day; those born on 29 February on the 28th in
  other years.

Each rule is a query builder (a ``Q`` for membership rows, a queryset, or the ids of the clients
as an uncorrelated subquery, which PostgreSQL hashes once instead of probing every row); where a
page holds rows already in memory, a Python twin (``membership_state``, ``freeze_covers``,
``is_expiring_soon``) states the same rule, and the tests hold the twins equal.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery

from core.dates import is_leap_year, since_days_ago

from .models import Client, ClientLastVisit, Freeze, Membership, MembershipPlan

RENEWAL_WINDOW_DAYS = 14
EXPIRING_SOON_DAYS = 7
# The lapsed-client rule's days: REMINDER_LAPSED_DAYS in the settings (14 by default).
LAPSED_DAYS = settings.REMINDER_LAPSED_DAYS


# --- One card on a day ----------------------------------------------------------------------------
def not_cancelled_q() -> Q:
    """A card that is not cancelled (status "active", the only other status)."""
    return Q(status=Membership.Status.ACTIVE)


def running_q(day: datetime.date) -> Q:
    """A card running on ``day``: not cancelled, started, not ended; frozen or not."""
    return not_cancelled_q() & Q(start_date__lte=day, end_date__gte=day)


def running_on(day: datetime.date) -> QuerySet[Membership]:
    return Membership.objects.filter(running_q(day))


def freeze_covering_q(day: datetime.date) -> Q:
    """A freeze (row) that covers ``day``: begun by then, and ended no earlier or still open."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def freeze_covers(freeze: Freeze, day: datetime.date) -> bool:
    """``freeze_covering_q`` for a freeze in memory."""
    return freeze.start_date <= day and (freeze.end_date is None or freeze.end_date >= day)


def frozen_membership_ids(day: datetime.date) -> QuerySet:
    """The ids of the cards a freeze covers on ``day``, as an uncorrelated subquery."""
    return Freeze.objects.filter(freeze_covering_q(day)).values("membership_id")


def frozen_q(day: datetime.date) -> Q:
    """A card frozen on ``day``: running, and a freeze covers the day."""
    return running_q(day) & Q(pk__in=frozen_membership_ids(day))


def frozen_on(day: datetime.date) -> QuerySet[Membership]:
    return Membership.objects.filter(frozen_q(day))


def member_q(day: datetime.date) -> Q:
    """A card that makes its client an active member on ``day``: running and not frozen."""
    return running_q(day) & ~Q(pk__in=frozen_membership_ids(day))


def visits_left_q() -> Q:
    """A card with visits left: no visit limit, or fewer visits used than the limit."""
    return Q(visit_limit__isnull=True) | Q(visits_used__lt=F("visit_limit"))


def usable_q(day: datetime.date) -> Q:
    """A card usable for a check-in on ``day``: running, not frozen, with visits left."""
    return member_q(day) & visits_left_q()


def usable_for_check_in(day: datetime.date) -> QuerySet[Membership]:
    return Membership.objects.filter(usable_q(day))


def check_in_cards(client, day: datetime.date) -> QuerySet[Membership]:
    """The client's cards a check-in on ``day`` may count against, the one it counts against
    first: usable that day, the earliest-starting one."""
    return usable_for_check_in(day).filter(client=client).order_by("start_date", "id")


def not_started_q(day: datetime.date) -> Q:
    """A card (not cancelled) that starts after ``day``."""
    return not_cancelled_q() & Q(start_date__gt=day)


def ended_q(day: datetime.date) -> Q:
    """A card (not cancelled) that ended before ``day``."""
    return not_cancelled_q() & Q(end_date__lt=day)


def not_over_q(day: datetime.date) -> Q:
    """A card (not cancelled) not yet ended on ``day``: running, frozen or still to start."""
    return not_cancelled_q() & Q(end_date__gte=day)


# --- Renewed, expiring soon -----------------------------------------------------------------------
def _renewals(days: int = RENEWAL_WINDOW_DAYS) -> QuerySet[Membership]:
    """For a card (the outer row): the same client's other cards (not cancelled) that renew it —
    starting after it started and no later than ``days`` days after its end date."""
    return (
        Membership.objects.filter(not_cancelled_q())
        .filter(
            client=OuterRef("client"),
            start_date__gt=OuterRef("start_date"),
            start_date__lte=ExpressionWrapper(
                OuterRef("end_date") + datetime.timedelta(days=days), output_field=DateField()
            ),
        )
        .exclude(pk=OuterRef("pk"))
    )


def renewed_within(days: int = RENEWAL_WINDOW_DAYS) -> Exists:
    """For a card (the outer row): the same client has another card (not cancelled) that starts
    after this one started and no later than ``days`` days after this one's end date."""
    return Exists(_renewals(days))


def without_renewal(memberships: QuerySet[Membership], days: int = RENEWAL_WINDOW_DAYS) -> QuerySet[Membership]:
    """``memberships`` not renewed (``renewed_within``). Each card's renewal is looked up among its
    client's cards (by their index, a subquery per card) rather than by a NOT EXISTS, which
    PostgreSQL turns into an anti-join hashing every card of the club: for the few thousand cards
    ending within a month at the bench club, a third of the time."""
    return memberships.alias(renewing_card=Subquery(_renewals(days).order_by().values("pk")[:1])).filter(
        renewing_card__isnull=True
    )


def expiring_q(day: datetime.date, within: int = EXPIRING_SOON_DAYS) -> Q:
    """A card running on ``day`` that ends within ``within`` days (day ≤ end ≤ day + within)."""
    return running_q(day) & Q(end_date__lte=day + datetime.timedelta(days=within))


def expiring_soon(day: datetime.date, within: int = EXPIRING_SOON_DAYS) -> QuerySet[Membership]:
    """Cards running on ``day`` and ending within ``within`` days, frozen ones included,
    renewed or not."""
    return Membership.objects.filter(expiring_q(day, within))


def expiring_unrenewed(day: datetime.date, within: int = EXPIRING_SOON_DAYS) -> QuerySet[Membership]:
    """``expiring_soon`` cards that are not renewed (``without_renewal``)."""
    return without_renewal(expiring_soon(day, within))


def is_expiring_soon(days_left: int | None) -> bool:
    """``expiring_q`` for a running card in memory, by its days left (end date − day)."""
    return days_left is not None and 0 <= days_left <= EXPIRING_SOON_DAYS


def plan_end_date(plan: MembershipPlan, start: datetime.date) -> datetime.date:
    """The end date of a card of ``plan`` started on ``start``: both days count, so a 30-day
    plan started on the 1st ends on the 30th."""
    return start + datetime.timedelta(days=plan.duration_days - 1)


# --- Clients --------------------------------------------------------------------------------------
def clients_with(memberships: QuerySet[Membership]) -> Q:
    """A client holding one of ``memberships`` (an uncorrelated ``IN``)."""
    return Q(pk__in=memberships.values("client_id"))


def active_member_q(day: datetime.date) -> Q:
    """An active member on ``day``: a client with a card running and not frozen that day."""
    return clients_with(Membership.objects.filter(member_q(day)))


def active_members_on(day: datetime.date) -> QuerySet[Client]:
    return Client.objects.filter(active_member_q(day))


# The client list's membership states: each client is in exactly one on a day.
CLIENT_STATES = ("active", "frozen", "not_started", "expired", "none")


def client_state_q(state: str, day: datetime.date) -> Q:
    """A client's membership state on ``day``, from their cards (not cancelled):

    - active: an active member (a running card not frozen);
    - frozen: running cards, all of them frozen;
    - not_started: no running card, one still to start;
    - expired: cards that all ended;
    - none: no card (cancelled ones do not count).
    """
    active = active_member_q(day)
    running = clients_with(running_on(day))
    if state == "active":
        return active
    if state == "frozen":
        return running & ~active
    if state == "not_started":
        return clients_with(Membership.objects.filter(not_started_q(day))) & ~running
    if state == "expired":
        return clients_with(Membership.objects.filter(not_cancelled_q())) & ~clients_with(
            Membership.objects.filter(not_over_q(day))
        )
    if state == "none":
        return ~clients_with(Membership.objects.filter(not_cancelled_q()))
    raise ValueError(f"Unknown client membership state: {state}")


def lapsed_client_ids(day: datetime.date, days: int = LAPSED_DAYS) -> QuerySet:
    """The ids of the clients lapsed on ``day`` (see the module's rule), as an uncorrelated
    subquery: a running, unfrozen card started at least ``days`` days ago, and no visit since
    the first moment of the club-local day ``days`` days ago."""
    since = since_days_ago(day, days)
    # "No visit since" is "not among the clients whose last visit (ClientLastVisit, a rollup kept
    # by triggers) is since then": a short range of that rollup's time index, hashed once, rather
    # than a join of the cards with every client and every client's last visit.
    return (
        Membership.objects.filter(member_q(day))
        .filter(start_date__lte=day - datetime.timedelta(days=days))
        .exclude(client_id__in=ClientLastVisit.objects.filter(checked_in_at__gte=since).values("client_id"))
        .values("client_id")
    )


def lapsed_q(day: datetime.date, days: int = LAPSED_DAYS) -> Q:
    """A lapsed client on ``day`` (``lapsed_client_ids``)."""
    return Q(pk__in=lapsed_client_ids(day, days))


def birthday_q(day: datetime.date) -> Q:
    """A client whose birthday is ``day``; those born on 29 February on the 28th in other years."""
    query = Q(birth_date__month=day.month, birth_date__day=day.day)
    if (day.month, day.day) == (2, 28) and not is_leap_year(day.year):
        query |= Q(birth_date__month=2, birth_date__day=29)
    return query


# --- A card in memory -----------------------------------------------------------------------------
# One word for what a card is on a day, in this order: cancelled, not_started, expired, frozen,
# used_up, active ("active" = usable for a check-in).
MEMBERSHIP_STATES = ("cancelled", "not_started", "expired", "frozen", "used_up", "active")
RUNNING_STATES = ("frozen", "used_up", "active")


def membership_state(membership: Membership, day: datetime.date, freezes=None) -> str:
    """The rules above for one card in memory (``running_q``, ``frozen_q``, ``usable_q``): uses
    ``membership.freezes`` (prefetch it for lists), or ``freezes`` when given (a card not saved
    yet, as the demo club plans them)."""
    if membership.status != Membership.Status.ACTIVE:  # not ``not_cancelled_q``
        return "cancelled"
    if membership.start_date > day:
        return "not_started"
    if membership.end_date < day:
        return "expired"
    if any(freeze_covers(freeze, day) for freeze in (membership.freezes.all() if freezes is None else freezes)):
        return "frozen"
    if membership.visit_limit is not None and membership.visits_used >= membership.visit_limit:
        return "used_up"
    return "active"


def is_running(membership: Membership, day: datetime.date) -> bool:
    """``running_q`` for a card in memory (no query)."""
    return (
        membership.status == Membership.Status.ACTIVE
        and membership.start_date <= day <= membership.end_date
    )
