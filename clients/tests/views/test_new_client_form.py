"""The new-client form asks the essentials first (name, phone, e-mail, source, goals, manager);
the other 20-odd fields are folded away — opened by themselves when one of them is wrong — and
the card asks later for what is still missing."""

import re

import pytest
from django.urls import reverse

from clients.models import Client

pytestmark = pytest.mark.django_db


def field_names(html: str) -> list[str]:
    return re.findall(r'name="([a-z_]+)"', html)


def test_the_essentials_come_first_and_the_rest_is_folded(client, director):
    client.force_login(director)
    html = client.get(reverse("clients:create")).content.decode()
    essentials, folded = html.split('data-testid="essentials"', 1)[1].split('data-testid="more-details"', 1)
    shown = [name for name in field_names(essentials) if name not in ("csrfmiddlewaretoken", "next", "language")]
    assert shown == ["first_name", "last_name", "phone", "email", "source", "referred_by_lookup",
                     "assigned_manager", "goals"]
    assert "birth_date" in field_names(folded) and "consent_email" in field_names(folded)
    assert not re.search(r'data-testid="more-details"[^>]*open', html)


def test_a_wrong_folded_field_opens_the_fold(client, manager):
    client.force_login(manager)
    response = client.post(reverse("clients:create"), {
        "first_name": "Oksana", "phone": "067 765 43 21", "source": "walk_in", "language": "uk",
        "preferred_channel": "email", "birth_date": "2999-01-01",
    })
    assert re.search(r'data-testid="more-details"\s+open', response.content.decode())


def test_a_client_saved_with_the_essentials_is_asked_the_rest_on_the_card(client, manager):
    client.force_login(manager)
    response = client.post(reverse("clients:create"), {
        "first_name": "Oksana", "last_name": "Tkachenko", "phone": "067 765 43 21", "source": "walk_in",
        "goals": "Lose 5 kg", "language": "uk", "preferred_channel": "email",
    }, follow=True)
    assert Client.objects.get().goals == "Lose 5 kg"
    html = response.content.decode()
    assert 'data-testid="profile-to-complete"' in html and "birth date" in html
