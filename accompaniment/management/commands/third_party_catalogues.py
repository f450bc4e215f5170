"""``manage.py third_party_catalogues``: bring locale/third_party/ up to date with the sources of
the third-party apps the product shows (``accompaniment.catalogues``): one entry per message
that no other catalogue translates into Russian or Ukrainian, every translation already made
kept, entries no longer needed dropped. ``make catalogues`` runs it after ``makemessages``."""

import polib
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accompaniment.catalogues import DOMAINS, LANGUAGES, catalogue_path, untranslated

HEADER = {
    "Project-Id-Version": "Accompaniment CRM (third-party apps)",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}
PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);"
)


class Command(BaseCommand):
    help = "Refresh locale/third_party/ (the third-party apps' messages other catalogues lack)."

    def handle(self, *args, **options):
        # What the project's own catalogues translate is read from their compiled files.
        call_command("compile_translations", stdout=self.stdout)
        for language in LANGUAGES:
            needed = untranslated(language, with_third_party=False)
            for domain in DOMAINS:
                path = catalogue_path(language, domain)
                before = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path))} if path.exists() else {}
                po = polib.POFile(wrapwidth=100)
                po.metadata = {**HEADER, "Language": language, "Plural-Forms": PLURAL_FORMS}
                for message, label in sorted(needed[domain].items()):
                    old = before.get((message.context, message.msgid))
                    entry = polib.POEntry(
                        msgctxt=message.context, msgid=message.msgid, msgid_plural=message.plural or "",
                        comment=label,
                    )
                    if old is not None:
                        entry.msgstr, entry.msgstr_plural = old.msgstr, dict(old.msgstr_plural)
                    elif message.plural:
                        entry.msgstr_plural = {0: "", 1: "", 2: ""}
                    po.append(entry)
                if not po and not path.exists():
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                po.save(str(path))
                left = len([e for e in po if not e.translated()])
                self.stdout.write(f"{path}: {len(po)} messages, {left} to translate")
