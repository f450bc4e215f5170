"""Whether the client comes: the client's confirmation of a planned session (from the chat, the
personal page or a call taken by staff), kept on the session itself."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Session


@transaction.atomic
def session_confirm(*, session: Session, channel: str) -> Session:
    """Record that the client will come to a planned session, once, with the time and the channel
    (``Session.Confirmation``). A second confirmation is refused with ``code="confirmed_already"``."""
    if channel not in Session.Confirmation.values:
        raise ValidationError(_("Unknown confirmation channel."))
    now = timezone.now()
    updated = Session.objects.filter(pk=session.pk, status=Session.Status.PLANNED, confirmed_at__isnull=True).update(
        confirmed_at=now, confirmed_via=channel, updated_at=now)
    if not updated:
        current = Session.objects.filter(pk=session.pk).values_list("status", "confirmed_at").first()
        if current and current[0] == Session.Status.PLANNED and current[1] is not None:
            raise ValidationError(_("This session is confirmed already."), code="confirmed_already")
        raise ValidationError(_("Only a planned session can be confirmed."), code="not_planned")
    session.refresh_from_db()
    return session


__all__ = ["session_confirm"]
