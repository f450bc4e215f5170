"""``manage.py capabilities``: who may do what and where, as the README lists it."""

from django.core.management.base import BaseCommand

from accompaniment.access import roles_markdown


class Command(BaseCommand):
    help = "Print each role's capabilities, the pages that need them and the admin permissions (Markdown)."

    def handle(self, *args, **options):
        self.stdout.write(roles_markdown(), ending="")
