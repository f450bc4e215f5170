"""A specialist recommends, the manager accepts and sells, the sale is on the card."""

import datetime

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from core import roles
from clients.models import Client
from clients.tests import factories as cf
from conftest import log_in, screenshot
from programs.tests import factories as pf
from sales.models import Sale
from sales.tests import factories as sf
from staff.tests import factories as stf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_recommendation_becomes_a_sale_on_the_card(browser_page, make_user):
    manager = make_user(roles.MANAGER, username="olena")
    cosmetologist_user = make_user(roles.SPECIALIST, username="maria")
    cosmetology = stf.DepartmentFactory(name="Cosmetology", code="cosmetology")
    cosmetologist = stf.StaffMemberFactory(user=cosmetologist_user, department=cosmetology, role="cosmetologist")
    cream = sf.ProductFactory(name="Home-care cream", department=cosmetology)
    for stage, offers in (("acquaintance", 1), ("trust", 2), ("loyalty", 3), ("ambassador", 4)):
        sf.UpsellPolicyFactory(stage=stage, max_offers_per_30_days=offers, min_days_after_decline=7)
    client = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)
    item = pf.ProgramItemFactory(program__client=client, specialist=cosmetologist, service__department=cosmetology,
                                 service__name="Facial peeling")
    pf.SessionFactory(item=item, specialist=cosmetologist, scheduled_at=timezone.now() + datetime.timedelta(hours=2))
    page = browser_page

    log_in(page, "maria")
    page.goto("/programs/my-sessions/")
    page.get_by_role("link", name="Recommend", exact=True).click()
    page.get_by_label("Product").select_option(label="Home-care cream")
    page.get_by_label("Why the client needs it").fill("Dry skin after the peeling")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("recommendation-status")).to_have_text("Waiting for the manager")

    log_in(page, "olena")
    page.locator("#recommendations").get_by_role("link", name="Decide").click()
    page.get_by_label("Accept: the client bought it").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Decision saved.")).to_be_visible()
    sales = page.locator("#sales")
    expect(sales.get_by_text("Home-care cream").first).to_be_visible()
    assert "650.00" in sales.inner_text()
    screenshot(page, "12-sale-on-card")
    sale = Sale.objects.get()
    assert (sale.client, sale.product, sale.offer.recommendation.specialist) == (client, cream, cosmetologist)

    log_in(page, "maria")
    page.goto("/sales/my-recommendations/")
    assert page.get_by_test_id("recommendation-status").inner_text() == "Accepted"
    assert Client.objects.get(pk=client.pk).offers.count() == 1
    assert page.js_errors == []
