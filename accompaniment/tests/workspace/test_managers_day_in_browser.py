"""A manager's day in a real browser (headless Chromium): log in, find, open, create, build,
log, check in — and see what the club's rules refuse."""

import datetime
import re

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from core import roles
from clients.models import Client, Interaction, Task
from clients.tests import factories as cf
from conftest import log_in, screenshot
from programs.models import Program
from programs.tests import factories as pf
from staff.tests import factories as stf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


@pytest.fixture
def club(make_user):
    manager = make_user(roles.MANAGER, username="olena", first_name="Olena", last_name="Kovalenko")
    spa = stf.DepartmentFactory(name="SPA", code="spa")
    varicose = cf.ContraindicationFactory(code="varicose", name="Varicose veins")
    drainage = stf.ServiceFactory(department=spa, name="Lymphatic drainage massage")
    drainage.contraindications.add(varicose)
    stf.StaffMemberFactory(department=spa, first_name="Maria", last_name="Shevchenko")
    template = pf.ProgramTemplateFactory(name="Light legs, 4 weeks")
    pf.ProgramTemplateItemFactory(template=template, service=drainage, sessions_count=4, sessions_per_week=1)
    iryna = cf.ClientFactory(
        first_name="Iryna", last_name="Bondarenko", phone="+380501234567",
        assigned_manager=manager,
    )
    iryna.contraindications.add(varicose)
    cf.MembershipFactory(client=iryna, start_date=TODAY - datetime.timedelta(days=20))
    cf.MeasurementFactory(client=iryna, measured_on=TODAY - datetime.timedelta(days=30), weight_kg=70)
    cf.MeasurementFactory(client=iryna, measured_on=TODAY, weight_kg=68)
    petro = cf.ClientFactory(first_name="Petro", last_name="Melnyk", assigned_manager=manager)
    cf.MembershipFactory(
        client=petro, card_number="EXP-001",
        start_date=TODAY - datetime.timedelta(days=60), end_date=TODAY - datetime.timedelta(days=5),
    )
    return {"manager": manager, "iryna": iryna, "petro": petro, "template": template}


def test_a_managers_day(browser_page, club):
    page = browser_page
    log_in(page, "olena")
    expect(page.get_by_role("heading", name=re.compile("Today"))).to_be_visible()
    screenshot(page, "01-today")

    # Find a client by a phone typed with spaces and dashes, open the card.
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_label("Search").fill("050 123-45-67")
    page.get_by_role("button", name="Search").click()
    screenshot(page, "02-client-list")
    page.get_by_role("link", name="Iryna Bondarenko").click()
    expect(page.get_by_test_id("client-name")).to_have_text(re.compile(r"^Iryna"))
    expect(page.get_by_test_id("days-left")).to_be_visible()
    page.wait_for_function("() => window.measurementChart !== undefined")
    screenshot(page, "03-client-card")

    # Build a program from a template: the contraindicated service is refused until confirmed.
    page.get_by_role("link", name="New program").first.click()
    page.get_by_label("Start from a template").select_option(label="Light legs, 4 weeks")
    page.get_by_role("button", name="Use this template").click()
    assert page.get_by_label("Name").input_value() == "Light legs, 4 weeks"
    page.get_by_role("button", name="Save the program").click()
    refusal = page.get_by_text(re.compile("is contraindicated for this client \\(Varicose veins\\)"))
    expect(refusal).to_be_visible()
    screenshot(page, "04-program-refused")
    assert not Program.objects.exists()
    page.get_by_label("Reason to go ahead despite contraindications").fill(
        "Cleared by the client's phlebologist, letter of 2 Nov"
    )
    page.get_by_role("button", name="Save the program").click()
    page.get_by_role("button", name="Activate and plan sessions").click()
    plan = page.get_by_test_id("plan-panel")  # the proposal, on the calendar, to adjust and confirm
    plan.get_by_test_id("confirm-plan").click()
    page.get_by_test_id("plan-confirmed").wait_for()
    page.get_by_test_id("plan-panel").get_by_role("link").first.click()
    expect(page.get_by_test_id("program-status")).to_have_text("Active")
    screenshot(page, "05-program")
    program = Program.objects.get()
    assert program.items.get().contraindication_override.startswith("Cleared")
    assert program.items.get().sessions.count() == 4

    # Log an interaction with a follow-up task.
    page.get_by_role("link", name="Iryna Bondarenko").click()
    page.get_by_role("link", name="Log interaction").click()
    page.get_by_label("Summary").fill("Asked how the legs feel after the first drainage")
    page.get_by_label("Follow-up task").fill("Call after the second session")
    page.get_by_label("Due").fill((TODAY + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Interaction logged.")).to_be_visible()
    expect(page.locator("#timeline").get_by_text("Asked how the legs feel")).to_be_visible()
    expect(page.locator("#tasks").get_by_text("Call after the second session")).to_be_visible()
    assert Interaction.objects.filter(client=club["iryna"]).count() == 1
    assert Task.objects.get().assigned_to == club["manager"]

    # A check-in on an expired membership is refused with the reason.
    page.goto(f"/clients/{club['petro'].pk}/")
    page.get_by_test_id("check-in").click()
    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text("Check-in refused")
    expect(alert).to_contain_text("EXP-001 expired on")
    screenshot(page, "06-check-in-refused")
    assert not club["petro"].visits.exists()
    assert page.js_errors == []


def test_creating_a_client_normalizes_the_phone_and_refuses_a_duplicate(browser_page, club):
    page = browser_page
    log_in(page, "olena")
    page.goto("/clients/new/")
    page.get_by_label("First name").fill("Oksana")
    page.get_by_label("Last name").fill("Tkachenko")
    page.get_by_label("Phone").fill("(067) 765-43-21")
    page.get_by_label("E-mail", exact=True).fill("oksana@example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Client Oksana Tkachenko added.")).to_be_visible()
    assert Client.objects.get(first_name="Oksana").phone.as_e164 == "+380677654321"
    screenshot(page, "07-new-client")

    page.goto("/clients/new/")
    page.get_by_label("First name").fill("Someone")
    page.get_by_label("Phone").fill("+38 050 123 45 67")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This client is already in the database:")).to_be_visible()
    page.get_by_role("link", name="Iryna Bondarenko").click()
    expect(page.get_by_test_id("client-name")).to_have_text(re.compile(r"^Iryna"))


def test_the_workspace_works_on_a_phone(browser_page, club):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "olena")
    page.goto(f"/clients/{club['iryna'].pk}/")
    expect(page.get_by_test_id("days-left")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the card scrolls sideways on a phone ({width}px)"
    screenshot(page, "08-client-card-phone")
