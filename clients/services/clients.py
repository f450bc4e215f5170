"""Creating and changing clients."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Client


@transaction.atomic
def client_save(*, client: Client, contraindications=None, user) -> Client:
    """Validate and save a new or changed client with their health flags, in one transaction.
    A client whose personal data were erased stays erased: a form opened before the erasure
    cannot bring the data back (the row is locked, so a concurrent erasure is waited for)."""
    if client.pk is None:
        client.created_by = user
    elif Client.objects.select_for_update().filter(pk=client.pk, erased_at__isnull=False).exists():
        raise ValidationError(_("This client's personal data were erased on request: they cannot be changed."))
    client.full_clean()
    client.save()
    if contraindications is not None:
        client.contraindications.set(contraindications)
    return client
