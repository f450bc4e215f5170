"""Writing about a client (clients.services.clients): nothing new is recorded about a client
whose personal data were erased, whichever write tries."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import services
from clients.models import Interaction, Measurement, Membership, Task, Visit
from clients.tests import factories as cf
from clients.tests.services.support import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def erased(member):
    from clients.models import Client

    Client.objects.filter(pk=member.pk).update(erased_at=timezone.now(), first_name="Erased client")
    member.refresh_from_db()
    return member


ERASED = "This client's personal data were erased on request: nothing new can be recorded about them."


@pytest.mark.parametrize(
    "write",
    [
        lambda client, plan, user: services.membership_create(
            client=client, plan=plan, start_date=day(0), price=plan.price, sold_by=user, user=user
        ),
        lambda client, plan, user: services.visit_check_in(client=client, user=user),
        lambda client, plan, user: services.measurement_add(
            client=client, measured_on=day(0), readings={"weight_kg": Decimal("70")}, user=user
        ),
        lambda client, plan, user: services.interaction_log(
            client=client, manager=user, kind=Interaction.Kind.CALL, summary="Called"
        ),
        lambda client, plan, user: services.task_create(
            client=client, assigned_to=user, title="Call back", due_date=day(1), user=user
        ),
    ],
    ids=["card", "visit", "measurement", "interaction", "task"],
)
def test_an_erased_client_takes_no_new_record(erased, plan, manager, write):
    cf.MembershipFactory(client=erased, plan=plan, start_date=day(-3))  # one that ran on, by mistake
    counts = [model.objects.count() for model in (Membership, Visit, Measurement, Interaction, Task)]
    with pytest.raises(ValidationError) as refused:
        write(erased, plan, manager)
    assert refused.value.message_dict == {"client": [ERASED]}
    assert [model.objects.count() for model in (Membership, Visit, Measurement, Interaction, Task)] == counts
