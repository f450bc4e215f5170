"""A freeze request taken at the front desk (``clients.services.freeze_request``): checked as a
freeze would be, then a task due today for the client's manager; and what the desk says before
a check-in (``check_in_refusal``)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import services
from clients.models import Freeze, Task
from clients.tests import factories as cf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def card(manager):
    client = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)
    return cf.MembershipFactory(client=client, card_number="C-100", start_date=TODAY - datetime.timedelta(days=5))


def test_a_freeze_request_is_a_task_for_the_clients_manager_due_today(card, manager, frontdesk):
    task = services.freeze_request(
        membership=card, start_date=TODAY + datetime.timedelta(days=2), days=10, reason="Business trip", user=frontdesk,
    )

    assert (task.assigned_to, task.client, task.kind, task.due_date) == (manager, card.client, Task.Kind.FREEZE_REQUEST, TODAY)
    assert "C-100" in task.title and "10 days" in task.title
    assert "Business trip" in task.description
    assert not Freeze.objects.exists()  # the manager freezes it


@pytest.mark.parametrize("start, days, reason, field", [
    (-1, 7, "Trip", "start_date"),
    (0, 0, "Trip", "days"),
    (0, 7, "  ", "reason"),
    (0, 99, "Trip", "days"),  # the plan allows 14
])
def test_a_request_a_freeze_would_refuse_is_refused_next_to_its_field(card, frontdesk, start, days, reason, field):
    with pytest.raises(ValidationError) as refused:
        services.freeze_request(membership=card, start_date=TODAY + datetime.timedelta(days=start), days=days,
                                reason=reason, user=frontdesk)
    assert field in refused.value.message_dict
    assert not Task.objects.exists()


def test_a_client_without_a_manager_is_frozen_on_the_card_instead(card, frontdesk):
    card.client.assigned_manager = None
    card.client.save()
    with pytest.raises(ValidationError) as refused:
        services.freeze_request(membership=card, start_date=TODAY, days=3, reason="Flu", user=frontdesk)
    assert "no manager" in refused.value.messages[0]


def test_the_desk_knows_before_the_click_why_a_check_in_would_be_refused(card):
    assert services.check_in_refusal(card.client) is None
    expired = cf.MembershipFactory(card_number="OLD-1", start_date=TODAY - datetime.timedelta(days=60),
                                   end_date=TODAY - datetime.timedelta(days=30))
    assert services.check_in_refusal(expired.client) == services.memberships._refusal(expired.client, TODAY)
    assert "OLD-1 expired on" in services.check_in_refusal(expired.client)
