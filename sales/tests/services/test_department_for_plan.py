"""A card's sale is booked to its plan's department (``sales.services.department_for_plan``),
whatever the plan's category; a plan whose department is gone is refused with the reason, on the
page, in the admin site and in the import, never with an error page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Membership
from clients.tests import factories as cf
from sales import services
from sales.models import Sale
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
GONE = (
    "The plan “Pool, 10 visits” belongs to no department of the club: choose its department on the "
    "plan's page in the admin site, then sell it."
)


@pytest.fixture
def departments():
    return {code: stf.DepartmentFactory(code=code, name=code.title()) for code in ("fitness", "spa", "aqua")}


@pytest.fixture
def pool_plan():
    # A gym-category plan: the old settings map would have booked it to fitness.
    return cf.MembershipPlanFactory(name="Pool, 10 visits", category="gym", department_code="aqua",
                                    visit_limit=10, price=Decimal("2000.00"))


def test_selling_books_the_card_to_its_plans_department(departments, pool_plan, manager):
    member = cf.ClientFactory()
    services.membership_sell(client=member, plan=pool_plan, start_date=TODAY, seller=manager)
    assert Sale.objects.get().department == departments["aqua"]


def test_the_department_of_a_plan_is_its_own_whatever_the_category(departments):
    for category in ("gym", "spa", "cosmetology"):
        plan = cf.MembershipPlanFactory(name=f"A {category} card", category=category, department_code="spa")
        assert services.department_for_plan(plan) == departments["spa"]


def test_a_plan_whose_department_is_gone_is_refused_on_the_sell_page_with_the_reason(client, manager, pool_plan):
    stf.DepartmentFactory(code="fitness", name="Fitness")  # another department exists; no fallback to it
    member = cf.ClientFactory(assigned_manager=manager)
    client.force_login(manager)
    response = client.post(reverse("sales:membership-sell", args=[member.pk]),
                           {"plan": pool_plan.pk, "start_date": TODAY.isoformat()})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [GONE]
    assert not Membership.objects.exists() and not Sale.objects.exists()


def test_a_plan_whose_department_is_gone_is_refused_with_the_imported_row(client, frontdesk, pool_plan):
    from core.tests.spreadsheets.support import csv_bytes, dry_run, refused

    cf.ClientFactory(phone="+380501234567")
    client.force_login(frontdesk)
    header = ["card_number", "client", "plan", "start_date", "price", "visits_used", "sold_by"]
    preview = dry_run(client, Membership, csv_bytes(header, ["OLD-1", "0501234567", pool_plan.name,
                                                             (TODAY - datetime.timedelta(days=3)).isoformat(), "", "0", ""]))
    assert refused(preview) == {2: GONE}
    assert not Membership.objects.exists() and not Sale.objects.exists()
