from django.core.management.base import BaseCommand

from clients.messaging.outbox import delivery_summary, outbox_deliver_due


class Command(BaseCommand):
    help = (
        "Deliver the outbox's due messages now, without a Celery worker (for cron: every "
        "minute). Messages a stopped worker left being sent past the lease become unconfirmed."
    )

    def handle(self, *args, **options):
        self.stdout.write(delivery_summary(outbox_deliver_due()))
