"""The programs app's Celery tasks (found by Celery's autodiscovery of ``<app>.tasks``)."""

from .classes.tasks import extend_class_timetable  # noqa: F401
