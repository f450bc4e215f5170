from celery import shared_task
from django.db import connection


@shared_task(name="accompaniment.worker_status")
def worker_status() -> dict:
    """Tell which database a worker reaches and how many clients it sees there.

    Operators use it to check that workers are up and configured like the web processes:
    `celery -A accompaniment call accompaniment.worker_status`.
    """
    from clients.models import Client

    return {"database": connection.vendor, "clients": Client.objects.count()}


@shared_task(name="accompaniment.daily_reminders", bind=True)
def daily_reminders(self, day: str | None = None, digests: bool = True) -> dict:
    """The daily pipeline for the club's local date (``core.reminders``): the sweep in one
    transaction; once it has committed, the managers' digests (which list what it made) and
    delivery of what it queued, both on the queue the sweep came from."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from clients.tasks import deliver_outbox
    from core import reminders

    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    report = reminders.sweep(on=on)
    queue = (self.request.delivery_info or {}).get("routing_key")
    if digests:
        transaction.on_commit(lambda: morning_digest.apply_async(args=[on.isoformat()], queue=queue))
    transaction.on_commit(lambda: deliver_outbox.apply_async(queue=queue))
    return report


@shared_task(name="accompaniment.morning_digest")
def morning_digest(day: str | None = None) -> dict:
    """The digests of the daily pipeline (each manager's Today by e-mail), after its sweep."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from clients.tasks import deliver_outbox
    from core import reminders

    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    report = reminders.digests(on=on)
    transaction.on_commit(deliver_outbox.delay)
    return report


@shared_task(name="accompaniment.telegram_update")
def telegram_update(update_pk: int) -> str:
    """Work on one stored Telegram update (at most once: ``client_side.bot.update_process``)."""
    from .client_side.bot import update_process

    return update_process(update_pk)
