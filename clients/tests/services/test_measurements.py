"""Recording a measurement (clients.services.measurements)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clients import services
from clients.models import Measurement
from clients.tests.services.support import day

pytestmark = pytest.mark.django_db


def test_a_measurement_is_recorded_with_who_took_it_and_refused_in_the_future(member, manager):
    measurement = services.measurement_add(
        client=member, measured_on=day(0), readings={"weight_kg": Decimal("70.5"), "waist_cm": None},
        notes="Morning", user=manager,
    )
    assert (measurement.weight_kg, measurement.created_by, measurement.notes) == (Decimal("70.5"), manager, "Morning")
    with pytest.raises(ValidationError) as refused:
        services.measurement_add(client=member, measured_on=day(1), readings={"weight_kg": Decimal("70")}, user=manager)
    assert refused.value.message_dict == {"measured_on": ["A measurement cannot be dated in the future."]}
    with pytest.raises(ValidationError) as refused:
        services.measurement_add(client=member, measured_on=day(0), readings={}, user=manager)
    assert "Enter at least one measured value." in refused.value.messages
    assert Measurement.objects.count() == 1
