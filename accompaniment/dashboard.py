"""The director's dashboard: every number it shows, each defined once, here.

A *period* is a pair of club-local dates (both included) and, optionally, a department. Each
KPI is one function whose docstring is its definition (the README quotes them); the page, its
CSV exports and the tests all call these functions. Everything is aggregated by the database
(conditional ``Count``/``Sum`` with ``filter=Q(...)``, ``Exists``/``Subquery``, ``TruncMonth``);
Python only does arithmetic on the handful of totals that come back, so the number of queries
does not depend on the amount of data.

How a department narrows each number: a membership belongs to its plan's department
(``MembershipPlan.department_code``); a sale to its ``department``;
an offer to the department of the service, product or plan offered; feedback and survey
answers to the department of the staff member or service they are about; a visit to that of the
membership it was counted against; a client to every department they bought from (a sale) or
hold a membership of.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core import roles
from core.dates import day_start
from clients import rules
from clients.models import Client, Membership, Visit
from clients.selectors import current_membership_subquery, last_visit_subquery
from sales import finance
from sales.finance import ZERO
from sales.models import Offer, Sale
from staff import nps as nps_rules
from staff.models import Department, Feedback, StaffMember, SurveyResponse

EXPIRY_WINDOWS = (14, 30)
RENEWALS_DUE_DAYS = 30
SERIES_MONTHS = 12
LOW_NPS_DAYS = 90
AT_RISK_EXPIRY_DAYS = 14
AT_RISK_LIMIT = 50
STAFF_SUMMARY_SIZE = 3


# --- The period ---------------------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return datetime.date(year, month, min(day.day, (following - datetime.timedelta(days=1)).day))


@dataclasses.dataclass(frozen=True)
class Period:
    """Club-local dates ``start``..``end`` (both included) and an optional department.

    ``now`` is the moment the dashboard is looked at: values "as of" the period (active members,
    open complaints…) are taken at the period's end, or now if the period has not ended yet.
    """

    start: datetime.date
    end: datetime.date
    department: Department | None = None
    now: datetime.datetime = dataclasses.field(default_factory=timezone.now)

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.now).date()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> Decimal:
        return Decimal(self.days) / Decimal(7)

    @property
    def months(self) -> int:
        """Calendar months in the period, rounded up: 1 for any part of a month, 1 for
        1–31 October, 3 for a quarter, 2 for 15 October – 15 November (one month and a day)."""
        whole = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        if add_months(self.start, whole) > self.end + datetime.timedelta(days=1):
            whole -= 1
        return whole + (add_months(self.start, whole) < self.end + datetime.timedelta(days=1))

    @property
    def as_of(self) -> datetime.date:
        """The day "as of" values are taken on: the period's last day, or today if earlier."""
        return min(self.end, self.today)

    @property
    def since(self) -> datetime.datetime:
        return day_start(self.start)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the period (exclusive upper bound for timestamps)."""
        return day_start(self.end + datetime.timedelta(days=1))

    @property
    def moment(self) -> datetime.datetime:
        """The moment "as of" values are taken at: the end of the period, or now."""
        return min(self.until, self.now)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return dataclasses.replace(
            self,
            start=self.start - datetime.timedelta(days=self.days),
            end=self.start - datetime.timedelta(days=1),
        )

    def month_starts(self) -> list[datetime.date]:
        """The first days of the SERIES_MONTHS calendar months ending with the period's last."""
        last = self.end.replace(day=1)
        return [add_months(last, -back) for back in range(SERIES_MONTHS - 1, -1, -1)]


# --- How a department narrows a query ------------------------------------------------------------
def membership_scope(department, prefix: str = "") -> Q:
    if department is None:
        return Q()
    return Q(**{f"{prefix}plan__department_code": department.code})


def sale_scope(department, prefix: str = "") -> Q:
    return Q() if department is None else Q(**{f"{prefix}department": department})


def offer_scope(department) -> Q:
    if department is None:
        return Q()
    return (
        Q(service__department=department)
        | Q(product__department=department)
        | Q(plan__department_code=department.code)
    )


def feedback_scope(department) -> Q:
    """For Feedback and SurveyResponse alike: about the department's staff or services."""
    if department is None:
        return Q()
    return Q(staff_member__department=department) | Q(service__department=department)


def client_scope(department, ref: str = "pk") -> Q:
    """Clients of a department: those who bought from it or hold a membership of it (as
    uncorrelated ``IN`` subqueries, which PostgreSQL hashes once instead of probing per row)."""
    if department is None:
        return Q()
    return Q(**{f"{ref}__in": Sale.objects.filter(department=department).values("client_id")}) | Q(
        **{f"{ref}__in": Membership.objects.filter(membership_scope(department)).values("client_id")}
    )


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
def active_members(on: datetime.date, department=None) -> int:
    """Active members on a day (``clients.rules``): clients with a membership running that day
    (started, not yet ended, not cancelled) that is not frozen that day. A client with two such
    cards counts once. On the dashboard: as of the period's end (today while the period runs)."""
    return Membership.objects.filter(rules.not_cancelled_q()).filter(
        membership_scope(department)
    ).aggregate(n=Count("client", distinct=True, filter=rules.member_q(on)))["n"]


def memberships_expiring(on: datetime.date, department=None) -> dict[int, int]:
    """Memberships expiring within 14 / 30 days (``clients.rules.expiring_q``): memberships
    running on ``on`` (frozen ones included) whose end date is within the next 14 / 30 days
    (``on`` ≤ end date ≤ ``on`` + N), renewed or not. Returns {14: n, 30: n}."""
    row = (
        rules.running_on(on)
        .filter(membership_scope(department))
        .aggregate(**{f"d{days}": Count("id", filter=rules.expiring_q(on, days)) for days in EXPIRY_WINDOWS})
    )
    return {days: row[f"d{days}"] for days in EXPIRY_WINDOWS}


def members_in_period(period: Period) -> int:
    """Members in the period: clients with a membership (not cancelled) that runs on at least
    one day of the period. The denominator of visits and revenue per member."""
    return (
        Membership.objects.filter(rules.not_cancelled_q())
        .filter(membership_scope(period.department))
        .filter(start_date__lte=period.end, end_date__gte=period.start)
        .aggregate(n=Count("client", distinct=True))["n"]
    )


def visits_per_member_per_week(period: Period, members: int | None = None) -> Decimal | None:
    """Average visits per member per week: check-ins in the period counted against a membership
    (of the department's plans) ÷ members in the period ÷ the period's length in weeks (days / 7).
    None when there were no members."""
    if members is None:
        members = members_in_period(period)
    visits = Visit.objects.filter(
        membership__isnull=False, checked_in_at__gte=period.since, checked_in_at__lt=period.until
    ).filter(membership_scope(period.department, "membership__"))
    count = visits.aggregate(n=Count("id"))["n"]
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


def retention(period: Period) -> dict:
    """Retention: of the clients with a running membership (not cancelled; frozen counts) on the
    period's first day, the percentage who also have one on its last day (today, while the
    period runs). Churn = 100 − retention. Both None when nobody was a member at the start."""
    scope = membership_scope(period.department)

    def running(on):
        return rules.clients_with(rules.running_on(on).filter(scope))

    row = Client.objects.filter(running(period.start)).aggregate(
        at_start=Count("id"), kept=Count("id", filter=running(period.as_of))
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
    return finance.money(sales_in(period).aggregate(total=Sum("amount"))["total"])


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


def _open_complaint_q(moment: datetime.datetime, prefix: str = "") -> Q:
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
    open_q = _open_complaint_q(moment)
    return Feedback.objects.filter(feedback_scope(period.department)).filter(
        open_q | Q(kind=Feedback.Kind.THANKS, received_at__gte=period.since, received_at__lt=period.until)
    ).aggregate(
        complaints_open=Count("id", filter=open_q),
        complaints_overdue=Count("id", filter=open_q & Q(received_at__lt=overdue_before)),
        thanks=Count("id", filter=Q(kind=Feedback.Kind.THANKS)),
    )


# --- The headline KPIs, this period and the previous one -------------------------------------------
# key, label, kind (how to show it), which way is better, one line for the page.
KPIS = [
    ("active_members", _("Active members"), "count", "up",
     _("Clients with a running, unfrozen membership at the end of the period (today while it runs).")),
    ("new_clients", _("New clients"), "count", "up", _("Clients added in the period.")),
    ("expiring_14", _("Expiring within 14 days"), "count", None,
     _("Running memberships that end within 14 days.")),
    ("expiring_30", _("Expiring within 30 days"), "count", None,
     _("Running memberships that end within 30 days.")),
    ("renewal_rate", _("Renewal rate"), "percent", "up",
     _("Memberships that ended in the period followed by a new one within 14 days.")),
    ("retention", _("Retention"), "percent", "up",
     _("Members at the period's start who are still members at its end.")),
    ("churn", _("Churn"), "percent", "down", _("100 % minus retention.")),
    ("visits_per_member_week", _("Visits per member per week"), "decimal", "up",
     _("Check-ins in the period ÷ members ÷ weeks.")),
    ("revenue", _("Revenue"), "money", "up", _("The sales ledger of the period, refunds deducted.")),
    ("revenue_per_member", _("Revenue per member"), "money", "up",
     _("Revenue ÷ clients with a membership running in the period.")),
    ("offers_made", _("Offers made"), "count", "up", _("Upsell offers made in the period.")),
    ("offers_accepted", _("Offers accepted"), "count", "up", _("Offers of the period the client accepted.")),
    ("offer_conversion", _("Offer conversion"), "percent", "up", _("Accepted ÷ made.")),
    ("nps", _("NPS"), "score", "up", _("% promoters (9–10) − % detractors (0–6) of survey answers.")),
    ("complaints_open", _("Open complaints"), "count", "down",
     _("Complaints not resolved at the end of the period.")),
    ("complaints_overdue", _("Overdue complaints"), "count", "down",
     _("Open complaints past the response deadline (48 hours by default).")),
    ("thanks", pgettext_lazy("how many", "Thanks"), "count", "up", _("Thanks received in the period.")),
    ("referrals", _("Referrals"), "count", "up", _("New clients referred by another client.")),
]

def kpi_values(period: Period) -> dict:
    """Every headline number of one period, keyed as in KPIS (about a dozen queries)."""
    members = members_in_period(period)
    revenue_total = revenue(period)
    expiring = memberships_expiring(period.as_of, period.department)
    renewals = renewal_rate(period)
    kept = retention(period)
    offered = offers(period)
    growth = new_clients_and_referrals(period)
    feedback = feedback_counts(period)
    return {
        "active_members": active_members(period.as_of, period.department),
        "new_clients": growth["new_clients"],
        "expiring_14": expiring[14],
        "expiring_30": expiring[30],
        "renewal_rate": renewals["rate"],
        "retention": kept["retention"],
        "churn": kept["churn"],
        "visits_per_member_week": visits_per_member_per_week(period, members=members),
        "revenue": revenue_total,
        "revenue_per_member": revenue_per_member(period, revenue_total=revenue_total, members=members),
        "offers_made": offered["made"],
        "offers_accepted": offered["accepted"],
        "offer_conversion": offered["conversion"],
        "nps": nps(period)["score"],
        "complaints_open": feedback["complaints_open"],
        "complaints_overdue": feedback["complaints_overdue"],
        "thanks": feedback["thanks"],
        "referrals": growth["referrals"],
    }


def kpis(period: Period) -> list[dict]:
    """The headline KPIs with the previous period of the same length beside each and the change
    (in points for percentages and NPS, otherwise absolute and in %)."""
    current, previous = kpi_values(period), kpi_values(period.previous())
    rows = []
    for key, label, kind, better, help_text in KPIS:
        value, before = current[key], previous[key]
        change = None if value is None or before is None else value - before
        change_percent = None
        if change is not None and kind not in ("percent", "score") and before:
            change_percent = (Decimal(change) * 100 / abs(Decimal(before))).quantize(
                Decimal("0.1"), ROUND_HALF_UP
            )
        trend = None
        if change and better:
            trend = "good" if (change > 0) == (better == "up") else "bad"
        rows.append({
            "key": key, "label": label, "kind": kind, "help": help_text, "value": value,
            "previous": before, "change": change, "change_percent": change_percent, "trend": trend,
        })
    return rows


# --- Monthly series --------------------------------------------------------------------------------
def _month_label(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def revenue_by_month(period: Period) -> dict:
    """Revenue by month and department: the ledger (as in ``revenue``) of the 12 calendar months
    ending with the period's last month, summed per club-local month and department.
    Returns months, departments (names, sorted) and values[department][month index]."""
    months = period.month_starts()
    rows = (
        Sale.objects.filter(
            sale_scope(period.department),
            sold_at__gte=day_start(months[0]),
            sold_at__lt=day_start(add_months(months[-1], 1)),
        )
        .annotate(month=TruncMonth("sold_at", output_field=DateField()))
        .order_by()
        .values("month", "department__name")
        .annotate(total=Sum("amount"))
    )
    index = {month: i for i, month in enumerate(months)}
    values: dict[str, list[Decimal]] = {}
    for row in rows:  # one row per month and department: at most 12 × departments
        series = values.setdefault(row["department__name"], [ZERO] * len(months))
        series[index[_month_label(row["month"])]] = finance.money(row["total"])
    names = sorted(values)
    totals = [sum((values[name][i] for name in names), ZERO) for i in range(len(months))]
    return {"months": months, "departments": names, "values": {n: values[n] for n in names}, "totals": totals}


def active_members_by_month(period: Period) -> dict:
    """Active members (as in ``active_members``) on the last day of each of the 12 months ending
    with the period's last month (on the period's "as of" day for the month it falls in)."""
    months = period.month_starts()
    days = [min(add_months(month, 1) - datetime.timedelta(days=1), period.as_of) for month in months]
    row = (
        Membership.objects.filter(rules.not_cancelled_q())
        .filter(membership_scope(period.department))
        .filter(start_date__lte=days[-1], end_date__gte=days[0])
        .aggregate(
            **{
                f"m{i}": Count("client", distinct=True, filter=rules.member_q(day))
                for i, day in enumerate(days)
            }
        )
    )
    return {"months": months, "days": days, "values": [row[f"m{i}"] for i in range(len(months))]}


def renewal_rate_by_month(period: Period) -> dict:
    """Renewal rate (as in ``renewal_rate``) of the memberships that ended in each of the 12 months
    ending with the period's last month. Returns ended, renewed and rate per month."""
    months = period.month_starts()
    rows = (
        Membership.objects.filter(rules.not_cancelled_q())
        .filter(membership_scope(period.department))
        .filter(end_date__gte=months[0], end_date__lte=period.as_of)
        .annotate(month=TruncMonth("end_date"), renewed=rules.renewed_within())
        .order_by()
        .values("month")
        .annotate(ended=Count("id"), renewed_count=Count("id", filter=Q(renewed=True)))
    )
    by_month = {row["month"]: row for row in rows}
    ended = [by_month.get(m, {}).get("ended", 0) for m in months]
    renewed = [by_month.get(m, {}).get("renewed_count", 0) for m in months]
    return {
        "months": months, "ended": ended, "renewed": renewed,
        "rates": [percent(r, e) for r, e in zip(renewed, ended)],
    }


def nps_by_month(period: Period) -> dict:
    """NPS (as in ``nps``) of the survey answers given in each of the 12 months ending with the
    period's last month. Returns answers and score per month (None for a month without answers)."""
    months = period.month_starts()
    rows = (
        SurveyResponse.objects.filter(
            feedback_scope(period.department),
            answered_at__gte=day_start(months[0]),
            answered_at__lt=day_start(add_months(months[-1], 1)),
        )
        .annotate(month=TruncMonth("answered_at", output_field=DateField()))
        .order_by()
        .values("month")
        .annotate(**nps_rules.nps_counts())
    )
    by_month = {_month_label(row["month"]): row for row in rows}
    empty = {"answers": 0, "promoters": 0, "detractors": 0}
    return {
        "months": months,
        "answers": [by_month.get(m, empty)["answers"] for m in months],
        "scores": [nps_rules.nps_score(by_month.get(m, empty)) for m in months],
    }


# --- At-risk clients ---------------------------------------------------------------------------------
def at_risk_client_sets(period: Period) -> dict[str, QuerySet]:
    """Why a client is at risk, as of the period's end (today while it runs); a client with at
    least one reason (and, with a department, of that department) is at risk. The dashboard, the
    managers' Today and their morning digest show this one rule:

    - lapsed: a running, unfrozen membership that started at least 14 days ago and no visit in
      the last 14 days (``clients.rules.lapsed_q``, the lapsed-client task's rule);
    - expiring: a running membership ending within 14 days, not renewed
      (``clients.rules.expiring_unrenewed``);
    - open_complaint: a complaint received and not resolved by then;
    - low_nps: a detractor's survey answer (0–6, ``staff.nps``) in the 90 days before then.

    Each reason is the set of its clients' ids, an uncorrelated subquery: the database builds
    each set once rather than probing every client."""
    on, moment = period.as_of, period.moment
    return {
        "lapsed": rules.lapsed_client_ids(on),
        "expiring": rules.expiring_unrenewed(on, AT_RISK_EXPIRY_DAYS).values("client_id"),
        "open_complaint": Feedback.objects.filter(_open_complaint_q(moment), client__isnull=False)
        .values("client_id"),
        "low_nps": SurveyResponse.objects.filter(
            nps_rules.detractor_q(),
            client__isnull=False,
            answered_at__gt=moment - datetime.timedelta(days=LOW_NPS_DAYS),
            answered_at__lte=moment,
        ).values("client_id"),
    }


def at_risk_reason_label(name: str) -> str:
    """How the pages and their CSV name a reason of ``at_risk_client_sets``."""
    if name == "lapsed":
        return ngettext(
            "Lapsed: no visit for %(days)d day", "Lapsed: no visit for %(days)d days", rules.LAPSED_DAYS
        ) % {"days": rules.LAPSED_DAYS}
    return str({
        "expiring": _("Expiring without renewal"),
        "open_complaint": _("Open complaint"),
        "low_nps": _("Low survey score"),
    }[name])


def _compiled(queryset: QuerySet) -> tuple[str, list]:
    """The SQL and parameters the ORM would run for ``queryset`` (to compose a statement)."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, list(params)


def _at_risk_cte(period: Period, clients: QuerySet[Client] | None = None) -> tuple[str, list]:
    """``risk``: one row per at-risk client of the department (``at_risk_client_sets``), and of
    ``clients`` when given, with a 0/1 column per reason. Each reason's set is computed once, as a
    subquery of a UNION ALL."""
    names = list(AT_RISK_REASON_NAMES)
    parts, params = [], []
    for name, ids in at_risk_client_sets(period).items():
        sql, part_params = _compiled(ids.order_by())
        flags = ", ".join(f"{int(other == name)} AS {other}" for other in names)
        parts.append(f"SELECT s.client_id, {flags} FROM ({sql}) s")
        params += part_params
    scopes = []
    if period.department is not None:
        scopes.append(Client.objects.filter(client_scope(period.department)))
    if clients is not None:
        scopes.append(clients)
    conditions = []
    for queryset in scopes:
        scope_sql, scope_params = _compiled(queryset.order_by().values("pk"))
        conditions.append(f"r.client_id IN ({scope_sql})")
        params += scope_params
    scope = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    maxima = ", ".join(f"MAX({name}) AS {name}" for name in names)
    union = " UNION ALL ".join(parts)
    return f"risk AS (SELECT r.client_id, {maxima} FROM ({union}) r{scope} GROUP BY r.client_id)", params


# The order of the reasons: the most urgent first.
AT_RISK_REASON_NAMES = ("open_complaint", "low_nps", "expiring", "lapsed")
# … and as ``at_risk_client_sets`` defines them and the pages list them.
AT_RISK_REASONS_SHOWN = ("lapsed", "expiring", "open_complaint", "low_nps")


def at_risk_summary(period: Period, limit: int = AT_RISK_LIMIT, clients: QuerySet[Client] | None = None) -> dict:
    """The at-risk clients (see ``at_risk_client_sets``; only those among ``clients`` when given)
    in two queries: the ``limit`` most urgent (an open complaint and a low score before an
    expiring card and a lapse; within the same reasons, the longest without a visit,
    never-visited first), the total, and the count per assigned manager (``by_manager``:
    {user id or None: n}).

    One statement computes the reasons' sets once and reads them twice (top rows and counts per
    manager, UNION ALL); a second loads the shown clients with their manager, last visit and
    membership end. Python only reorders those ``limit`` rows."""
    names = AT_RISK_REASON_NAMES
    cte, params = _at_risk_cte(period, clients)
    flags = ", ".join(f"risk.{name}" for name in names)
    zeros = ", ".join("0" for _name in names)
    urgency = ", ".join(f"risk.{name} DESC" for name in names)
    visit = Visit._meta.db_table
    sql = (
        f"WITH {cte} "
        f"SELECT * FROM (SELECT 0 AS part, risk.client_id, {flags}, CAST(NULL AS BIGINT) AS manager_id, "
        f"COUNT(*) OVER () AS n FROM risk ORDER BY {urgency}, "
        f"(SELECT MAX(v.checked_in_at) FROM {visit} v WHERE v.client_id = risk.client_id) ASC NULLS FIRST, "
        f"risk.client_id LIMIT %s) top_rows "
        f"UNION ALL "
        f"SELECT 1 AS part, CAST(NULL AS BIGINT), {zeros}, c.assigned_manager_id, COUNT(*) FROM risk "
        f"INNER JOIN {Client._meta.db_table} c ON c.id = risk.client_id GROUP BY c.assigned_manager_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    top = [row for row in rows if row[0] == 0]
    by_manager = {row[2 + len(names)]: row[3 + len(names)] for row in rows if row[0] == 1}
    reasons = {}
    for row in top:  # at most ``limit`` rows; reasons listed in their definition's order
        flags = dict(zip(names, row[2:2 + len(names)]))
        reasons[row[1]] = [name for name in AT_RISK_REASONS_SHOWN if flags[name]]
    clients = {}
    if reasons:
        clients = Client.objects.filter(pk__in=list(reasons)).select_related("assigned_manager").annotate(
            last_visit=last_visit_subquery(),
            membership_end=current_membership_subquery("end_date", period.as_of),
        ).in_bulk()
    ordered = []
    for pk, client_reasons in reasons.items():  # at most ``limit`` rows, in the database's order
        client = clients[pk]
        client.reasons = client_reasons
        ordered.append(client)
    return {"rows": ordered, "total": top[0][-1] if top else 0, "by_manager": by_manager}


# --- Managers, departments, staff ------------------------------------------------------------------
def managers_table(period: Period, at_risk_by_manager: dict | None = None) -> list:
    """Per active user in the accompaniment manager group (their clients = clients assigned to
    them, of the department):

    - clients: their clients; at_risk: those of them at risk (``at_risk_client_sets``);
    - renewals_due: their clients' running memberships ending within 30 days of the period's
      end (today while it runs), not renewed (``clients.rules.expiring_unrenewed``);
    - ended / renewed: their clients' memberships that ended in the period, and those renewed
      (as in ``renewal_rate``);
    - offers_made / offers_accepted: offers they made in the period (as in ``offers``);
    - revenue: the ledger of their clients in the period (as in ``revenue``);
    - complaints_open: complaints of their clients open at the period's end (as in
      ``feedback_counts``); complaints_resolved: complaints of their clients resolved in the period.

    ``at_risk_by_manager`` is ``at_risk_summary``'s count per manager, when the caller has it.
    """
    department = period.department
    managers = list(
        get_user_model()
        .objects.filter(groups__name=roles.MANAGER, is_active=True)
        .order_by("last_name", "first_name", "username")
    )
    ids = [manager.pk for manager in managers]
    complaints = Feedback.objects.filter(feedback_scope(department), kind=Feedback.Kind.COMPLAINT)
    open_q = _open_complaint_q(period.moment)
    resolved_q = Q(
        status=Feedback.Status.RESOLVED, resolved_at__gte=period.since, resolved_at__lt=period.until
    )
    in_period = Q(offered_at__gte=period.since, offered_at__lt=period.until)
    # One GROUP BY per table, each narrowed to these managers: a fixed number of queries, and
    # every set (at risk, renewed…) built once for all managers rather than once per manager.
    tables = [
        _per_manager(
            Client.objects.filter(client_scope(department)), "assigned_manager", ids,
            clients=Count("pk"),
        ),
        _per_manager(
            rules.expiring_unrenewed(period.as_of, RENEWALS_DUE_DAYS).filter(
                membership_scope(department)
            ),
            "client__assigned_manager", ids, renewals_due=Count("pk"),
        ),
        _per_manager(
            memberships_ended(period), "client__assigned_manager", ids,
            ended=Count("pk"), renewed=Count("pk", filter=Q(rules.renewed_within())),
        ),
        _per_manager(
            Offer.objects.filter(offer_scope(department)).filter(in_period), "manager", ids,
            offers_made=Count("pk"),
            offers_accepted=Count("pk", filter=Q(outcome=Offer.Outcome.ACCEPTED)),
        ),
        _per_manager(sales_in(period), "client__assigned_manager", ids, revenue=Sum("amount")),
        _per_manager(
            complaints.filter(open_q | resolved_q), "client__assigned_manager", ids,
            complaints_open=Count("pk", filter=open_q),
            complaints_resolved=Count("pk", filter=resolved_q),
        ),
    ]
    if at_risk_by_manager is None:
        at_risk_by_manager = at_risk_summary(period, limit=0)["by_manager"]
    for manager in managers:  # one row per manager (a handful)
        manager.at_risk = at_risk_by_manager.get(manager.pk, 0)
        for defaults, rows in tables:
            for name, value in {**defaults, **rows.get(manager.pk, {})}.items():
                setattr(manager, name, value)
        manager.revenue = finance.money(manager.revenue)
    return managers


def _per_manager(queryset: QuerySet, field: str, ids: list[int], **aggregates) -> tuple[dict, dict]:
    """``aggregates`` of ``queryset`` grouped by the manager in ``field`` (one query):
    (zeros for a manager without rows, {manager id: {name: value}})."""
    rows = (
        queryset.filter(**{f"{field}__in": ids})
        .order_by()
        .values(field)
        .annotate(**aggregates)
    )
    found = {row.pop(field): row for row in rows}
    return {name: 0 for name in aggregates}, found


def departments_table(period: Period) -> list[Department]:
    """Per active department (the chosen one only, when filtered), the block's arithmetic of the
    pay report (``sales.finance``: the pay report calls the same functions), stretched to the
    period:

    - turnover: the ledger of the department's sales in the period (refunds reduce it);
    - consumables: the department's expenses of kind "consumables" dated in the period;
    - salaries: the monthly salaries (``PayRate.monthly_salary``; the head-of-block rate is paid
      on top of the profit and, as in the pay report, not counted) in force on the period's last
      day of the department's working staff hired by then, times the number of calendar months
      in the period rounded up (``Period.months``: 1 for any part of one month);
    - profit = turnover − consumables − salaries. For a calendar month this is exactly the pay
      report's block profit.
    """
    departments = Department.objects.filter(is_active=True)
    if period.department is not None:
        departments = departments.filter(pk=period.department.pk)
    return finance.blocks(departments.order_by("name"), start=period.start, end=period.end, months=period.months)


def staff_quality_summary(period: Period, size: int = STAFF_SUMMARY_SIZE) -> dict:
    """Staff quality in the period, from client feedback received in it (working staff of the
    department): best_rated / worst_rated = the ``size`` highest / lowest average ratings among
    staff with at least one rated feedback (with fewer than 2 × ``size`` of them, split in two
    halves so that nobody is on both lists); most_complaints = the ``size`` with most complaints
    (at least one); fewest_complaints = the ``size`` others with fewest complaints, more thanks
    first."""
    received = Q(feedback__received_at__gte=period.since, feedback__received_at__lt=period.until)
    staff = StaffMember.objects.filter(is_active=True).exclude(role__in=[
        StaffMember.Role.DIRECTOR, StaffMember.Role.ADMINISTRATOR,
    ])
    if period.department is not None:
        staff = staff.filter(department=period.department)
    staff = list(
        staff.annotate(
            rating=Avg("feedback__rating", filter=received),
            rated=Count("feedback", filter=received & Q(feedback__rating__isnull=False)),
            complaints=Count("feedback", filter=received & Q(feedback__kind=Feedback.Kind.COMPLAINT)),
            thanks=Count("feedback", filter=received & Q(feedback__kind=Feedback.Kind.THANKS)),
        ).select_related("department")
    )
    for member in staff:  # one row per staff member (tens), not per feedback
        member.rating = None if member.rating is None else Decimal(member.rating).quantize(Decimal("0.01"))
    rated = sorted((m for m in staff if m.rated), key=lambda m: (-m.rating, -m.rated, m.last_name))
    worst = min(size, len(rated) // 2)  # nobody is both among the best and the worst
    best = min(size, len(rated) - worst)
    complained = sorted(
        (m for m in staff if m.complaints), key=lambda m: (-m.complaints, m.thanks, m.last_name)
    )[:size]
    fewest = sorted(
        (m for m in staff if m not in complained), key=lambda m: (m.complaints, -m.thanks, m.last_name)
    )
    return {
        "best_rated": rated[:best],
        "worst_rated": rated[::-1][:worst],
        "most_complaints": complained,
        "fewest_complaints": fewest[:size],
    }


# --- The whole page ----------------------------------------------------------------------------------
def series(period: Period) -> dict:
    return {
        "revenue": revenue_by_month(period),
        "active": active_members_by_month(period),
        "renewal": renewal_rate_by_month(period),
        "nps": nps_by_month(period),
    }


def dashboard_cached(period: Period, *, refresh: bool = False) -> dict:
    """``dashboard(period)``, kept in the shared cache (Redis in production) for
    ``DASHBOARD_CACHE_SECONDS`` so that opening the page again, switching tabs or exporting a
    table costs nothing and shows the very same figures; ``computed_at`` says when they were
    computed. ``refresh`` computes them anew (the page's *Refresh* button). 0 seconds: no cache."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = ":".join([
        "dashboard", DASHBOARD_CACHE_VERSION, period.start.isoformat(), period.end.isoformat(),
        period.department.code if period.department else "all", period.today.isoformat(),
    ])
    data = None if refresh or seconds <= 0 else cache.get(key)
    if data is None:
        data = {**dashboard(period), "computed_at": period.now}
        if seconds > 0:
            cache.set(key, data, seconds)
    return data


# Bump when what ``dashboard`` returns changes shape, so that no process reads an older entry.
DASHBOARD_CACHE_VERSION = "1"


def dashboard(period: Period) -> dict:
    """Everything the page shows for a period, in a fixed number of queries."""
    at_risk = at_risk_summary(period)
    return {
        "period": period,
        "previous": period.previous(),
        "kpis": kpis(period),
        "series": series(period),
        "managers": managers_table(period, at_risk["by_manager"]),
        "departments": departments_table(period),
        "staff": staff_quality_summary(period),
        "at_risk": at_risk,
    }


# --- The definitions, as the README lists them ---------------------------------------------------------
DEFINED_BY = [  # what the page shows, the function whose docstring defines it, its KPI keys
    ("Active members", active_members, ["active_members"]),
    ("New clients, referrals", new_clients_and_referrals, ["new_clients", "referrals"]),
    ("Memberships expiring within 14 and 30 days", memberships_expiring, ["expiring_14", "expiring_30"]),
    ("Renewal rate", renewal_rate, ["renewal_rate"]),
    ("Retention, churn", retention, ["retention", "churn"]),
    ("Members in the period", members_in_period, []),
    ("Visits per member per week", visits_per_member_per_week, ["visits_per_member_week"]),
    ("Revenue", revenue, ["revenue"]),
    ("Revenue per member", revenue_per_member, ["revenue_per_member"]),
    ("Offers, accepted, conversion", offers, ["offers_made", "offers_accepted", "offer_conversion"]),
    ("NPS", nps, ["nps"]),
    ("Complaints open, overdue; thanks", feedback_counts, ["complaints_open", "complaints_overdue", "thanks"]),
    ("Revenue by month (chart)", revenue_by_month, []),
    ("Active members by month (chart)", active_members_by_month, []),
    ("Renewal rate by month (chart)", renewal_rate_by_month, []),
    ("NPS by month (chart)", nps_by_month, []),
    ("Managers' table", managers_table, []),
    ("Departments' table", departments_table, []),
    ("Staff quality summary", staff_quality_summary, []),
    ("At-risk clients: the reasons", at_risk_client_sets, []),
    ("At-risk clients: the list", at_risk_summary, []),
]


def definitions_markdown() -> str:
    """The README's list of definitions, made from the docstrings above (``manage.py
    kpi_definitions``); a test checks that the README holds exactly this text."""
    import inspect

    lines = []
    for label, function, _keys in DEFINED_BY:
        text = inspect.cleandoc(function.__doc__).replace("``", "`")
        paragraphs = [" ".join(part.split()) for part in text.split("\n\n")]
        first, *rest = paragraphs
        lines.append(f"- **{label}** (`{function.__name__}`): {first}")
        for paragraph in rest:
            if paragraph.startswith("- "):  # a list inside the docstring
                for item in paragraph.split(" - "):
                    lines.append(f"  - {item.removeprefix('- ')}")
            else:
                lines.append(f"  {paragraph}")
    return "\n".join(lines) + "\n"
