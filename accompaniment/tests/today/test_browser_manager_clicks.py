"""The manager's everyday clicks in a real browser: Log call from Today and back to Today with
the row marked; Renew with the plan chosen and the total shown as the discount is typed; the
program form offering only the specialists who provide a service and warning of a
contraindication before anything is sent."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from clients.tests import factories as cf
from conftest import log_in, screenshot
from core import roles
from staff.tests import factories as stf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


@pytest.fixture
def club(make_user):
    manager = make_user(roles.MANAGER, username="olena", first_name="Olena", last_name="Kovalenko")
    fitness = stf.DepartmentFactory(code="fitness", name="Fitness")
    plan = cf.MembershipPlanFactory(name="Gym, 1 month", category="gym", duration_days=30, price=Decimal("1500.00"))
    cf.MembershipPlanFactory(name="Yoga, 1 month", category="group", duration_days=30, price=Decimal("1100.00"))
    hernia = cf.ContraindicationFactory(code="hernia", name="Spinal hernia")
    iryna = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)
    iryna.contraindications.add(hernia)
    cf.MembershipFactory(client=iryna, plan=plan, start_date=TODAY - datetime.timedelta(days=27))
    deadlift = stf.ServiceFactory(department=fitness, name="Deadlift class")
    deadlift.contraindications.add(hernia)
    swimming = stf.ServiceFactory(department=fitness, name="Swimming lesson")
    coach = stf.StaffMemberFactory(department=fitness, first_name="Taras", last_name="Coach", role="trainer")
    coach.services.add(deadlift)
    instructor = stf.StaffMemberFactory(department=fitness, first_name="Pavlo", last_name="Pool", role="trainer")
    instructor.services.add(swimming)
    return {"iryna": iryna, "plan": plan}


def test_log_call_from_today_comes_back_to_today_marked(browser_page, club):
    page = browser_page
    log_in(page, "olena")
    expiring = page.get_by_test_id("section-expiring")
    expiring.get_by_role("link", name="Log call").click()
    page.get_by_label("Summary").fill("Offered the renewal; she will come on Friday")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    assert page.url.endswith("/#expiring")
    expect(page.get_by_test_id("section-expiring").get_by_test_id("contacted-today")).to_contain_text("call today")
    assert page.get_by_test_id("section-expiring").get_by_role("link", name="Log call").count() == 0


def test_renew_preselects_the_plan_and_shows_the_total_after_the_discount(browser_page, club):
    page = browser_page
    log_in(page, "olena")
    page.get_by_test_id("section-expiring").get_by_role("link", name="Renew").click()
    assert page.get_by_label("Plan").input_value() == str(club["plan"].pk)
    assert page.get_by_test_id("sell-total").inner_text() == "To pay: 1,500.00\u00a0UAH"
    page.get_by_label("Discount").fill("120")
    assert page.get_by_test_id("sell-total").inner_text() == "To pay: 1,380.00\u00a0UAH"
    page.get_by_role("button", name="Sell").click()
    page.wait_for_load_state()
    assert page.url.endswith("/")  # back on Today
    assert "1,380.00 UAH" in page.locator(".alert-success").inner_text()


def test_the_program_form_offers_providers_and_warns_before_sending(browser_page, club):
    page = browser_page
    log_in(page, "olena")
    page.goto(f"/programs/new/{club['iryna'].pk}/")
    line = page.locator("[data-program-line]").first
    assert line.get_by_role("button", name="Remove this service").count() == 0  # the only line stays
    assert page.locator("select[name=template]").count() == 1  # one template selector: above the form

    service = line.get_by_label("Service")
    service.select_option(label="Swimming lesson · Fitness")
    assert line.locator("[data-program-specialist] option:not([hidden])").all_inner_texts() == [
        "---------", "Pavlo Pool · Fitness"]
    expect(line.locator("[data-contraindication-warning]")).to_be_hidden()
    service.select_option(label="⚠ Deadlift class · Fitness — contraindicated: Spinal hernia")
    expect(line.locator("[data-contraindication-warning]")).to_be_visible()
    assert "Spinal hernia" in line.locator("[data-contraindication-warning]").inner_text()
    assert line.locator("[data-program-specialist] option:not([hidden])").all_inner_texts() == [
        "---------", "Taras Coach · Fitness"]
    screenshot(page, "11-program-form-warning")
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_todays_action_buttons_keep_to_one_line_in_russian_and_ukrainian(browser_page, club, make_user, language):
    """"Записать звонок" wrapped onto two lines and left its card; now a button stays one line and
    goes under the name when the card is narrow."""
    from clients.languages import user_language_set

    user_language_set(user=club["iryna"].assigned_manager, language=language)
    page = browser_page
    log_in(page, "olena")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        heights = page.evaluate("""() => Array.from(document.querySelectorAll('#expiring .btn, #at-risk .btn'))
            .map(b => [b.innerText, b.getBoundingClientRect().height, b.closest('.card').getBoundingClientRect().right - b.getBoundingClientRect().right])""")
        assert heights, "no action buttons on Today"
        for text, height, room in heights:
            assert height < 40, f"{text!r} wraps at {width}px ({height}px high)"
            assert room >= 0, f"{text!r} leaves its card at {width}px"
