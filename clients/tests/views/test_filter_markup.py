"""The client list's filter form, written by ``|as_field`` (core/templatetags/crm.py) without
crispy's templates, is the markup crispy writes, field by field (the same comparison as
core/tests/templatetags/test_as_field.py, on the clients' own form)."""

import pytest

from clients.filters import ClientFilter
from clients.models import Client
from core import roles
from core.tests.templatetags.test_as_field import same_markup

pytestmark = pytest.mark.django_db


def test_the_client_lists_filters_are_written_as_crispy_writes_them(director, make_user):
    make_user(roles.MANAGER, first_name="Olena", last_name="<Koval>")
    for data in (None, {"q": "Iryna", "stage": "trust", "membership": "active", "expires_within": "7",
                        "lapsed": "on", "sort": "-last_visit"}, {"expires_within": "999"},
                 {"q": "", "stage": "", "sort": ""}, {"sort": "name,-created"}):
        client_filter = ClientFilter(data, queryset=Client.objects.all(), user=director)
        if data:
            client_filter.is_valid()
        for name in client_filter.form.fields:
            same_markup(client_filter.form[name])
