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


@shared_task(name="accompaniment.daily_reminders")
def daily_reminders(day: str | None = None) -> dict:
    """The daily sweep for the club's local date, then delivery of what it queued."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from clients.tasks import deliver_outbox

    from .reminders import reminders_sweep

    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    report = reminders_sweep(on=on)
    transaction.on_commit(deliver_outbox.delay)
    return report


@shared_task(name="accompaniment.morning_digest")
def morning_digest(day: str | None = None) -> int:
    """Each manager's Today agenda by e-mail."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from clients.tasks import deliver_outbox

    from .reminders import digest_sweep

    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    queued = digest_sweep(on=on)
    transaction.on_commit(deliver_outbox.delay)
    return queued


@shared_task(name="accompaniment.telegram_update")
def telegram_update(update_pk: int) -> str:
    """Work on one stored Telegram update (at most once: ``client_side.bot.update_process``)."""
    from .client_side.bot import update_process

    return update_process(update_pk)
