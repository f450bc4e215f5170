"""The admin's membership form fills what the front desk and the card's sell page fill
(``sales.selectors.sale_defaults``): the client's plan, the renewal's start, the seller; and it
shows the price and the total (sell-total.js reading each plan's price)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_sale_opened_from_a_client_is_filled_as_at_the_desk(client, frontdesk):
    plan = cf.MembershipPlanFactory(name="Gym, 1 month", price=Decimal("1500.00"))
    card = cf.MembershipFactory(plan=plan, start_date=TODAY - datetime.timedelta(days=10))
    client.force_login(frontdesk)

    response = client.get(reverse("admin:clients_membership_add") + f"?client={card.client_id}")

    form = response.context["adminform"].form
    assert form.initial["plan"] == plan.pk
    assert form.initial["start_date"] == card.end_date + datetime.timedelta(days=1)
    assert form.initial["sold_by"] == frontdesk.pk
    html = response.content.decode()
    assert re.search(rf'<option value="{plan.pk}"[^>]* data-price="1500.00"', html)
    assert "js/sell-total.js" in html
