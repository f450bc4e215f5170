"""``manage.py setup_periodic_tasks``: the club's schedule in Celery beat's tables, written by a
command (not a migration), idempotent, and leaving everybody else's rows alone."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from accompaniment.celery import app
from accompaniment.periodic_tasks import club_schedules, schedules_markdown
from accompaniment.tests.settings.test_environment import run_django

BASE_DIR = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


def setup(*args) -> str:
    out = StringIO()
    call_command("setup_periodic_tasks", *args, stdout=out)
    return out.getvalue()


def schedule_rows() -> list[tuple]:
    rows = PeriodicTask.objects.order_by("name").values_list(
        "name", "task", "enabled", "description", "kwargs", "crontab__hour", "crontab__minute",
        "crontab__timezone", "interval__every", "interval__period",
    )
    return [(*row[:7], row[7] and str(row[7]), *row[8:]) for row in rows]


def as_the_old_migration_wrote_them():
    """The rows ``accompaniment/migrations/0002_periodic_tasks.py`` created before it became a no-op."""
    nine = CrontabSchedule.objects.create(minute="0", hour="9", timezone="Europe/Kyiv")
    half_past_eight = CrontabSchedule.objects.create(minute="30", hour="8", timezone="Europe/Kyiv")
    minute = IntervalSchedule.objects.create(every=1, period="minutes")
    PeriodicTask.objects.create(name="Reminders: daily sweep", task="accompaniment.daily_reminders",
                                crontab=nine, kwargs="{}", description="Membership expiry, …")
    PeriodicTask.objects.create(name="Reminders: managers' morning digest", task="accompaniment.morning_digest",
                                crontab=half_past_eight, kwargs="{}", description="Each manager's Today agenda by e-mail.")
    PeriodicTask.objects.create(name="Outbox: deliver queued messages", task="clients.deliver_outbox",
                                interval=minute, kwargs="{}", description="Sends what is queued and due.")


def test_a_new_database_has_no_schedule_until_the_command_writes_it():
    assert not PeriodicTask.objects.exists()  # the migration no longer writes one
    out = setup()
    assert out.count("  created ") == 4
    assert schedule_rows() == [
        ("Outbox: deliver queued messages", "clients.deliver_outbox", True, club_schedules()[2].description,
         "{}", None, None, None, 1, "minutes"),
        ("Relationship stages: nightly refresh", "sales.refresh_stages", True, club_schedules()[0].description,
         "{}", "1", "0", "Europe/Kyiv", None, None),
        ("Reminders: daily sweep", "accompaniment.daily_reminders", True, club_schedules()[1].description,
         "{}", "8", "30", "Europe/Kyiv", None, None),
        ("Timetable: group classes ahead", "programs.extend_class_timetable", True, club_schedules()[3].description,
         "{}", "2", "0", "Europe/Kyiv", None, None),
    ]


def test_running_it_twice_leaves_the_same_rows():
    setup()
    rows, crontabs, intervals = schedule_rows(), CrontabSchedule.objects.count(), IntervalSchedule.objects.count()
    out = setup()
    assert out.count("  unchanged ") == 4 and "created" not in out and "updated" not in out
    assert schedule_rows() == rows
    assert (CrontabSchedule.objects.count(), IntervalSchedule.objects.count()) == (crontabs, intervals)


def test_an_existing_database_is_brought_up_to_date_and_others_rows_stay():
    as_the_old_migration_wrote_them()
    backup = PeriodicTask.objects.create(
        name="Nightly backup check", task="ops.check_backup",
        crontab=CrontabSchedule.objects.create(minute="15", hour="3", timezone="Europe/Kyiv"),
    )
    paused = PeriodicTask.objects.get(name="Outbox: deliver queued messages")
    paused.enabled = False
    paused.save()

    out = setup()
    assert "  updated    Reminders: daily sweep: accompaniment.daily_reminders daily at 09:00 (Europe/Kyiv) → " \
           "accompaniment.daily_reminders daily at 08:30 (Europe/Kyiv)" in out
    assert "  removed    Reminders: managers' morning digest" in out
    assert "  created    Relationship stages: nightly refresh" in out
    assert "  updated    Outbox: deliver queued messages" in out  # its description
    assert "Left alone: 1 other periodic task(s)." in out
    assert not PeriodicTask.objects.filter(task="accompaniment.morning_digest").exists()
    sweep = PeriodicTask.objects.get(name="Reminders: daily sweep")
    assert (sweep.crontab.hour, sweep.crontab.minute) == ("8", "30")
    assert not PeriodicTask.objects.get(name="Outbox: deliver queued messages").enabled  # a person paused it
    backup_now = PeriodicTask.objects.get(pk=backup.pk)
    assert (backup_now.task, backup_now.crontab_id, backup_now.enabled) == ("ops.check_backup", backup.crontab_id, True)
    assert "paused in the admin site: left paused" in setup()


def test_a_changed_schedule_is_updated(settings):
    setup()
    sweep = PeriodicTask.objects.get(name="Reminders: daily sweep")
    sweep.crontab = CrontabSchedule.objects.create(minute="0", hour="12", timezone="Europe/Kyiv")
    sweep.kwargs = json.dumps({"day": "2026-01-01"})
    sweep.save()
    settings.STAGE_REFRESH_AT = datetime.time(2, 15)

    out = setup()
    assert out.count("  updated ") == 2
    sweep.refresh_from_db()
    assert (sweep.crontab.hour, sweep.crontab.minute, sweep.kwargs) == ("8", "30", "{}")
    stages = PeriodicTask.objects.get(task="sales.refresh_stages")
    assert (stages.crontab.hour, stages.crontab.minute) == ("2", "15")
    assert PeriodicTask.objects.count() == 4


def test_every_scheduled_task_is_a_task_the_workers_know():
    app.loader.import_default_modules()
    assert {schedule.task for schedule in club_schedules()} <= set(app.tasks)


def test_the_readme_lists_the_schedule_as_the_command_prints_it():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- schedules:start -->\n")[1].split("<!-- schedules:end -->")[0]
    assert block == schedules_markdown() == setup("--markdown")


@pytest.mark.django_db(False)
def test_a_time_of_day_that_is_not_one_stops_the_start():
    result = run_django("import django; django.setup()", DEBUG="true", DAILY_REMINDERS_AT="half past eight")
    assert result.returncode != 0
    assert "DAILY_REMINDERS_AT must be a time of day like 08:30, not 'half past eight'" in result.stderr
