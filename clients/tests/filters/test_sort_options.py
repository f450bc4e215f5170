"""The client list's *Sort by* options speak the page's language (they stayed English in ru/uk:
the labels were keyed by the parameters, which django-filter ignores, and its "(descending)"
suffix is formatted once, at import)."""

import pytest
from django.utils import translation

from clients.filters import ClientFilter


@pytest.mark.django_db
@pytest.mark.parametrize("language, expected", [
    ("en", ["Name, A–Z", "Name, Z–A", "Membership end, soonest first", "Membership end, latest first"]),
    ("ru", ["Имя, А–Я", "Имя, Я–А", "Окончание абонемента, ближайшие сначала", "Окончание абонемента, самые поздние сначала"]),
    ("uk", ["Ім’я, А–Я", "Ім’я, Я–А", "Кінець абонемента, найближчі спершу", "Кінець абонемента, найпізніші спершу"]),
])
def test_every_sort_option_is_in_the_language_of_the_page(language, expected, manager):
    with translation.override(language):
        choices = [str(label) for value, label in ClientFilter(user=manager).form.fields["sort"].choices if value]
    assert choices[:4] == expected
    assert len(choices) == 8
