"""The front desk books a client into a full class in a real browser (headless Chromium): the
client lands on the waiting list, visible on the class's page; at a phone's width too."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import MembershipPlan
from clients.tests import factories as cf
from conftest import log_in, screenshot
from core import roles
from programs.classes.services import class_book
from programs.tests import factories as pf
from staff.tests import factories as stf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def full_class(make_user):
    desk = make_user(roles.ADMINISTRATOR, username="desk", first_name="Oksana")
    fitness = stf.DepartmentFactory(name="Fitness", code="fitness")
    day = timezone.localdate() + datetime.timedelta(days=2)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)))
    occurrence = pf.ClassOccurrenceFactory(
        group_class__service=stf.ServiceFactory(department=fitness, name="Functional training", room_kind="studio"),
        group_class__capacity=1, starts_at=start)
    plan = cf.MembershipPlanFactory(name="Group 8", category=MembershipPlan.Category.GROUP)
    people = []
    for first, last in (("Iryna", "Bondarenko"), ("Petro", "Melnyk")):
        client = cf.ClientFactory(first_name=first, last_name=last)
        cf.MembershipFactory(client=client, plan=plan)
        people.append(client)
    class_book(occurrence=occurrence, client=people[0], user=desk)
    return occurrence


@pytest.mark.parametrize("width", [1366, 390])
def test_booking_a_full_class_puts_the_client_on_the_waiting_list(browser_page, full_class, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "desk")
    page.goto(f"/programs/classes/?week={timezone.localtime(full_class.starts_at):%Y-%m-%d}")
    page.get_by_role("link", name="Functional training").click()
    expect(page.get_by_test_id("class-places")).to_have_text(re.compile(r"^\s*Full"))

    page.get_by_placeholder("Name, phone or card number").fill("Melnyk")
    page.get_by_placeholder("Name, phone or card number").press("Enter")
    page.get_by_role("button", name="Put on the waiting list").click()

    expect(page.locator(".alert")).to_contain_text("Petro Melnyk is on the waiting list, turn 1")
    waiting = page.get_by_test_id("roster-waiting")
    expect(waiting).to_contain_text("Petro Melnyk")
    expect(waiting).to_contain_text("1")
    expect(page.get_by_test_id("roster-booked")).to_contain_text("Iryna Bondarenko")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not page.js_errors and not page.csp_violations()
    screenshot(page, f"classes-waiting-list-{width}")
