"""Block finance (sales.finance) at its boundaries: the rate in force on a day, the staff working
on a day, salaries counted per calendar month, the head's share of a profit only."""

import datetime
from decimal import Decimal

import pytest

from sales import finance
from sales.tests import factories as sf
from staff.models import Department
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def spa():
    return stf.DepartmentFactory(name="SPA", code="spa")


def rate(member, day, salary, **extra):
    return stf.PayRateFactory(staff_member=member, effective_from=day, monthly_salary=Decimal(salary), **extra)


def test_the_rate_in_force_is_the_latest_effective_on_or_before_the_day(spa):
    member = stf.StaffMemberFactory(department=spa)
    rate(member, D(2026, 1, 1), "10000")
    rate(member, D(2026, 10, 1), "12000")
    rate(member, D(2026, 11, 1), "15000")
    def salary(day):
        return list(finance.rates_in_force(day).values_list("monthly_salary", flat=True))
    assert salary(D(2025, 12, 31)) == []
    assert salary(D(2026, 9, 30)) == [Decimal("10000")]
    assert salary(D(2026, 10, 1)) == [Decimal("12000")]  # effective that very day
    assert salary(D(2026, 10, 31)) == [Decimal("12000")]


def block(spa, start, end, months=1) -> Department:
    return finance.blocks(Department.objects.filter(pk=spa.pk), start=start, end=end, months=months)[0]


def test_salaries_count_the_staff_working_on_the_last_day_once_per_month(spa):
    rate(stf.StaffMemberFactory(department=spa), D(2026, 1, 1), "10000")
    rate(stf.StaffMemberFactory(department=spa, hired_on=D(2026, 10, 31)), D(2026, 1, 1), "5000")  # hired that day
    rate(stf.StaffMemberFactory(department=spa, hired_on=D(2026, 11, 1)), D(2026, 1, 1), "7000")  # not yet
    rate(stf.StaffMemberFactory(department=spa, is_active=False), D(2026, 1, 1), "9000")  # left
    rate(stf.StaffMemberFactory(), D(2026, 1, 1), "8000")  # another block
    assert block(spa, D(2026, 10, 1), D(2026, 10, 31)).salaries == Decimal("15000.00")
    assert block(spa, D(2026, 8, 1), D(2026, 10, 31), months=3).salaries == Decimal("45000.00")


def test_a_blocks_profit_is_turnover_less_consumables_and_salaries(spa):
    rate(stf.StaffMemberFactory(department=spa), D(2026, 1, 1), "10000")
    sf.SaleFactory(department=spa, unit_price=Decimal("30000"),
                   sold_at=datetime.datetime(2026, 10, 31, 21, 59, tzinfo=datetime.timezone.utc))  # 23:59 in Kyiv
    sf.SaleFactory(department=spa, unit_price=Decimal("999"),
                   sold_at=datetime.datetime(2026, 10, 31, 22, 0, tzinfo=datetime.timezone.utc))  # 1 Nov in Kyiv
    sf.DepartmentExpenseFactory(department=spa, kind="consumables", amount=Decimal("2500"), incurred_on=D(2026, 10, 31))
    sf.DepartmentExpenseFactory(department=spa, kind="other", amount=Decimal("700"), incurred_on=D(2026, 10, 2))
    row = block(spa, D(2026, 10, 1), D(2026, 10, 31))
    assert (row.turnover, row.consumables, row.salaries, row.profit) == (
        Decimal("30000.00"), Decimal("2500.00"), Decimal("10000.00"), Decimal("17500.00"))


def test_the_head_shares_a_profit_never_a_loss(spa):
    head = stf.StaffMemberFactory(department=spa, is_head_of_department=True)
    rate(head, D(2026, 1, 1), "20000", head_rate=Decimal("5000"), profit_share_percent=Decimal("12.5"))
    staff = finance.block_staff(spa, D(2026, 10, 31)).get()
    assert finance.head_pay(staff, Decimal("1000.05"))["share"] == Decimal("125.01")
    assert finance.head_pay(staff, Decimal("-5000"))["total"] == Decimal("25000.00")
