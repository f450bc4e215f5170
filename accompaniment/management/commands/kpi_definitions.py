"""``manage.py kpi_definitions``: the dashboard's definitions as the README lists them."""

from django.core.management.base import BaseCommand

from accompaniment.dashboard import definitions_markdown


class Command(BaseCommand):
    help = "Print the definition of every number on the director's dashboard (Markdown, from the docstrings)."

    def handle(self, *args, **options):
        self.stdout.write(definitions_markdown(), ending="")
