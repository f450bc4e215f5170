"""A department that membership plans belong to (by its code) keeps that code."""

import pytest
from django.core.exceptions import ValidationError

from clients.tests import factories as cf
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


def test_a_departments_code_cannot_change_while_plans_belong_to_it():
    spa = stf.DepartmentFactory(code="spa", name="SPA")
    cf.MembershipPlanFactory(name="SPA, 5 visits", department_code="spa")
    spa.code = "wellness"
    with pytest.raises(ValidationError) as refused:
        spa.full_clean()
    assert refused.value.message_dict == {"code": [
        "Membership plans belong to this department by its code (SPA, 5 visits): it cannot change "
        "while they do. Its name can."
    ]}
    spa.code, spa.name = "spa", "SPA and wellness"
    spa.full_clean()


def test_a_department_without_plans_may_take_another_code():
    stf.DepartmentFactory(code="fitness", name="Fitness")
    cf.MembershipPlanFactory(name="Gym", department_code="fitness")
    spa = stf.DepartmentFactory(code="spa", name="SPA")
    spa.code = "wellness"
    spa.full_clean()
    new = stf.DepartmentFactory.build(code="beauty", name="Beauty")
    new.full_clean()
