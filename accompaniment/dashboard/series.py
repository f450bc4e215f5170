"""The dashboard's monthly series: 12 calendar months ending with the period's last, one
query each (``TruncMonth`` in the club's time zone); the closed months read back from the
closed-period cache (``closed.py``) until a backdated write touches them."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth

from clients import rules
from clients.models import Membership
from core.dates import day_start
from sales import finance
from sales.finance import ZERO
from sales.models import DailyRevenue
from staff import nps as nps_rules
from staff.models import SurveyResponse

from .closed import closed_values
from .kpis import percent
from .period import Period, add_months
from .scope import feedback_scope, membership_scope, sale_scope


def _month_label(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _after(months: list[datetime.date]) -> datetime.date:
    """The first day after the last of ``months``."""
    return add_months(months[-1], 1)


# --- Each series over consecutive calendar months (one query each) ----------------------------------
# ``series`` computes the closed months once (``closed.py``) and only the running one anew; the
# public functions below compute all 12 months of a period.
def _revenue_part(months: list[datetime.date], department) -> dict[str, list[Decimal]]:
    rows = (  # the ledger's daily rollup (``sales.models.DailyRevenue``): a row per day and department
        DailyRevenue.objects.filter(sale_scope(department), day__gte=months[0], day__lt=_after(months))
        .annotate(month=TruncMonth("day"))
        .order_by()
        .values("month", "department__name")
        .annotate(total=Sum("revenue"))
    )
    index = {month: i for i, month in enumerate(months)}
    values: dict[str, list[Decimal]] = {}
    for row in rows:  # one row per month and department: at most 12 × departments
        series = values.setdefault(row["department__name"], [ZERO] * len(months))
        series[index[_month_label(row["month"])]] = finance.money(row["total"])
    return values


def _active_part(months: list[datetime.date], as_of: datetime.date, department) -> dict:
    days = [min(add_months(month, 1) - datetime.timedelta(days=1), as_of) for month in months]
    row = (
        Membership.objects.filter(rules.not_cancelled_q())
        .filter(membership_scope(department))
        .filter(start_date__lte=days[-1], end_date__gte=days[0])
        .aggregate(
            **{
                f"m{i}": Count("client", distinct=True, filter=rules.member_q(day))
                for i, day in enumerate(days)
            }
        )
    )
    return {"days": days, "values": [row[f"m{i}"] for i in range(len(months))]}


def _renewal_part(months: list[datetime.date], as_of: datetime.date, department) -> dict:
    rows = (
        Membership.objects.filter(rules.not_cancelled_q())
        .filter(membership_scope(department))
        .filter(end_date__gte=months[0], end_date__lte=min(as_of, _after(months) - datetime.timedelta(days=1)))
        .annotate(month=TruncMonth("end_date"), renewed=rules.renewed_within())
        .order_by()
        .values("month")
        .annotate(ended=Count("id"), renewed_count=Count("id", filter=Q(renewed=True)))
    )
    by_month = {row["month"]: row for row in rows}
    return {
        "ended": [by_month.get(m, {}).get("ended", 0) for m in months],
        "renewed": [by_month.get(m, {}).get("renewed_count", 0) for m in months],
    }


def _nps_part(months: list[datetime.date], department) -> list[dict]:
    rows = (
        SurveyResponse.objects.filter(
            feedback_scope(department),
            answered_at__gte=day_start(months[0]),
            answered_at__lt=day_start(_after(months)),
        )
        .annotate(month=TruncMonth("answered_at", output_field=DateField()))
        .order_by()
        .values("month")
        .annotate(**nps_rules.nps_counts())
    )
    by_month = {_month_label(row["month"]): row for row in rows}
    empty = {"answers": 0, "promoters": 0, "detractors": 0}
    return [
        {name: by_month.get(m, empty)[name] for name in ("answers", "promoters", "detractors")} for m in months
    ]


# --- The series as the page shows them ---------------------------------------------------------------
def _revenue_view(months: list[datetime.date], values: dict[str, list[Decimal]]) -> dict:
    names = sorted(values)
    totals = [sum((values[name][i] for name in names), ZERO) for i in range(len(months))]
    return {"months": months, "departments": names, "values": {n: values[n] for n in names}, "totals": totals}


def _renewal_view(months: list[datetime.date], part: dict) -> dict:
    ended, renewed = part["ended"], part["renewed"]
    return {
        "months": months, "ended": ended, "renewed": renewed,
        "rates": [percent(r, e) for r, e in zip(renewed, ended)],
    }


def _nps_view(months: list[datetime.date], counts: list[dict]) -> dict:
    return {
        "months": months,
        "answers": [month["answers"] for month in counts],
        "scores": [nps_rules.nps_score(month) for month in counts],
    }


def revenue_by_month(period: Period) -> dict:
    """Revenue by month and department: the ledger (as in ``revenue``) of the 12 calendar months
    ending with the period's last month, summed per club-local month and department.
    Returns months, departments (names, sorted) and values[department][month index]."""
    months = period.month_starts()
    return _revenue_view(months, _revenue_part(months, period.department))


def active_members_by_month(period: Period) -> dict:
    """Active members (as in ``active_members``) on the last day of each of the 12 months ending
    with the period's last month (on the period's "as of" day for the month it falls in)."""
    months = period.month_starts()
    return {"months": months, **_active_part(months, period.as_of, period.department)}


def renewal_rate_by_month(period: Period) -> dict:
    """Renewal rate (as in ``renewal_rate``) of the memberships that ended in each of the 12 months
    ending with the period's last month. Returns ended, renewed and rate per month."""
    months = period.month_starts()
    return _renewal_view(months, _renewal_part(months, period.as_of, period.department))


def nps_by_month(period: Period) -> dict:
    """NPS (as in ``nps``) of the survey answers given in each of the 12 months ending with the
    period's last month. Returns answers and score per month (None for a month without answers)."""
    months = period.month_starts()
    return _nps_view(months, _nps_part(months, period.department))


def _parts(months: list[datetime.date], as_of: datetime.date, department) -> dict:
    """The four series' raw figures of ``months`` (four queries; none for no month)."""
    if not months:
        return {"revenue": {}, "days": [], "active": [], "ended": [], "renewed": [], "nps": []}
    active = _active_part(months, as_of, department)
    renewal = _renewal_part(months, as_of, department)
    return {
        "revenue": _revenue_part(months, department), "days": active["days"], "active": active["values"],
        "ended": renewal["ended"], "renewed": renewal["renewed"], "nps": _nps_part(months, department),
    }


def _joined(first: dict, first_months: int, second: dict, second_months: int) -> dict:
    """The raw figures of two runs of consecutive months, one after the other."""
    names = set(first["revenue"]) | set(second["revenue"])
    return {
        "revenue": {
            name: first["revenue"].get(name, [ZERO] * first_months) + second["revenue"].get(name, [ZERO] * second_months)
            for name in names
        },
        **{key: first[key] + second[key] for key in ("days", "active", "ended", "renewed", "nps")},
    }


def series(period: Period) -> dict:
    """The four monthly series of the page. The months that ended before today (and before the
    period's "as of" day) are closed: their figures are kept in the shared cache until a
    backdated write touches them (``closed.py``: the same months' versions as the headline's
    previous period); only the months after them are computed anew."""
    months, as_of, department = period.month_starts(), period.as_of, period.department
    closed = [m for m in months if add_months(m, 1) <= min(period.today, as_of + datetime.timedelta(days=1))]
    if not closed or settings.DASHBOARD_CLOSED_CACHE_SECONDS <= 0:
        raw = _parts(months, as_of, department)
    else:
        # ``as_of`` is the closed months' last day or later: their figures do not depend on it.
        closed_period = dataclasses.replace(
            period, start=closed[0], end=_after(closed) - datetime.timedelta(days=1), step_months=None
        )
        kept = closed_values(
            closed_period, lambda p: _parts(closed, p.end, department), kind="series"
        )
        rest = months[len(closed):]
        raw = _joined(kept, len(closed), _parts(rest, as_of, department), len(rest))
    return {
        "revenue": _revenue_view(months, raw["revenue"]),
        "active": {"months": months, "days": raw["days"], "values": raw["active"]},
        "renewal": _renewal_view(months, {"ended": raw["ended"], "renewed": raw["renewed"]}),
        "nps": _nps_view(months, raw["nps"]),
    }
