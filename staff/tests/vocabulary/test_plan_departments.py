"""A membership plan belongs to one of the club's departments: staff provides them to the
clients app (``clients.plan_departments``), whose plan checks its code by ``full_clean`` and
offers the departments as a choice in the admin site."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import MembershipPlan
from clients.plan_departments import DEPARTMENTS
from clients.tests import factories as cf
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    return stf.DepartmentFactory(code="fitness", name="Fitness"), stf.DepartmentFactory(code="spa", name="SPA")


def plan(**values) -> MembershipPlan:
    return MembershipPlan(name="SPA, 5 visits", category="spa", duration_days=90, price=Decimal("3900"), **values)


def test_the_departments_a_plan_may_belong_to_are_the_clubs(departments):
    assert DEPARTMENTS.choices() == [("fitness", "Fitness"), ("spa", "SPA")]
    stf.DepartmentFactory(code="cosmetology", name="Cosmetology")
    assert "cosmetology" in DEPARTMENTS


@pytest.mark.parametrize("code, message", [
    ("", "This field cannot be blank."),
    ("beauty", "There is no department with the code “beauty”: choose one of the club's departments."),
])
def test_a_plan_without_a_department_of_the_club_is_refused(departments, code, message):
    with pytest.raises(ValidationError) as refused:
        plan(department_code=code).full_clean()
    assert refused.value.message_dict == {"department_code": [message]}


def test_a_plan_of_a_department_of_the_club_is_valid(departments):
    plan(department_code="spa").full_clean()


def admin_add(client, director, **data):
    client.force_login(director)
    fields = {"name": "SPA, 5 visits", "category": "spa", "duration_days": "90", "price": "3900",
              "max_freeze_days": "14", "is_active": "on", **data}
    return client.post(reverse("admin:clients_membershipplan_add"), fields)


def test_the_plans_admin_form_offers_the_departments_by_name(client, director, departments):
    client.force_login(director)
    page = client.get(reverse("admin:clients_membershipplan_add")).content.decode()
    assert '<option value="spa">SPA</option>' in page and '<option value="fitness">Fitness</option>' in page


@pytest.mark.parametrize("code, error", [
    ("", "This field is required."),
    ("beauty", "Select a valid choice. beauty is not one of the available choices."),
])
def test_the_plans_admin_form_explains_a_missing_department_next_to_it(client, director, departments, code, error):
    response = admin_add(client, director, department_code=code)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["department_code"] == [error]
    assert not MembershipPlan.objects.exists()


def test_a_plan_added_in_the_admin_site_keeps_its_department(client, director, departments):
    response = admin_add(client, director, department_code="spa")
    assert response.status_code == 302
    assert MembershipPlan.objects.get().department_code == "spa"


def plan_list(client, **query):
    return client.get(reverse("admin:clients_membershipplan_changelist"), query)


def test_the_plans_list_names_each_plans_department_and_filters_by_it(
    client, director, departments, django_assert_num_queries
):
    cf.MembershipPlanFactory(name="Gym, 1 month", department_code="fitness")
    cf.MembershipPlanFactory(name="SPA, 5 visits", department_code="spa")
    client.force_login(director)
    page = plan_list(client)
    rows = {row.name: row.department_name for row in page.context["cl"].result_list}
    assert rows == {"Gym, 1 month": "Fitness", "SPA, 5 visits": "SPA"}
    assert ">SPA</td>" in page.content.decode()
    assert [p.name for p in plan_list(client, department="spa").context["cl"].result_list] == ["SPA, 5 visits"]

    plan_list(client)  # warm the caches a running process has
    with CaptureQueriesContext(connection) as small:
        plan_list(client)
    for n in range(10):
        cf.MembershipPlanFactory(name=f"Pack {n}", department_code=("fitness", "spa")[n % 2])
    with django_assert_num_queries(len(small)):
        assert len(plan_list(client).context["cl"].result_list) == 12
