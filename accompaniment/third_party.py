"""What the third-party apps the admin site shows say in English whatever the language, set
right once at start-up (``AccompanimentConfig.ready``). django-celery-beat describes a crontab
with cron-descriptor in English, and titles some columns from names no catalogue can translate
("Human readable", "Scheduler", "Task Name", "Crontab translation"); here they follow the active
language — through the admin's labels only, so that no model (nor migration) changes. (Their
translatable messages are in locale/third_party/: accompaniment.catalogues.)"""

from django.contrib.admin import AllValuesFieldListFilter
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# cron-descriptor's catalogues, by the interface's language codes.
CRON_LOCALES = {"en": "en_US", "ru": "ru_RU", "uk": "uk_UA"}


def cron_description(expression: str, options=None) -> str:
    """A crontab expression in words, in the active language, with 24-hour times."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = options or Options()
    options.locale_code = CRON_LOCALES.get((get_language() or "en").split("-")[0], "en_US")
    options.use_24hour_time_format = True
    return ExpressionDescriptor(expression, options).get_description()


class TaskNameFilter(AllValuesFieldListFilter):
    """The periodic tasks' filter by task, titled in the active language (the field's own name,
    "Task Name", is not translatable)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("task name")


def localize_third_party_apps() -> None:
    """Idempotent: a second call changes nothing."""
    from django_celery_beat import admin as beat_admin
    from django_celery_beat import models as beat

    beat.get_description = cron_description
    beat_admin.PeriodicTaskAdmin.crontab_translation.short_description = _("When it runs")
    beat.PeriodicTask.scheduler.fget.short_description = _("Schedule")
    beat_admin.PeriodicTaskAdmin.list_filter = [
        ("task", TaskNameFilter) if name == "task" else name for name in beat_admin.PeriodicTaskAdmin.list_filter
    ]

    def task_name(inline, task):
        return task.task

    task_name.short_description = _("Task name")
    beat_admin.PeriodicTaskInline.task_name = task_name
    beat_admin.PeriodicTaskInline.fields = tuple(
        "task_name" if name == "task" else name for name in beat_admin.PeriodicTaskInline.fields
    )
    beat_admin.PeriodicTaskInline.readonly_fields = beat_admin.PeriodicTaskInline.fields

    described = beat.CrontabSchedule.human_readable.fget
    if getattr(described, "localized", False):
        return

    def human_readable(schedule):
        return described(schedule)

    human_readable.short_description = _("When it runs")
    human_readable.localized = True
    beat.CrontabSchedule.human_readable = property(human_readable)
