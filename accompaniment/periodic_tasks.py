"""The club's periodic tasks: what Celery beat runs, and when (django-celery-beat's tables).

``manage.py setup_periodic_tasks`` writes them (``periodic_tasks_setup``): it creates what is
missing and brings each of the club's rows — known by its name — back to the task, the time and
the description below; a row a person paused (*enabled* off) stays paused, and every other row
of the schedule is left alone. Run it after every ``migrate`` (``make run`` does). The times of
day come from settings (``DAILY_REMINDERS_AT``, ``STAGE_REFRESH_AT``, ``CLASS_TIMETABLE_AT``), in the club's time zone.
"""

from __future__ import annotations

import dataclasses
import datetime
import json

from django.conf import settings
from django.db import transaction


@dataclasses.dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    description: str
    at: datetime.time | None = None  # every day at this club-local time, or
    every_minutes: int | None = None  # every this many minutes

    @property
    def when(self) -> str:
        if self.at is not None:
            return f"daily at {self.at:%H:%M}"
        return "every minute" if self.every_minutes == 1 else f"every {self.every_minutes} minutes"


def club_schedules() -> list[Schedule]:
    """The club's periodic tasks, in the order they come in a day."""
    return [
        Schedule(
            "Relationship stages: nightly refresh", "sales.refresh_stages",
            "Stores every client's relationship stage as of the new day (sales.stages).",
            at=settings.STAGE_REFRESH_AT,
        ),
        Schedule(
            "Reminders: daily sweep", "accompaniment.daily_reminders",
            "The daily pipeline (core.reminders): reminders to clients and tasks for the managers, "
            "all or nothing; once committed, each manager's morning digest, which lists them.",
            at=settings.DAILY_REMINDERS_AT,
        ),
        Schedule(
            "Outbox: deliver queued messages", "clients.deliver_outbox",
            "Sends what is queued and due (quiet hours and retries respected).",
            every_minutes=1,
        ),
        Schedule(
            "Timetable: group classes ahead", "programs.extend_class_timetable",
            "Generates each group class's occurrences up to CLASS_TIMETABLE_WEEKS ahead "
            "(programs.classes.timetable); a day that conflicts is skipped and listed.",
            at=settings.CLASS_TIMETABLE_AT,
        ),
    ]


# Rows the club wrote once and no longer wants, by name and task: removed by the setup.
RETIRED = [
    # Ran at 08:30, before the 09:00 sweep made the day's tasks; now chained after the sweep.
    ("Reminders: managers' morning digest", "accompaniment.morning_digest"),
]


@dataclasses.dataclass(frozen=True)
class Change:
    action: str  # created, updated, unchanged, removed
    name: str
    detail: str


def _crontab_for(at: datetime.time):
    from django_celery_beat.models import CrontabSchedule

    fields = {
        "minute": str(at.minute), "hour": str(at.hour), "day_of_week": "*", "day_of_month": "*",
        "month_of_year": "*", "timezone": settings.TIME_ZONE,
    }
    return CrontabSchedule.objects.filter(**fields).order_by("id").first() or CrontabSchedule.objects.create(**fields)


def _interval_for(minutes: int):
    from django_celery_beat.models import IntervalSchedule

    fields = {"every": minutes, "period": IntervalSchedule.MINUTES}
    return IntervalSchedule.objects.filter(**fields).order_by("id").first() or IntervalSchedule.objects.create(**fields)


def _describe(row) -> str:
    if row is None:
        return "none"
    if row.crontab_id:
        cron = row.crontab
        if cron.hour.isdigit() and cron.minute.isdigit() and (cron.day_of_week, cron.day_of_month) == ("*", "*"):
            return f"{row.task} daily at {int(cron.hour):02d}:{int(cron.minute):02d} ({cron.timezone})"
        return f"{row.task} at {cron}"
    if row.interval_id:
        return f"{row.task} {row.interval}"
    return f"{row.task} on another kind of schedule"


@transaction.atomic
def periodic_tasks_setup() -> list[Change]:
    """Create or update the club's periodic tasks and remove its retired ones; others stay."""
    from django_celery_beat.models import PeriodicTask

    changes = []
    for schedule in club_schedules():
        wanted = {
            "task": schedule.task,
            "description": schedule.description,
            "args": "[]",
            "kwargs": json.dumps({}),
            "crontab": _crontab_for(schedule.at) if schedule.at is not None else None,
            "interval": _interval_for(schedule.every_minutes) if schedule.every_minutes else None,
            "solar": None,
            "clocked": None,
        }
        row = PeriodicTask.objects.select_related("crontab", "interval").filter(name=schedule.name).first()
        if row is None:
            row = PeriodicTask.objects.create(name=schedule.name, **wanted)
            changes.append(Change("created", schedule.name, f"{_describe(row)}"))
            continue
        differs = [field for field, value in wanted.items() if getattr(row, field) != value]
        if not differs:
            detail = _describe(row) + ("" if row.enabled else "; paused in the admin site: left paused")
            changes.append(Change("unchanged", schedule.name, detail))
            continue
        before = _describe(row)
        for field in differs:
            setattr(row, field, wanted[field])
        row.save()
        row = PeriodicTask.objects.select_related("crontab", "interval").get(pk=row.pk)
        changes.append(Change("updated", schedule.name, f"{before} → {_describe(row)}"))
    for name, task in RETIRED:
        for row in PeriodicTask.objects.filter(name=name, task=task):
            row.delete()
            changes.append(Change("removed", name, f"{task}: no longer a task of its own"))
    return changes


def schedules_markdown() -> str:
    """The schedule as the README's table lists it (with the default times)."""
    lines = ["| periodic task | runs | what |", "| --- | --- | --- |"]
    for schedule in club_schedules():
        lines.append(f"| *{schedule.name}* (`{schedule.task}`) | {schedule.when} | {schedule.description} |")
    return "\n".join(lines) + "\n"
