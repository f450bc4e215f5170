"""The club the sample spreadsheets of docs/import name, and the front desk that imports them."""

from decimal import Decimal

import pytest

from accompaniment.devtools.demo import catalog
from clients.tests import factories as cf
from core import roles
from staff.tests import factories as stf


@pytest.fixture
def club(make_user):
    """The demo club's blocks, plans and logins that the sample files name."""
    for code, name, _description in catalog.DEPARTMENTS:
        stf.DepartmentFactory(code=code, name=name)
    for name, category, department, days, limit, price, freeze_days, _reminders, _text in catalog.PLANS:
        cf.MembershipPlanFactory(
            name=name, category=category, department_code=department, duration_days=days, visit_limit=limit,
            price=Decimal(price), max_freeze_days=freeze_days,
        )
    make_user(roles.MANAGER, username="manager")
    make_user(roles.MANAGER, username="manager2")
    make_user(roles.SPECIALIST, username="trainer")


@pytest.fixture
def desk(client, frontdesk, club):
    """The test client logged in as a front-desk administrator, in the demo club."""
    client.force_login(frontdesk)
    return client
