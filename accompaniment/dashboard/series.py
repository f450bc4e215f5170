"""The dashboard's monthly series: 12 calendar months ending with the period's last, one
query each (``TruncMonth`` in the club's time zone)."""

from __future__ import annotations

import datetime
from decimal import Decimal

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

from .kpis import percent
from .period import Period, add_months
from .scope import feedback_scope, membership_scope, sale_scope


def _month_label(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def revenue_by_month(period: Period) -> dict:
    """Revenue by month and department: the ledger (as in ``revenue``) of the 12 calendar months
    ending with the period's last month, summed per club-local month and department.
    Returns months, departments (names, sorted) and values[department][month index]."""
    months = period.month_starts()
    rows = (  # the ledger's daily rollup (``sales.models.DailyRevenue``): a row per day and department
        DailyRevenue.objects.filter(
            sale_scope(period.department), day__gte=months[0], day__lt=add_months(months[-1], 1)
        )
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


def series(period: Period) -> dict:
    return {
        "revenue": revenue_by_month(period),
        "active": active_members_by_month(period),
        "renewal": renewal_rate_by_month(period),
        "nps": nps_by_month(period),
    }
