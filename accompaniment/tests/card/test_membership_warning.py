"""The client's card (accompaniment's page) warns of a membership that expires soon, with the
days left (the rule: clients.rules)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf

TODAY = timezone.localdate()


def test_the_card_warns_when_the_membership_expires_soon(client, manager):
    own_client = cf.ClientFactory(assigned_manager=manager)
    client.force_login(manager)
    cf.MembershipFactory(client=own_client, start_date=TODAY - datetime.timedelta(days=25),
                         end_date=TODAY + datetime.timedelta(days=4))
    html = client.get(reverse("client-card", args=[own_client.pk])).content.decode()
    assert "Expiring soon" in html
    assert 'data-testid="days-left">4<' in html
