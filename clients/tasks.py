"""Celery tasks of the clients app: delivering the outbox."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .messaging.outbox import due_ids, outbox_deliver, outbox_sweep_unconfirmed


@shared_task(name="clients.deliver_outbox")
def deliver_outbox() -> int:
    """Mark the rows a stopped worker left being sent past the lease as unconfirmed, then fan
    the queued, due rows out to workers in chunks; returns how many were handed out."""
    outbox_sweep_unconfirmed()
    ids = due_ids(timezone.now())
    size = settings.OUTBOX_CHUNK_SIZE
    for start in range(0, len(ids), size):
        deliver_notifications.delay(ids[start : start + size])
    return len(ids)


@shared_task(name="clients.deliver_notifications")
def deliver_notifications(ids: list[int]) -> dict:
    """Deliver these rows one by one (each marked as it goes; a failure never stops the rest)."""
    return dict(outbox_deliver(ids))
