"""Block finance, written once: what a block (a department) earned and spent between two
club-local dates, and what its head is paid. The pay report (``sales.selectors.pay_report``) and
the dashboard's departments' table both call these functions, so that they cannot disagree.

- **Rate in force on a day**: of a staff member's pay rates, the one effective from the latest
  date on or before that day (none before their first); a rate changed later never changes an
  earlier month.
- **Working staff of a block on a day**: its staff members still working (active) and hired by
  that day (or with no hiring date).
- **Turnover**: the sum of the ledger (``Sale.amount`` = quantity × unit price − discount;
  refunds are negative rows) of the block's sales in the dates.
- **Consumables**: the block's expenses of kind "consumables" dated in them.
- **Salaries**: the monthly salaries in force on the last day, of the block's working staff that
  day, times the number of calendar months (1 for a month). The head-of-block rate is paid on
  top of the profit and is not counted.
- **Block profit** = turnover − consumables − salaries.
- **The head's pay** = salary + head-of-block rate + share % × max(profit, 0), from the head's
  rate in force on the last day; the share is rounded to the cent.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core.dates import days_bounds
from staff.models import Department, PayRate, StaffMember

from .models import DailyRevenue, DepartmentExpense, Sale

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def money(value) -> Decimal:
    """An amount to the cent (None and nothing are zero)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def rates_in_force(on: datetime.date) -> QuerySet[PayRate]:
    """The pay rate each staff member has in force on ``on`` (at most one row each)."""
    later = PayRate.objects.filter(
        staff_member=OuterRef("staff_member"),
        effective_from__gt=OuterRef("effective_from"),
        effective_from__lte=on,
    )
    return PayRate.objects.filter(effective_from__lte=on).exclude(Exists(later))


def working_staff_q(on: datetime.date, prefix: str = "") -> Q:
    """A staff member (``prefix``: the path to one) working on ``on``: active, hired by then."""
    return Q(**{f"{prefix}is_active": True}) & (
        Q(**{f"{prefix}hired_on__isnull": True}) | Q(**{f"{prefix}hired_on__lte": on})
    )


def staff_with_rates(staff: QuerySet[StaffMember], on: datetime.date) -> QuerySet[StaffMember]:
    """``staff`` annotated with their rate in force on ``on``: rate_salary, rate_head,
    rate_percent (None without a rate)."""
    rate = rates_in_force(on).filter(staff_member=OuterRef("pk"))
    return staff.annotate(
        rate_salary=Subquery(rate.values("monthly_salary")[:1]),
        rate_head=Subquery(rate.values("head_rate")[:1]),
        rate_percent=Subquery(rate.values("profit_share_percent")[:1]),
    )


def block_staff(department: Department, on: datetime.date) -> QuerySet[StaffMember]:
    """The block's working staff on ``on`` with their rates in force then, the head first."""
    return staff_with_rates(
        StaffMember.objects.filter(working_staff_q(on), department=department), on
    ).order_by("-is_head_of_department", "last_name")


def _per_department(queryset: QuerySet, field: str, amount: str) -> Coalesce:
    """The sum of ``amount`` over ``queryset`` rows of the outer department (0 without rows)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
            .annotate(total=Sum(amount)).values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO, output_field=MONEY),
        output_field=MONEY,
    )


def blocks(
    departments: QuerySet[Department], *, start: datetime.date, end: datetime.date, months: int = 1
) -> list[Department]:
    """The ``departments`` (blocks) with turnover, consumables, salaries and profit for the
    club-local dates ``start``..``end`` (both included), salaries counted ``months`` times; one
    query whatever the number of blocks."""
    rows = list(
        departments.annotate(
            turnover=_per_department(  # the ledger's daily rollup: the same sums, a row a day
                DailyRevenue.objects.filter(day__gte=start, day__lte=end), "department", "revenue"
            ),
            consumables=_per_department(
                DepartmentExpense.objects.filter(
                    kind=DepartmentExpense.Kind.CONSUMABLES, incurred_on__gte=start, incurred_on__lte=end
                ),
                "department", "amount",
            ),
            monthly_salaries=_per_department(
                rates_in_force(end).filter(working_staff_q(end, "staff_member__")),
                "staff_member__department", "monthly_salary",
            ),
        )
    )
    for row in rows:  # one per block
        row.turnover = money(row.turnover)
        row.consumables = money(row.consumables)
        row.salaries = money(row.monthly_salaries) * months
        row.profit = block_profit(turnover=row.turnover, consumables=row.consumables, salaries=row.salaries)
    return rows


def block_profit(*, turnover: Decimal, consumables: Decimal, salaries: Decimal) -> Decimal:
    return money(turnover - consumables - salaries)


def head_pay(head: StaffMember, profit: Decimal) -> dict:
    """The head's pay from their rates (``staff_with_rates``) and the block's profit."""
    salary = head.rate_salary or ZERO
    head_rate = head.rate_head or ZERO
    percent = head.rate_percent or ZERO
    share = money(percent / Decimal(100) * max(profit, ZERO))
    return {
        "member": head, "salary": salary, "head_rate": head_rate, "percent": percent,
        "share": share, "total": money(salary + head_rate + share),
    }
