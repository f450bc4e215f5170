"""The interface speaks English, Russian and Ukrainian: complete catalogues, compiled, used."""

import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accompaniment.management.commands.compile_translations import catalogues

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w+\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 900
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"{len(untranslated)} untranslated in {language}: {untranslated[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:10]}"
    assert "fuzzy" not in po.metadata_as_entry().flags


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_english(language):
    wrong = []
    for entry in catalogue(language).translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if sorted(PLACEHOLDER.findall(text)) != expected and not entry.msgid_plural:
                wrong.append((entry.msgid, text))
            elif entry.msgid_plural and set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(entry.msgid_plural)):
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_compiled_catalogues_are_those_of_the_po_files():
    """``make`` compiles them (manage.py compile_translations); a stale .mo would show old text."""
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
        compiled = {(entry.msgctxt, entry.msgid): entry.msgstr
                    for entry in polib.mofile(str(mo_path)) if not entry.msgid_plural}
        source = {(entry.msgctxt, entry.msgid): entry.msgstr
                  for entry in polib.pofile(str(po_path)).translated_entries() if not entry.msgid_plural}
        assert compiled == source


@pytest.mark.parametrize("language, word", [("ru", "Сегодня"), ("uk", "Сьогодні"), ("en", "Today")])
def test_the_interface_speaks_the_language(language, word):
    with translation.override(language):
        assert translation.gettext("Today") == word


@pytest.mark.django_db
def test_a_users_language_is_remembered_across_logins(client, make_user):
    manager = make_user("Accompaniment manager")
    client.force_login(manager)
    response = client.post(reverse("set_language"), {"language": "uk", "next": reverse("home")})
    assert response.status_code == 302
    assert "Сьогодні" in client.get(reverse("home")).content.decode()
    client.logout()
    client.cookies.clear()  # another browser: no language cookie
    client.force_login(manager)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "uk"
    assert "Сьогодні" in page.content.decode()


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_the_browsers_language_and_a_bad_code_is_ignored(client):
    login = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ru")
    assert login["Content-Language"] == "ru"
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


@pytest.mark.parametrize("language, expected", [
    ("en", "1,234.50 UAH"), ("ru", "1\xa0234,50 UAH"), ("uk", "1\xa0234,50 UAH"),
])
def test_money_and_dates_are_written_the_languages_way(language, expected):
    import datetime
    from decimal import Decimal

    from django.utils import formats

    from core.templatetags.crm import money

    with translation.override(language):
        assert money(Decimal("1234.5")) == expected
        assert money(Decimal("1234.5"), "no") == expected.removesuffix(" UAH")
        day = formats.date_format(datetime.date(2026, 12, 2), "SHORT_DATE_FORMAT")
    # English as a club in Ukraine writes it (core/formats/en): day first, never month first.
    assert day == {"en": "02.12.2026", "ru": "02.12.2026", "uk": "02.12.2026"}[language]


@pytest.mark.django_db
def test_the_pages_a_client_opens_from_a_message_speak_the_clients_language(client):
    from clients.messaging.links import unsubscribe_url
    from clients.tests.factories import ClientFactory
    from staff.services import survey_token

    person = ClientFactory(language="ru", consent_email=True, email="olga@example.com")
    page = client.get(unsubscribe_url(person.pk, "email"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "ru" and "Отписаться" in page.content.decode()
    survey = client.get(reverse("survey", args=[survey_token(client_id=person.pk)]), HTTP_ACCEPT_LANGUAGE="uk")
    assert survey.status_code == 200 and survey["Content-Language"] == "ru"
