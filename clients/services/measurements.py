"""Body measurements taken by a trainer or the manager."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Client, Measurement
from .clients import client_for_new_record


@transaction.atomic
def measurement_add(
    *,
    client: Client,
    measured_on: datetime.date,
    readings: Mapping[str, Decimal | int | None],
    user,
    notes: str = "",
) -> Measurement:
    """Record a measurement of ``client`` on ``measured_on``: ``readings`` maps the measured
    values (``Measurement.VALUE_FIELDS``) to numbers, at least one given. Refused for a day in the
    future, a value out of its range, and a client whose data were erased (their measurements
    were deleted with the erasure and none may come back)."""
    unknown = set(readings) - set(Measurement.VALUE_FIELDS)
    if unknown:
        raise ValueError(f"not measured values: {sorted(unknown)}")
    client = client_for_new_record(client)
    if measured_on is not None and measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("A measurement cannot be dated in the future.")})
    measurement = Measurement(
        client=client, measured_on=measured_on, notes=notes, created_by=user, **readings
    )
    measurement.full_clean()
    measurement.save()
    return measurement
