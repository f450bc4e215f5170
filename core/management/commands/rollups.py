"""``manage.py rollups --check`` / ``--rebuild``: the rollups (``core.rollups``) compared with
their recomputation from the raw rows, and repaired."""

from django.core.management.base import BaseCommand, CommandError

from core import rollups


class Command(BaseCommand):
    help = (
        "Compare the rollups (daily revenue per department, daily visits per plan, each client's last "
        "visit) with the raw rows (--check: exit code 1 on any difference), or install their triggers "
        "again and recompute them (--rebuild)."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true", help="Report rows that differ; fail if any.")
        group.add_argument("--rebuild", action="store_true", help="Reinstall the triggers and recompute.")

    def handle(self, *args, check, rebuild, **options):
        if rebuild:
            for name, rows in rollups.rebuild().items():
                self.stdout.write(f"{name}: rebuilt, {rows} rows")
            return
        drift = rollups.check()
        for name, rows in drift.items():
            self.stdout.write(f"{name}: {'in step' if rows == 0 else f'{rows} rows differ'}")
        if any(drift.values()):
            raise CommandError("The rollups differ from the raw rows: run manage.py rollups --rebuild.")
