"""A value that passed its field's checks in one row is not checked again in the next
(core/spreadsheets/accepted.py): every refusal is still given, on its row and field, and a
new row made from the blank one is the row the model's constructor makes."""

import datetime

import pytest
from django.utils import timezone

from clients.models import Client, Measurement
from core.spreadsheets.accepted import AcceptedValues, BlankRows
from core.tests.spreadsheets.support import csv_bytes, dry_run, refused

HEADER = ["first_name", "phone", "address", "birth_date"]
TOO_LONG = "вул. Хрещатик, " + "1" * 250


@pytest.mark.django_db
def test_a_refused_value_is_refused_again_in_every_row_that_repeats_it(desk):
    future = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    content = csv_bytes(
        HEADER,
        ["Олена", "050 100 00 01", TOO_LONG, "1990-01-01"],
        ["Олена", "050 100 00 02", "вул. Хрещатик, 1", "1990-01-01"],
        ["Олена", "050 100 00 03", TOO_LONG, "1990-01-01"],
        ["Олена", "050 100 00 04", "вул. Хрещатик, 1", future],
        ["Олена", "050 100 00 05", "вул. Хрещатик, 1", future],
        ["Олена", "050 100 00 06", "вул. Хрещатик, 1", "1990-01-01"],
    )

    rows = refused(dry_run(desk, Client, content))

    assert sorted(rows) == [2, 4, 5, 6]
    assert rows[2] == rows[4]
    assert "at most 255 characters" in rows[2]
    assert rows[5] == rows[6]  # the model's clean() still runs on a value its field accepted


@pytest.mark.django_db
def test_only_values_that_passed_are_remembered_and_never_those_of_unique_fields_or_relations():
    accepted = AcceptedValues(Client)
    assert "assigned_manager" not in accepted.fields and "id" not in accepted.fields
    first, second = Client(first_name="Олена"), Client(first_name="Олена", address="x" * 300)
    exclude = {field.name for field in Client._meta.concrete_fields} - {"first_name", "address"}

    held, fresh = accepted.sort(first, exclude)
    assert held == {"address"}  # the blank default, checked once
    accepted.passed(fresh, refused={})
    held, fresh = accepted.sort(second, exclude)
    assert held == {"first_name"}
    accepted.passed(fresh, refused={"address": ["too long"]})
    assert accepted.sort(second, exclude)[0] == {"first_name"}


@pytest.mark.django_db
def test_a_new_row_from_the_blank_one_is_the_row_the_constructor_makes():
    made, copied = Client(), BlankRows(Client).new()
    fields = [field.attname for field in Client._meta.concrete_fields]

    assert [getattr(copied, name) for name in fields] == [getattr(made, name) for name in fields]
    assert copied._state.adding and copied._state.db is None
    assert copied.__dict__ is not BlankRows(Client).values


def test_a_default_that_is_a_function_is_called_for_each_new_row():
    rows = BlankRows(Measurement)

    assert Measurement._meta.get_field("measured_on") in rows.called
    assert rows.new().measured_on == timezone.localdate()
