import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accompaniment.reminders import digest_sweep, reminders_sweep
from clients.messaging.outbox import delivery_summary, outbox_deliver_due


class Command(BaseCommand):
    help = (
        "Run the reminder sweep for a day synchronously (the same sweep Celery beat runs), "
        "then deliver what is due. For the embedded default and for cron users."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The club's local date, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be queued; write and send nothing."
        )
        parser.add_argument(
            "--no-digest", action="store_true", help="Leave out the managers' morning digest."
        )

    def handle(self, *args, date=None, dry_run=False, no_digest=False, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must look like 2026-11-22, not {date!r}") from None
        with transaction.atomic():
            report = reminders_sweep(on=on, dry_run=dry_run)
            if not no_digest:
                report["managers' digest"] = digest_sweep(on=on, dry_run=dry_run)
        verb = "would queue" if dry_run else "queued"
        self.stdout.write(f"Reminders for {on.isoformat()}:")
        for name, count in report.items():
            if name == "stages changed":
                self.stdout.write(f"  relationship stages      {count} changed")
            else:
                self.stdout.write(f"  {name:<24} {verb} {count}")
        if dry_run:
            self.stdout.write("Dry run: nothing written, nothing sent.")
            return
        self.stdout.write(delivery_summary(outbox_deliver_due()))
