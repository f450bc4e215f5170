"""Contacts on the client's card, in the list and in the admin's list: the phone in the club
region's national format as a tap-to-call link, the e-mail as a tap-to-mail link (they read
"+380 67 000 0012", plain)."""

import pytest
from django.urls import reverse

from clients.tests import factories as cf

pytestmark = pytest.mark.django_db


def test_the_card_and_the_list_show_tap_to_call_and_tap_to_mail(client, manager):
    person = cf.ClientFactory(first_name="Iryna", phone="+380670000012", email="iryna@example.com",
                              assigned_manager=manager)
    client.force_login(manager)
    for url in (reverse("client-card", args=[person.pk]), reverse("clients:list")):
        html = client.get(url).content.decode()
        assert '<a href="tel:+380670000012" class="text-nowrap" data-testid="tel-link">067 000 0012</a>' in html, url
        assert '<a href="mailto:iryna@example.com"' in html, url
        assert "+380 67 000 0012" not in html, url


def test_the_admins_client_list_writes_phones_the_same_way(client, frontdesk):
    cf.ClientFactory(phone="+380670000012")
    client.force_login(frontdesk)
    html = client.get(reverse("admin:clients_client_changelist")).content.decode()
    assert '<a href="tel:+380670000012" class="text-nowrap" data-testid="tel-link">067 000 0012</a>' in html
