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


def test_the_managers_filter_lists_the_managers_of_the_moment(client, director, manager, make_user):
    """The form's class is built once per set of filters (``ClientFilter.get_form_class``), but its
    managers are read on every look: a manager added, renamed or gone between two looks shows so;
    a manager's own list, built before or after the director's, has no manager filter."""
    from django.urls import reverse

    def managers_offered(user) -> list[str] | None:
        client.force_login(user)
        form = client.get(reverse("clients:list")).context["filter"].form
        if "manager" not in form.fields:
            return None
        return [str(label) for value, label in form.fields["manager"].choices if value != ""]

    assert managers_offered(manager) is None
    before = managers_offered(director)
    newcomer = make_user(roles.MANAGER, first_name="Zoriana", last_name="Melnyk")
    assert set(managers_offered(director)) == {*before, "Zoriana Melnyk"}
    newcomer.first_name = "Yaryna"
    newcomer.save()
    assert "Yaryna Melnyk" in managers_offered(director) and "Zoriana Melnyk" not in managers_offered(director)
    newcomer.is_active = False
    newcomer.save()
    assert managers_offered(director) == before
    assert managers_offered(manager) is None
    client.force_login(director)
    page = client.get(reverse("clients:list")).content.decode()
    assert page.count('<select name="manager"') == 1 and "Yaryna" not in page
