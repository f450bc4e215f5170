"""The reminder schedules as django-celery-beat periodic tasks (editable in the admin site)."""

import json

from django.conf import settings
from django.db import migrations

SCHEDULES = [
    # name, task, crontab (minute, hour) or None for the interval, description
    ("Reminders: daily sweep", "accompaniment.daily_reminders", ("0", "9"),
     "Membership expiry, renewal offers, visits running out, birthdays, manager follow-ups."),
    ("Reminders: managers' morning digest", "accompaniment.morning_digest", ("30", "8"),
     "Each manager's Today agenda by e-mail."),
    ("Outbox: deliver queued messages", "clients.deliver_outbox", None,
     "Sends what is queued and due (quiet hours and retries respected)."),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, cron, description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"task": task, "description": description, "kwargs": json.dumps({})}
        if cron:
            minute, hour = cron
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*",
                month_of_year="*", timezone=settings.TIME_ZONE,
            )
        else:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
        PeriodicTask.objects.create(name=name, **fields)


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accompaniment", "0001_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
