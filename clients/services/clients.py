"""Creating and changing clients; the guard every new record about a client passes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Client


def erased_refusal() -> ValidationError:
    return ValidationError({"client": _(
        "This client's personal data were erased on request: nothing new can be recorded about them."
    )})


def client_for_new_record(client: Client) -> Client:
    """The client, locked for the rest of the caller's transaction, who may take a new record
    (a card, a visit, a measurement, an interaction, a task). A client whose personal data were
    erased takes none: refused with a ValidationError. The lock makes an erasure running at the
    same moment wait for the new record, or the new record see the erasure."""
    locked = Client.objects.select_for_update().filter(pk=client.pk).first()
    if locked is None:
        raise ValidationError({"client": _("This client no longer exists.")})
    if locked.erased_at is not None:
        raise erased_refusal()
    return locked


def client_change_refusal(client: Client) -> str | None:
    """Why the stored ``client`` may not be changed, by a form or an imported file alike; None
    when they may. A client whose personal data were erased stays erased: nothing made before
    the erasure brings the data back."""
    if client.erased_at is not None:
        return _("This client's personal data were erased on request: they cannot be changed.")
    return None


@transaction.atomic
def client_save(*, client: Client, contraindications=None, user) -> Client:
    """Validate and save a new or changed client with their health flags, in one transaction,
    unless ``client_change_refusal`` refuses the change (the row is locked, so a concurrent
    erasure is waited for)."""
    if client.pk is None:
        client.created_by = user
    else:
        stored = Client.objects.select_for_update().only("erased_at").filter(pk=client.pk).first()
        if stored is not None and (refusal := client_change_refusal(stored)):
            raise ValidationError(refusal)
    client.full_clean()
    client.save()
    if contraindications is not None:
        client.contraindications.set(contraindications)
    return client
