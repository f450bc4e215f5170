"""The front desk's day in a real browser (Chromium): a scanner types the card number and Enter,
the client opens; one click checks them in; a plan is sold with a discount — the form shows the
price and the total while typing — and the ledger gets its row; at a phone's width nothing
scrolls sideways."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from clients.models import Visit
from clients.tests import factories as cf
from conftest import log_in, screenshot
from core import roles
from sales.models import Sale
from staff.tests import factories as stf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


@pytest.fixture
def club(make_user):
    desk = make_user(roles.ADMINISTRATOR, username="daryna", first_name="Daryna", last_name="Lysenko")
    manager = make_user(roles.MANAGER, username="olena", first_name="Olena", last_name="Kovalenko")
    stf.DepartmentFactory(code="fitness", name="Fitness")
    plan = cf.MembershipPlanFactory(name="Gym, 1 month", category="gym", duration_days=30, visit_limit=12,
                                    price=Decimal("1500.00"))
    cf.MembershipPlanFactory(name="Gym, 3 months", category="gym", duration_days=90, price=Decimal("3900.00"))
    iryna = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", phone="+380501234567", assigned_manager=manager)
    card = cf.MembershipFactory(client=iryna, plan=plan, card_number="20261234",
                                start_date=TODAY - datetime.timedelta(days=27))
    return {"desk": desk, "iryna": iryna, "card": card, "plan": plan}


def test_find_by_card_check_in_and_sell_a_plan_with_a_discount(browser_page, club):
    page = browser_page
    log_in(page, "daryna")
    assert page.url.endswith("/desk/")

    # A USB scanner types the card number and Enter into the focused search box.
    assert page.evaluate("document.activeElement.id") == "desk-q"
    page.keyboard.type("20261234")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_test_id("desk-client-name")).to_have_text("Iryna Bondarenko")
    expect(page.get_by_test_id("desk-warning").first).to_contain_text("Ends on")  # 2 days left

    # One click checks her in; the desk comes back with her open and the search box ready.
    page.get_by_test_id("desk-check-in").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text(
        "Iryna Bondarenko checked in on card 20261234. Visits left: 11.")
    assert Visit.objects.get().membership == club["card"]
    expect(page.get_by_test_id("desk-arrivals").get_by_text("Iryna Bondarenko")).to_be_visible()
    screenshot(page, "09-front-desk")

    # Renew: her plan is chosen already; a discount of 150 shows the total before selling.
    page.get_by_test_id("desk-sell-plan").locator("summary").click()
    form = page.get_by_test_id("desk-sell-plan")
    assert form.get_by_label("Plan").input_value() == str(club["plan"].pk)
    form.get_by_label("Discount").fill("150")
    expect(form.get_by_test_id("sell-total")).to_have_text("To pay: 1,350.00\u00a0UAH")
    form.get_by_role("button", name="Sell").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("sold")  # not the check-in's alert before it

    sale = Sale.objects.get(kind="membership")
    assert (sale.unit_price, sale.discount, sale.amount, sale.seller) == (
        Decimal("1500.00"), Decimal("150.00"), Decimal("1350.00"), club["desk"])
    assert sale.membership.start_date == club["card"].end_date + datetime.timedelta(days=1)
    assert page.js_errors == [] and page.csp_violations() == []


def test_the_desk_at_a_phones_width(browser_page, club):
    page = browser_page
    log_in(page, "daryna")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/desk/?q=050+123+45+67")
    expect(page.get_by_test_id("desk-client-name")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "10-front-desk-phone")
