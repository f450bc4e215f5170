"""Under the strict content security policy the interface keeps working in a real browser:
charts are drawn, forms add their lines, the admin site opens, and nothing is blocked."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clients.tests import factories as cf
from programs.tests import factories as pf
from staff.tests import factories as stf
from conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")


def test_nothing_is_blocked_and_every_script_runs(browser_page, make_user):
    from core import roles

    director = make_user(roles.DIRECTOR, username="director-csp")
    director.is_superuser = True  # the admin pages of every model, import included
    director.save()
    client = cf.ClientFactory(first_name="Olha", last_name="Melnyk")
    for weeks, weight in enumerate(("82.0", "80.5", "79.0")):
        cf.MeasurementFactory(client=client, weight_kg=Decimal(weight),
                              measured_on=timezone.localdate() - datetime.timedelta(weeks=3 - weeks))
    pf.ProgramTemplateFactory(department=stf.DepartmentFactory())
    stf.ServiceFactory()
    page = browser_page
    log_in(page, "director-csp")

    visit(page, "/dashboard/")
    page.wait_for_function("() => window.dashboardCharts && window.dashboardCharts.length === 4")
    visit(page, f"/clients/{client.pk}/")
    page.wait_for_function("() => typeof Chart !== 'undefined' && Object.keys(Chart.instances).length > 0")
    visit(page, f"/programs/new/{client.pk}/")
    before = int(page.locator("#id_items-TOTAL_FORMS").input_value())
    page.get_by_role("button", name="Add a service").click()
    assert int(page.locator("#id_items-TOTAL_FORMS").input_value()) == before + 1
    # The language switcher submits itself (no inline handler).
    with page.expect_navigation():
        page.get_by_label("Language").select_option("uk")
    assert page.locator("html").get_attribute("lang") == "uk"
    with page.expect_navigation():
        page.get_by_label("Мова").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    for path in ("/admin/", "/admin/clients/client/", f"/admin/clients/client/{client.pk}/change/",
                 "/admin/clients/membership/add/", "/admin/clients/client/import/", "/login/"):
        visit(page, path)
        assert page.csp_violations() == [], path
    assert page.js_errors == []
