"""Fixtures the sales tests share."""

from decimal import Decimal

import pytest

from clients.tests import factories as cf
from staff.tests import factories as stf


@pytest.fixture
def fitness(db):
    """The block a gym card's sale is booked to."""
    return stf.DepartmentFactory(code="fitness", name="Fitness")


@pytest.fixture
def plan(db):
    """A month in the gym: 12 visits for 1,500.00."""
    return cf.MembershipPlanFactory(
        name="Gym, 1 month", category="gym", duration_days=30, visit_limit=12, price=Decimal("1500.00")
    )
