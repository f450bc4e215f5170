import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clients.messaging.outbox import delivery_summary, outbox_deliver_due
from core import reminders
from sales.stages import stages_refresh


class Command(BaseCommand):
    help = (
        "Run the daily pipeline for a day synchronously — the sweep (all or nothing), then the "
        "managers' digests — as the Celery task does, then deliver what is due. For the "
        "embedded default and for cron users."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The club's local date, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be queued; write and send nothing."
        )
        parser.add_argument(
            "--no-digest", action="store_true", help="Leave out the managers' morning digest."
        )
        parser.add_argument(
            "--refresh-stages",
            action="store_true",
            help="First store the clients' relationship stages, as the nightly task sales.refresh_stages does.",
        )

    def handle(self, *args, date=None, dry_run=False, no_digest=False, refresh_stages=False, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must look like 2026-11-22, not {date!r}") from None
        self.stdout.write(f"Reminders for {on.isoformat()}:")
        if refresh_stages:
            changed = stages_refresh(on, dry_run=dry_run)
            self.stdout.write(f"  {'relationship stages':<24} {'would change' if dry_run else 'changed'} {changed}")
        report = reminders.day(on=on, dry_run=dry_run, with_digests=not no_digest)
        verb = "would queue" if dry_run else "queued"
        for name, count in report.items():
            self.stdout.write(f"  {name:<24} {verb} {count}")
        if dry_run:
            self.stdout.write("Dry run: nothing written, nothing sent.")
            return
        self.stdout.write(delivery_summary(outbox_deliver_due()))
