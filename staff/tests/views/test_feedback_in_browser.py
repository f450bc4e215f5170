"""A complaint relayed and resolved in a real browser, seen from both sides."""


import pytest
from playwright.sync_api import expect

from core import roles
from clients.tests import factories as cf
from conftest import log_in, screenshot
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_relaying_and_resolving_a_complaint(browser_page, make_user, settings):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    manager = make_user(roles.MANAGER, username="olena")
    masseur_user = make_user(roles.SPECIALIST, username="taras")
    masseur = stf.StaffMemberFactory(user=masseur_user, first_name="Taras", last_name="Boyko")
    client = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)
    page = browser_page

    log_in(page, "olena")
    page.goto(f"/clients/{client.pk}/")
    page.locator("#feedback").get_by_role("link", name="Record").click()
    page.get_by_label("Kind").select_option("complaint")
    page.get_by_label("Staff member").select_option(label="Taras Boyko")
    page.get_by_label("What the client said").fill("The towels in the SPA were not fresh")
    page.get_by_role("button", name="Record").click()
    page.get_by_label("Note for the staff member").fill("Please check the SPA's laundry today")
    page.get_by_role("button", name="Relay to Taras Boyko").click()
    expect(page.get_by_test_id("feedback-status")).to_contain_text("Relayed to staff")
    assert "check the SPA's laundry" in page.get_by_test_id("relay-note").inner_text()
    screenshot(page, "10-complaint-relayed")

    log_in(page, "taras")
    page.goto("/staff/my-feedback/")
    page.get_by_text("Complaint · Iryna Bondarenko").click()
    page.get_by_role("link", name="Answer").click()
    page.get_by_label("Your answer").fill("Laundry was late today; fixed.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Laundry was late today; fixed.")).to_be_visible()
    log_in(page, "olena")
    feedback = Feedback.objects.get()
    page.goto(f"/staff/feedback/{feedback.pk}/")
    assert page.get_by_test_id("feedback-status").inner_text().startswith("Staff answered")
    page.get_by_role("link", name="Resolve").click()
    page.get_by_label("Resolution").fill("Apologised and gave a free SPA visit.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("feedback-status")).to_contain_text("Resolved")
    expect(page.get_by_text("Complaint resolved.")).to_be_visible()
    screenshot(page, "11-complaint-resolved")
    feedback.refresh_from_db()
    assert feedback.status == "resolved" and feedback.staff_response and masseur.pk == feedback.staff_member_id
    assert page.js_errors == []
