"""The admin's visit form, opened from a client, shows the card the check-in counts against
(``clients.rules.check_in_cards``: the desk's rule)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_visit_opened_from_a_client_names_the_card_it_counts_against(client, frontdesk):
    person = cf.ClientFactory()
    cf.MembershipFactory(client=person, start_date=TODAY - datetime.timedelta(days=60),
                         end_date=TODAY - datetime.timedelta(days=30))  # ended
    running = cf.MembershipFactory(client=person, start_date=TODAY - datetime.timedelta(days=5))
    client.force_login(frontdesk)

    form = client.get(reverse("admin:clients_visit_add") + f"?client={person.pk}").context["adminform"].form

    assert form.initial["membership"] == running.pk
