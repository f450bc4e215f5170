"""Covering for a colleague: a director reassigns clients, or sets a temporary cover while a
manager is away (``clients.selectors.clients_visible_to`` then lets the covering manager see the
absent one's clients, their messages and tasks within the cover's dates)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import Client, ManagerCover, Task


@transaction.atomic
def cover_set(*, absent, covering, starts_on: datetime.date, ends_on: datetime.date, by, note: str = "") -> ManagerCover:
    """``covering`` answers for ``absent``'s clients from ``starts_on`` to ``ends_on`` (both
    included). Refused when the absent manager already has a cover on any of those days."""
    cover = ManagerCover(absent=absent, covering=covering, starts_on=starts_on, ends_on=ends_on, note=note,
                         created_by=by)
    cover.full_clean()
    clash = ManagerCover.objects.filter(absent=absent, starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if clash:
        raise ValidationError({"starts_on": _("%(manager)s is covered by %(covering)s from %(start)s to %(end)s already.") % {
            "manager": absent.get_full_name() or absent.username,
            "covering": clash.covering.get_full_name() or clash.covering.username,
            "start": formats.date_format(clash.starts_on, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(clash.ends_on, "SHORT_DATE_FORMAT")}})
    if ManagerCover.objects.filter(absent=covering, starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise ValidationError({"covering": _("This manager is away on some of those days.")})
    cover.save()
    return cover


@transaction.atomic
def cover_end(*, cover: ManagerCover, on: datetime.date | None = None) -> ManagerCover | None:
    """End a cover early: its last day becomes yesterday (one not yet begun is removed)."""
    today = on or timezone.localdate()
    if cover.starts_on >= today:
        cover.delete()
        return None
    if cover.ends_on >= today:
        cover.ends_on = today - datetime.timedelta(days=1)
        cover.save(update_fields=["ends_on"])
    return cover


@transaction.atomic
def clients_reassign(*, clients: QuerySet[Client], to, by) -> int:
    """Give these clients to ``to``; their open tasks of their former manager go with them.
    Everything else (interactions, messages, programs, sales) stays on the card, and each
    client's change history records who reassigned them. Returns how many changed."""
    changed = 0
    chosen = clients.order_by().values("pk")  # a subquery: the rows locked are the clients' own
    for client in Client.objects.filter(pk__in=chosen).exclude(assigned_manager=to).select_for_update().order_by("pk"):
        before_id = client.assigned_manager_id
        client.assigned_manager = to
        client._history_user = by
        client.save(update_fields=["assigned_manager", "updated_at"])
        if before_id is not None:
            Task.objects.filter(client=client, assigned_to_id=before_id, status=Task.Status.OPEN).update(
                assigned_to=to, updated_at=timezone.now())
        changed += 1
    return changed
