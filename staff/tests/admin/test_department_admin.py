"""The departments in the admin site: one that membership plans belong to is not deleted."""

import pytest
from django.urls import reverse

from clients.tests import factories as cf
from staff.models import Department
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


def test_a_department_that_plans_belong_to_is_protected_from_deletion(client, director):
    spa = stf.DepartmentFactory(code="spa", name="SPA")
    cf.MembershipPlanFactory(name="SPA, 5 visits", department_code="spa")
    client.force_login(director)
    url = reverse("admin:staff_department_delete", args=[spa.pk])

    page = client.get(url)
    assert page.context["protected"] == ["Membership plan: SPA, 5 visits"]
    client.post(url, {"post": "yes"})
    changelist = reverse("admin:staff_department_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [spa.pk], "post": "yes"})
    assert Department.objects.filter(pk=spa.pk).exists()


def test_a_department_without_plans_is_deleted(client, director):
    spa = stf.DepartmentFactory(code="spa", name="SPA")
    cf.MembershipPlanFactory(name="Gym", department_code="fitness")
    client.force_login(director)
    response = client.post(reverse("admin:staff_department_delete", args=[spa.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Department.objects.filter(pk=spa.pk).exists()
