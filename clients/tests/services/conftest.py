"""Fixtures the tests of the clients' services share: a plan and a client to write about."""

from decimal import Decimal

import pytest

from clients.tests import factories as cf


@pytest.fixture
def plan():
    return cf.MembershipPlanFactory(
        name="Gym 30",
        duration_days=30,
        visit_limit=12,
        price=Decimal("1500.00"),
        max_freeze_days=14,
    )


@pytest.fixture
def member():
    return cf.ClientFactory(first_name="Iryna", last_name="Bondarenko")
