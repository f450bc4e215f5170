"""The third-party apps the product shows (the admin site, its login protection and periodic
tasks, import and export, history, filters) speak Russian and Ukrainian too: every message of
their sources is translated by some catalogue, ours in locale/third_party/ filling the gaps, and
``make catalogues`` keeps them."""

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from accompaniment.catalogues import (
    DOMAINS,
    LANGUAGES,
    THIRD_PARTY_LOCALE,
    Message,
    app_messages,
    catalogue_path,
    javascript_messages,
    template_messages,
    untranslated,
)

# A placeholder: %(name)s, %s, or {0} / {name} with or without a format spec ({1:.0}).
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)(?::[^}]*)?\}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_the_third_party_apps_show_is_translated(language):
    missing = untranslated(language)
    assert missing == {domain: {} for domain in DOMAINS}, (
        f"run `make catalogues` and translate locale/third_party/{language}: {missing}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_third_party_catalogues_are_complete_and_keep_the_placeholders(language):
    for domain in DOMAINS:
        path = catalogue_path(language, domain)
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        assert [e.msgid for e in po.untranslated_entries()] == []
        assert [e.msgid for e in po.fuzzy_entries()] == []
        for entry in po.translated_entries():
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            for text in texts:
                found = sorted(PLACEHOLDER.findall(text))
                assert found == expected or entry.msgid_plural, (entry.msgid, text)


@pytest.mark.parametrize("language, app, english, translated", [
    ("uk", "axes", "access attempts", "спроби входу"),
    ("uk", "django_celery_beat", "periodic tasks", "періодичні завдання"),
    ("ru", "django_celery_beat", "Sunrise", "Восход"),
])
def test_the_admins_third_party_sections_speak_the_language(language, app, english, translated):
    assert Message(None, english) in app_messages(app)["django"]
    with translation.override(language):
        assert translation.gettext(english) == translated


def test_the_login_protection_is_named_in_every_language():
    from django.apps import apps

    with translation.override("uk"):
        assert str(apps.get_app_config("axes").verbose_name) == "Захист входу"
    with translation.override("ru"):
        assert str(apps.get_app_config("axes").verbose_name) == "Защита входа"


def test_messages_are_read_from_templates_and_scripts():
    assert Message(None, "Recent actions") in template_messages("{% load i18n %}<h2>{% translate 'Recent actions' %}</h2>")
    assert Message(None, "Save %(name)s") in template_messages(
        "{% load i18n %}{% blocktranslate with name=x %}Save {{ name }}{% endblocktranslate %}")
    assert javascript_messages("gettext('Choose all %s'); ngettext('%s option', '%s options', n)") == {
        Message(None, "Choose all %s"), Message(None, "%s option", "%s options"),
    }


def _catalogues_recipe() -> str:
    """The Makefile's `catalogues` commands, as `make catalogues` runs them, in this venv."""
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    recipe = makefile.split("\ncatalogues:", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in recipe.replace("\\\n", " ").splitlines()[1:] if line.startswith("\t")]
    bin_dir = str(Path(sys.executable).parent)
    return " && ".join(line.replace("$(DEV)", "DEBUG=true").replace("$(BIN)", bin_dir) for line in lines)


@pytest.mark.slow
def test_make_catalogues_keeps_the_third_party_catalogues(tmp_path):
    """`make catalogues` (makemessages --no-obsolete, then third_party_catalogues) on a copy of
    the project: the third-party catalogues come out as they are (nothing dropped, nothing left
    to translate), and the project's catalogues keep their translations."""
    if not shutil.which("xgettext"):
        pytest.fail("`make catalogues` needs GNU gettext (apt-get install gettext)")
    copy = tmp_path / "project"
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=settings.BASE_DIR,
        capture_output=True, text=True, check=True,
    ).stdout.split()
    for name in files:
        source = settings.BASE_DIR / name
        if source.is_file():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    result = subprocess.run(["bash", "-c", _catalogues_recipe()], cwd=copy, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for language in LANGUAGES:
        for domain in DOMAINS:
            ours = catalogue_path(language, domain)
            if ours.exists():
                theirs = copy / ours.relative_to(settings.BASE_DIR)
                assert filecmp.cmp(ours, theirs, shallow=False), f"make catalogues changed {theirs}"
        main = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        assert main.untranslated_entries() == [] and main.fuzzy_entries() == []
    assert not (copy / THIRD_PARTY_LOCALE.relative_to(settings.BASE_DIR) / "ru" / "LC_MESSAGES" / "djangojs.po").exists()
