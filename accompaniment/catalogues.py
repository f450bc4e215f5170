"""The translations of the third-party apps the product shows (the admin site, its login
protection and periodic tasks, import and export, history, filters…) where their own catalogues
lack Russian or Ukrainian.

Each app's messages are read from its source (Python calls of gettext and friends, templates'
``translate``/``blocktranslate``, JavaScript ``gettext``); those that no catalogue translates —
neither the app's own, nor Django's, nor the project's ``locale/`` — are kept in
``locale/third_party/<language>/LC_MESSAGES/`` (``django.po``, ``djangojs.po``), a locale
directory of its own in ``LOCALE_PATHS``: ``makemessages`` never writes there (no source of ours
lives in it), so ``make catalogues`` never drops them. ``manage.py third_party_catalogues``
brings the files up to date with the apps' sources (keeping every translation already made); the
translations test fails on any message of those apps left untranslated.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test.utils import override_settings
from django.utils.translation.template import templatize
from django.utils.translation.trans_real import DjangoTranslation

# The apps whose words the product shows (their app labels).
THIRD_PARTY_APPS = (
    "admin", "auth", "contenttypes", "axes", "django_celery_beat", "import_export", "simple_history",
    "django_filters", "phonenumber_field",
)
LANGUAGES = ("ru", "uk")
DOMAINS = ("django", "djangojs")
THIRD_PARTY_LOCALE = settings.BASE_DIR / "locale" / "third_party"
# Messages whose translation in the app's own catalogue is wrong for the club (it leaves English
# in the Russian): ours, in locale/third_party/, wins.
OURS_EVEN_IF_TRANSLATED = {
    "Datetime that the schedule last triggered the task to run. Reset to None if enabled is set to False.",
    "User Agent",
}
# Messages that read the same in every language (a code, a placeholder alone).
SAME_IN_EVERY_LANGUAGE = {"%s", "%(sel)s", "%(cnt)s", "", "ID", "UUID", "URL", "JSON", "Cron", "IP"}


@dataclass(frozen=True)
class Message:
    """One message of a catalogue: its context (or None), its text and its plural (or None)."""

    context: str | None
    msgid: str
    plural: str | None = None

    def __lt__(self, other: "Message") -> bool:
        return (self.msgid, self.context or "") < (other.msgid, other.context or "")


# --- reading the messages of an app's source -----------------------------------------------------
_CALLS = {
    "_": "s", "gettext": "s", "gettext_lazy": "s", "gettext_noop": "s", "_lazy": "s",
    "pgettext": "p", "pgettext_lazy": "p", "ngettext": "n", "ngettext_lazy": "n",
    "npgettext": "np", "npgettext_lazy": "np",
}
_STRING = r"""u?(?:'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")"""
_TEMPLATE_CALL = re.compile(
    r"\b(gettext|pgettext|ngettext|npgettext)\(\s*(" + _STRING + r")(?:\s*,\s*(" + _STRING + r"))?(?:\s*,\s*("
    + _STRING + r"))?"
)
_JS_CALL = re.compile(
    r"""\b(gettext|ngettext|pgettext)\(\s*(['"])((?:\\.|(?!\2).)*)\2(?:\s*,\s*(['"])((?:\\.|(?!\4).)*)\4)?"""
)


def _message(kind: str, strings: list) -> Message | None:
    if kind in ("s", "gettext") and strings and strings[0]:
        return Message(None, strings[0])
    if kind in ("p", "pgettext") and len(strings) > 1 and strings[1]:
        return Message(strings[0], strings[1])
    if kind in ("n", "ngettext") and len(strings) > 1 and strings[0]:
        return Message(None, strings[0], strings[1])
    if kind in ("np", "npgettext") and len(strings) > 2 and strings[1]:
        return Message(strings[0], strings[1], strings[2])
    return None


def python_messages(source: str) -> set[Message]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
        if name not in _CALLS:
            continue
        strings = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        message = _message(_CALLS[name], strings)
        if message is not None:
            found.add(message)
    return found


def template_messages(source: str) -> set[Message]:
    found = set()
    for match in _TEMPLATE_CALL.finditer(templatize(source)):
        strings = [ast.literal_eval(group.removeprefix("u")) for group in match.groups()[1:] if group]
        message = _message(match.group(1), strings)
        if message is not None:
            found.add(message)
    return found


def javascript_messages(source: str) -> set[Message]:
    found = set()
    for match in _JS_CALL.finditer(source):
        kind, first, second = match.group(1), match.group(3), match.group(5)
        message = _message(kind, [first, second] if second is not None else [first])
        if message is not None:
            found.add(message)
    return found


def app_messages(label: str) -> dict[str, set[Message]]:
    """The messages of an app's source by domain (``django``, ``djangojs``); tests, migrations
    and minified or vendored scripts aside."""
    root = Path(apps.get_app_config(label).path)
    found = {"django": set(), "djangojs": set()}
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if {"tests", "migrations", "locale", "vendor"} & set(parts) or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace") if path.suffix in (".py", ".html", ".txt", ".js") else ""
        if path.suffix == ".py":
            try:
                found["django"] |= python_messages(text)
            except SyntaxError:
                continue
        elif path.suffix in (".html", ".txt"):
            found["django"] |= template_messages(text)
        elif path.suffix == ".js" and not path.name.endswith(".min.js"):
            found["djangojs"] |= javascript_messages(text)
    return found


# --- which are translated ------------------------------------------------------------------------
def translation(language: str, domain: str, *, with_third_party: bool = True) -> DjangoTranslation:
    """The merged catalogue Django uses (the apps', Django's and LOCALE_PATHS'), with or without
    the third-party catalogue."""
    paths = list(settings.LOCALE_PATHS)
    if not with_third_party:
        paths = [path for path in paths if Path(path) != THIRD_PARTY_LOCALE]
    with override_settings(LOCALE_PATHS=paths):
        return DjangoTranslation(language, domain=domain)


def is_translated(catalogue: DjangoTranslation, message: Message) -> bool:
    """Whether some catalogue merged into ``catalogue`` holds a translation of ``message`` (which
    may read as the English does: ``%(class_name)s %(instance)s``)."""
    if message.msgid in SAME_IN_EVERY_LANGUAGE:
        return True
    key = f"{message.context}\x04{message.msgid}" if message.context else message.msgid
    entries = catalogue._catalog  # the merged catalogue Django reads (a TranslationCatalog)
    if message.plural is not None:
        return bool(entries.get((key, 0)))
    return bool(entries.get(key))


def untranslated(language: str, *, with_third_party: bool = True) -> dict[str, dict[Message, str]]:
    """{domain: {message: app label}} of the third-party apps' messages no catalogue translates."""
    missing = {domain: {} for domain in DOMAINS}
    catalogues = {domain: translation(language, domain, with_third_party=with_third_party) for domain in DOMAINS}
    for label in THIRD_PARTY_APPS:
        for domain, messages in app_messages(label).items():
            for message in sorted(messages):
                if message.msgid in OURS_EVEN_IF_TRANSLATED and not with_third_party:
                    missing[domain].setdefault(message, label)
                elif not is_translated(catalogues[domain], message):
                    missing[domain].setdefault(message, label)
    return missing


def catalogue_path(language: str, domain: str) -> Path:
    return THIRD_PARTY_LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
