import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accompaniment.seeding import DEMO_PASSWORD, DemoSeeder
from clients.models import Client


class Command(BaseCommand):
    help = (
        "Seed a demo wellness club: departments, staff, services, plans, users and clients with "
        "their history. Idempotent: reference data is matched by name, clients are topped up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=200, help="How many demo clients (default 200).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same club).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database has clients.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, clients, seed, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo adds made-up people to the database and refuses to run with DEBUG off. "
                "Use --force if this really is a demo or test installation."
            )
        if clients < 0 or clients > 200_000:
            raise CommandError("--clients must be between 0 and 200000.")
        if if_empty and Client.objects.exists():
            self.stdout.write("The database already has clients: the demo club is not seeded again.")
            return
        started = time.monotonic()
        summary = DemoSeeder(clients=clients, seed=seed, stdout=self.stdout).run()
        for name, count in summary.items():
            self.stdout.write(f"  {name:<26} {count}")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
        self.stdout.write(
            "Log in at http://127.0.0.1:8000 as director, manager, manager2, trainer, frontdesk "
            f"or admin; the password of all of them is {DEMO_PASSWORD}."
        )
