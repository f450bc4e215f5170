"""The daily reminder sweep: every app's producers, written to the outbox exactly once.

Used by the Celery beat tasks and by `manage.py send_reminders` (for the embedded default and
for cron users); both run the same code.
"""

import datetime

from django.contrib.auth import get_user_model

from clients import reminders as client_reminders
from core import roles
from clients.messaging.outbox import message_for_user, outbox_write
from clients.models import Notification
from sales.stages import stages_refresh
from staff.services import surveys_quarterly

from .selectors import today_agenda
from .vocabulary import DIGEST


def digest_messages(on: datetime.date) -> list[Notification]:
    """Each manager's Today agenda by e-mail, once a day."""
    managers = get_user_model().objects.filter(groups__name=roles.MANAGER, is_active=True)
    return [
        message_for_user(
            user=manager,
            kind=DIGEST,
            dedup_key=f"digest:{manager.pk}:{on}",
            template="digest",
            context={"agenda": today_agenda(manager, on=on)},
        )
        for manager in managers
    ]


def reminders_sweep(*, on: datetime.date, dry_run: bool = False) -> dict[str, int]:
    """Queue what is due on ``on`` (the club's local date); returns new rows by producer."""
    report = {}
    if not dry_run:
        report["stages changed"] = stages_refresh(on)
    for name, producer in client_reminders.MESSAGE_PRODUCERS.items():
        report[name] = outbox_write(producer(on), dry_run=dry_run)
    report["quality surveys"] = outbox_write(surveys_quarterly(on), dry_run=dry_run)
    for name, producer in client_reminders.TASK_PRODUCERS.items():
        report[name] = client_reminders.tasks_write(producer(on), dry_run=dry_run)
    return report


def digest_sweep(*, on: datetime.date, dry_run: bool = False) -> int:
    return outbox_write(digest_messages(on), dry_run=dry_run)
