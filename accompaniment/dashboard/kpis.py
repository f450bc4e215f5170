"""The dashboard's numbers of one period, each defined once: the docstring of the function that
computes it is its definition (the README quotes them, ``definitions.py``).

Everything is aggregated by the database (conditional ``Count``/``Sum`` with ``filter=Q(...)``,
``Exists``/``Subquery``); Python only does arithmetic on the handful of totals that come back,
so the number of queries does not depend on the amount of data. A department narrows each
number as ``scope.py`` says.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When

from clients import rules
from clients.models import Client, DailyVisits, Membership
from sales import finance
from sales.models import DailyRevenue, Offer, Sale
from staff import nps as nps_rules
from staff.models import Feedback, SurveyResponse

from .period import Period
from .scope import client_scope, feedback_scope, membership_scope, offer_scope, sale_scope

EXPIRY_WINDOWS = (14, 30)


# --- Small arithmetic helpers ----------------------------------------------------------------------
def percent(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal; None when ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def ratio(numerator, denominator, places: str = "0.01") -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places), ROUND_HALF_UP)


# --- Members ---------------------------------------------------------------------------------------
def _cards(department, **aggregates) -> dict:
    """``aggregates`` over the cards (not cancelled) of the department's plans: one statement."""
    return Membership.objects.filter(rules.not_cancelled_q()).filter(membership_scope(department)).aggregate(
        **aggregates
    )


def _active_members_count(on: datetime.date) -> Count:
    return Count("client", distinct=True, filter=rules.member_q(on))


def _expiring_counts(on: datetime.date) -> dict[str, Count]:
    return {f"expiring_{days}": Count("id", filter=rules.expiring_q(on, days)) for days in EXPIRY_WINDOWS}


def _members_in_period_count(period: Period) -> Count:
    return Count("client", distinct=True, filter=Q(start_date__lte=period.end, end_date__gte=period.start))


def active_members(on: datetime.date, department=None) -> int:
    """Active members on a day (``clients.rules``): clients with a membership running that day
    (started, not yet ended, not cancelled) that is not frozen that day. A client with two such
    cards counts once. On the dashboard: as of the period's end (today while the period runs)."""
    return _cards(department, n=_active_members_count(on))["n"]


def memberships_expiring(on: datetime.date, department=None) -> dict[int, int]:
    """Memberships expiring within 14 / 30 days (``clients.rules.expiring_q``): memberships
    running on ``on`` (frozen ones included) whose end date is within the next 14 / 30 days
    (``on`` ≤ end date ≤ ``on`` + N), renewed or not. Returns {14: n, 30: n}."""
    row = _cards(department, **_expiring_counts(on))
    return {days: row[f"expiring_{days}"] for days in EXPIRY_WINDOWS}


def members_in_period(period: Period) -> int:
    """Members in the period: clients with a membership (not cancelled) that runs on at least
    one day of the period. The denominator of visits and revenue per member."""
    return _cards(period.department, n=_members_in_period_count(period))["n"]


def card_counts(period: Period) -> dict:
    """``members_in_period``, ``active_members`` (as of the period's end) and
    ``memberships_expiring`` (expiring_14, expiring_30) of one period: one pass over the cards
    instead of three statements."""
    return _cards(
        period.department,
        members=_members_in_period_count(period),
        active=_active_members_count(period.as_of),
        **_expiring_counts(period.as_of),
    )


def visits_per_member_per_week(period: Period, members: int | None = None) -> Decimal | None:
    """Average visits per member per week: check-ins in the period counted against a membership
    (of the department's plans) ÷ members in the period ÷ the period's length in weeks (days / 7).
    None when there were no members."""
    if members is None:
        members = members_in_period(period)
    # The visits' daily rollup (``clients.models.DailyVisits``: visits on a card per day and plan).
    count = DailyVisits.objects.filter(day__gte=period.start, day__lte=period.end).filter(
        membership_scope(period.department)
    ).aggregate(n=Sum("visits"))["n"] or 0
    if not members:
        return None
    return ratio(count, Decimal(members) * period.weeks)


def new_clients_and_referrals(period: Period) -> dict[str, int]:
    """New clients: clients added to the database in the period (by the time they were created,
    club-local). Referrals: those of them who were referred by another client (``referred_by``
    set). With a department: clients who bought from it or hold a membership of it."""
    return Client.objects.filter(
        client_scope(period.department), created_at__gte=period.since, created_at__lt=period.until
    ).aggregate(new_clients=Count("id"), referrals=Count("id", filter=Q(referred_by__isnull=False)))


# --- Renewals and retention ------------------------------------------------------------------------
def memberships_ended(period: Period) -> QuerySet[Membership]:
    """Memberships (not cancelled) whose end date falls in the period, up to today."""
    return (
        Membership.objects.filter(rules.not_cancelled_q())
        .filter(membership_scope(period.department))
        .filter(end_date__gte=period.start, end_date__lte=period.as_of)
    )


def renewal_rate(period: Period) -> dict:
    """Renewal rate: of the memberships (not cancelled) whose end date falls in the period (up to
    today), the percentage renewed (``clients.rules.renewed_within``): followed by another
    membership of the same client (not cancelled) that starts after the ended one started and
    at most 14 days after its end date: an early renewal that overlaps counts, a start on the
    14th day after the end counts, on the 15th it does not. Returns ended, renewed and rate
    (None when nothing ended)."""
    row = memberships_ended(period).aggregate(
        ended=Count("id"), renewed=Count("id", filter=Q(rules.renewed_within()))
    )
    return {**row, "rate": percent(row["renewed"], row["ended"])}


def _any(condition: Q) -> Max:
    """1 when one of the group's rows meets ``condition``, else 0."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def retention(period: Period) -> dict:
    """Retention: of the clients with a running membership (not cancelled; frozen counts) on the
    period's first day, the percentage who also have one on its last day (today, while the
    period runs). Churn = 100 − retention. Both None when nobody was a member at the start."""
    # One pass over the cards running on either day, grouped by client (rather than every
    # client probed against two sets): a client is "at start" / "at end" if one of theirs runs then.
    start, end = rules.running_q(period.start), rules.running_q(period.as_of)
    row = (
        Membership.objects.filter(membership_scope(period.department))
        .filter(start | end)
        .values("client")
        .annotate(at_start_flag=_any(start), at_end_flag=_any(end))
        .aggregate(
            at_start=Count("client", filter=Q(at_start_flag=1)),
            kept=Count("client", filter=Q(at_start_flag=1, at_end_flag=1)),
        )
    )
    rate = percent(row["kept"], row["at_start"])
    return {**row, "retention": rate, "churn": None if rate is None else Decimal(100) - rate}


# --- Money -----------------------------------------------------------------------------------------
def sales_in(period: Period) -> QuerySet[Sale]:
    return Sale.objects.filter(
        sale_scope(period.department), sold_at__gte=period.since, sold_at__lt=period.until
    )


def revenue(period: Period) -> Decimal:
    """Revenue: the sum of ``Sale.amount`` (quantity × unit price − discount) of the ledger rows
    sold in the period; refunds are negative rows and reduce it, zero-amount rows add nothing."""
    return finance.money(  # the ledger's daily rollup (``sales.models.DailyRevenue``)
        DailyRevenue.objects.filter(sale_scope(period.department), day__gte=period.start, day__lte=period.end)
        .aggregate(total=Sum("revenue"))["total"]
    )


def revenue_per_member(period: Period, *, revenue_total: Decimal, members: int) -> Decimal | None:
    """Average revenue per member: revenue of the period ÷ members in the period (clients with a
    membership running on at least one day of it). None when there were no members."""
    return ratio(revenue_total, members)


# --- Sales effort, feedback, NPS --------------------------------------------------------------------
def offers(period: Period) -> dict:
    """Upsell offers: offers made in the period (by the time offered) of the department's
    services, products or plans; accepted = those whose outcome is "accepted" (whenever the
    answer came); conversion = accepted ÷ made, in % (None when no offer was made)."""
    row = (
        Offer.objects.filter(offered_at__gte=period.since, offered_at__lt=period.until)
        .filter(offer_scope(period.department))
        .aggregate(made=Count("id"), accepted=Count("id", filter=Q(outcome=Offer.Outcome.ACCEPTED)))
    )
    return {**row, "conversion": percent(row["accepted"], row["made"])}


def nps(period: Period) -> dict:
    """NPS (``staff.nps``): % promoters (score 9–10) − % detractors (score 0–6) of the survey
    answers given in the period, rounded half away from zero to a whole number from −100 to 100;
    None when nobody answered. Returns answers, promoters, detractors and score."""
    return nps_rules.nps_of(
        SurveyResponse.objects.filter(answered_at__gte=period.since, answered_at__lt=period.until)
        .filter(feedback_scope(period.department))
    )


def open_complaint_q(moment: datetime.datetime, prefix: str = "") -> Q:
    """A complaint received by ``moment`` and not resolved by then."""
    return Q(**{f"{prefix}kind": Feedback.Kind.COMPLAINT, f"{prefix}received_at__lte": moment}) & ~Q(
        **{f"{prefix}status": Feedback.Status.RESOLVED, f"{prefix}resolved_at__lte": moment}
    )


def feedback_counts(period: Period) -> dict[str, int]:
    """Complaints open: complaints received by the end of the period (now, while it runs) and not
    resolved by then. Overdue: those of them received more than COMPLAINT_OVERDUE_HOURS (48)
    hours before that moment. Thanks: thanks received in the period."""
    moment = period.moment
    overdue_before = moment - datetime.timedelta(hours=settings.COMPLAINT_OVERDUE_HOURS)
    open_q = open_complaint_q(moment)
    return Feedback.objects.filter(feedback_scope(period.department)).filter(
        open_q | Q(kind=Feedback.Kind.THANKS, received_at__gte=period.since, received_at__lt=period.until)
    ).aggregate(
        complaints_open=Count("id", filter=open_q),
        complaints_overdue=Count("id", filter=open_q & Q(received_at__lt=overdue_before)),
        thanks=Count("id", filter=Q(kind=Feedback.Kind.THANKS)),
    )
