"""``manage.py compile_translations``: the .po files under locale/ compiled to .mo, in Python.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt`` on the machine; this command needs
nothing but polib (a requirement), so ``make run`` and ``make test`` compile the translations on
any machine. It writes a .mo only when it is missing or older than its .po, and refuses (exit 1)
a catalogue that polib cannot read, naming the file and the line.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    """Every .po file of the project's locale directories."""
    return sorted(path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po_path: Path, *, force: bool = False) -> bool:
    """Write ``po_path``'s .mo beside it; False when it was already up to date."""
    mo_path = po_path.with_suffix(".mo")
    if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    try:
        catalogue = polib.pofile(str(po_path))
    except (OSError, ValueError) as error:
        raise CommandError(f"{po_path}: {error}") from error
    temporary = mo_path.with_suffix(".mo.tmp")
    catalogue.save_as_mofile(str(temporary))
    temporary.replace(mo_path)  # readers never see half a file
    return True


class Command(BaseCommand):
    help = "Compile the translations (locale/*/LC_MESSAGES/*.po) to .mo files, without GNU gettext."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile even up-to-date catalogues.")

    def handle(self, *args, force, **options):
        compiled = [path for path in catalogues() if compile_catalogue(path, force=force)]
        for path in compiled:
            self.stdout.write(f"compiled {path.relative_to(settings.BASE_DIR)}")
        if not compiled:
            self.stdout.write("Translations are up to date.")
