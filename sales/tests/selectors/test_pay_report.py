"""The pay report (sales.selectors.pay_report and its page): a block's turnover equals the
ledger to the cent, salaries, profit and the head's share; the director's only; its CSV."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from sales import selectors
from sales.models import Sale
from sales.tests import factories as sf
from staff.tests import factories as stf


@pytest.fixture
def spa_block(db):
    spa = stf.DepartmentFactory(name="SPA", code="spa")
    head = stf.StaffMemberFactory(department=spa, role="manager", is_head_of_department=True)
    therapist = stf.StaffMemberFactory(department=spa, role="massage")
    stf.PayRateFactory(staff_member=head, effective_from=datetime.date(2026, 1, 1), monthly_salary=Decimal("20000"),
                       head_rate=Decimal("5000"), profit_share_percent=Decimal("10"))
    stf.PayRateFactory(staff_member=therapist, effective_from=datetime.date(2026, 1, 1), monthly_salary=Decimal("15000"))
    return {"spa": spa, "head": head, "therapist": therapist}


def sold(department, amount, when, kind="service", **extra):
    moment = timezone.make_aware(datetime.datetime.combine(when, datetime.time(12)))
    return sf.SaleFactory(department=department, unit_price=Decimal(amount), sold_at=moment, kind=kind, **extra)


def test_the_pay_report_turnover_equals_the_ledger_to_the_cent(spa_block):
    spa = spa_block["spa"]
    october = datetime.date(2026, 10, 1)
    for amount in ("1234.56", "20000.01", "35000.00", "0.00"):
        sold(spa, amount, datetime.date(2026, 10, 15))
    sold(spa, "999.99", datetime.date(2026, 10, 20), kind="refund")
    sold(spa, "500.00", datetime.date(2026, 9, 30))  # another month
    sold(stf.DepartmentFactory(), "700.00", datetime.date(2026, 10, 15))  # another block
    ledger = sum(Sale.objects.filter(department=spa, sold_at__month=10).values_list("amount", flat=True))
    report = selectors.pay_report(month=october, department=spa)
    assert report["turnover"] == ledger == Decimal("55234.58")


def test_the_pay_report_arithmetic(spa_block):
    spa = spa_block["spa"]
    sold(spa, "60000.00", datetime.date(2026, 10, 10))
    sf.DepartmentExpenseFactory(department=spa, kind="consumables", amount=Decimal("4000"), incurred_on=datetime.date(2026, 10, 3))
    sf.DepartmentExpenseFactory(department=spa, kind="equipment", amount=Decimal("9999"), incurred_on=datetime.date(2026, 10, 3))
    report = selectors.pay_report(month=datetime.date(2026, 10, 1), department=spa)
    assert report["salaries"] == Decimal("35000.00")
    assert report["profit"] == Decimal("21000.00")  # 60000 − 4000 − 35000
    assert report["head"]["share"] == Decimal("2100.00")
    assert report["head"]["total"] == Decimal("27100.00")  # 20000 + 5000 + 10% × 21000


def test_a_loss_gives_no_negative_share(spa_block):
    report = selectors.pay_report(month=datetime.date(2026, 10, 1), department=spa_block["spa"])
    assert report["profit"] == Decimal("-35000.00")
    assert report["head"]["share"] == Decimal("0.00")
    assert report["head"]["total"] == Decimal("25000.00")


def test_a_rate_changed_today_does_not_change_a_past_month(spa_block):
    spa = spa_block["spa"]
    before = selectors.pay_report(month=datetime.date(2026, 10, 1), department=spa)["head"]["total"]
    stf.PayRateFactory(staff_member=spa_block["head"], effective_from=datetime.date(2026, 11, 1),
                       monthly_salary=Decimal("30000"), head_rate=Decimal("8000"), profit_share_percent=Decimal("20"))
    assert selectors.pay_report(month=datetime.date(2026, 10, 1), department=spa)["head"]["total"] == before
    assert selectors.pay_report(month=datetime.date(2026, 11, 1), department=spa)["head"]["salary"] == Decimal("30000")


@pytest.mark.parametrize("role, status", [(roles.DIRECTOR, 200), (roles.MANAGER, 403), (roles.SPECIALIST, 403), (roles.ADMINISTRATOR, 403)])
def test_only_the_director_sees_pay(client, make_user, spa_block, role, status):
    client.force_login(make_user(role))
    assert client.get(reverse("sales:pay")).status_code == status
    assert client.get(reverse("sales:pay"), {"month": "2026-10", "department": "spa", "export": "csv"}).status_code == status


def test_the_pay_csv_has_the_same_lines(client, director, spa_block):
    sold(spa_block["spa"], "60000.00", datetime.date(2026, 10, 10))
    client.force_login(director)
    page = client.get(reverse("sales:pay"), {"month": "2026-10", "department": "spa"}).content.decode()
    csv_text = client.get(reverse("sales:pay"), {"month": "2026-10", "department": "spa", "export": "csv"}).content.decode()
    assert 'data-testid="profit">25,000.00<' in page
    assert "Block profit,25000.00" in csv_text and "Pay,27500.00" in csv_text


def test_a_bad_month_is_explained(client, director, spa_block):
    client.force_login(director)
    response = client.get(reverse("sales:pay"), {"month": "october", "department": "spa"})
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()
