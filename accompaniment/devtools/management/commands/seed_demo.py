"""``manage.py seed_demo``: a realistic, idempotent demo club (see accompaniment/devtools/demo/)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accompaniment.devtools.demo import DEMO_PASSWORD, DEMO_USERS, MAX_CLIENTS, DemoClub
from clients.models import Client


class Command(BaseCommand):
    help = (
        "Seed a demo wellness club: 3 blocks, 15 staff, 40 services, 6 plans, demo logins and "
        "clients with memberships, visits, sales, programs and feedback. Idempotent: reference "
        "data is matched by natural keys and demo clients are topped up to --clients."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients", type=int, default=200,
            help="How many demo clients the club should have (default 200); missing ones are added.",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: the same seed gives the same club."
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when the database already has clients (used by `make run`).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (demo or test installations)."
        )

    def handle(self, *args, clients, seed, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo writes made-up clients, staff and logins with a known password, so it "
                "refuses to run with DEBUG off. If this really is a demo or test installation, "
                "run it again with --force."
            )
        if not 0 <= clients <= MAX_CLIENTS:
            raise CommandError(f"--clients must be between 0 and {MAX_CLIENTS}.")
        if if_empty and Client.objects.exists():
            self.stdout.write("The database already has clients: demo data not seeded (--if-empty).")
            return

        started = time.monotonic()
        club = DemoClub(clients=clients, seed=seed)
        created = club.run()
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"Demo club ready in {elapsed:.1f} s."))
        if club.existing_clients:
            self.stdout.write(f"  demo clients already there: {club.existing_clients}")
        if created:
            self.stdout.write("Created:")
            width = max(len(name) for name in created)
            for name, count in created.items():
                self.stdout.write(f"  {name:<{width}}  {count:>7}")
        else:
            self.stdout.write("Nothing to create: the demo club is complete.")
        logins = ", ".join(username for username, *_rest in DEMO_USERS)
        self.stdout.write(f"Logins: {logins}. Password of every demo login: {DEMO_PASSWORD}")
