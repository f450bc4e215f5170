"""``manage.py setup_periodic_tasks``: write the club's periodic tasks to Celery beat's schedule."""

from django.core.management.base import BaseCommand

from accompaniment.periodic_tasks import periodic_tasks_setup, schedules_markdown


class Command(BaseCommand):
    help = (
        "Create or update the club's periodic tasks (django-celery-beat) and remove its retired "
        "ones; other periodic tasks are left alone. Idempotent: run it after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--markdown", action="store_true", help="Print the schedule as the README's table; change nothing."
        )

    def handle(self, *args, markdown=False, **options):
        if markdown:
            self.stdout.write(schedules_markdown(), ending="")
            return
        from django_celery_beat.models import PeriodicTask

        changes = periodic_tasks_setup()
        self.stdout.write("Periodic tasks:")
        for change in changes:
            self.stdout.write(f"  {change.action:<10} {change.name}: {change.detail}")
        ours = {change.name for change in changes}
        others = PeriodicTask.objects.exclude(name__in=ours).count()
        if others:
            self.stdout.write(f"Left alone: {others} other periodic task(s).")
