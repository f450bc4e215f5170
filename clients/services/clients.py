"""Creating and changing clients."""

from django.db import transaction

from ..models import Client


@transaction.atomic
def client_save(*, client: Client, contraindications=None, user) -> Client:
    """Validate and save a new or changed client with their health flags, in one transaction."""
    if client.pk is None:
        client.created_by = user
    client.full_clean()
    client.save()
    if contraindications is not None:
        client.contraindications.set(contraindications)
    return client
