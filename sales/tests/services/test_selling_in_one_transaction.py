"""Selling a card writes the card and its row in the ledger in one transaction: both or neither
(without the ``fitness`` block the rest of the selling tests have, the ledger cannot be written)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clients.tests import factories as cf
from sales import services
from sales.models import Sale
from sales.tests.support import TODAY
from staff.tests import factories as stf


def test_selling_a_membership_writes_the_ledger_in_the_same_transaction(db, manager):
    stf.DepartmentFactory(code="fitness")
    client = cf.ClientFactory()
    membership = services.membership_sell(client=client, plan=cf.MembershipPlanFactory(price=Decimal("1500")), start_date=TODAY, seller=manager)
    assert Sale.objects.get(membership=membership).amount == Decimal("1500.00")


def test_a_failed_ledger_write_leaves_no_membership(db, manager):
    client = cf.ClientFactory()  # no department at all: the ledger cannot be written
    with pytest.raises(ValidationError):
        services.membership_sell(client=client, plan=cf.MembershipPlanFactory(), start_date=TODAY, seller=manager)
    assert not client.memberships.exists()
