"""The rows a preview validated, kept for its confirmation (core/spreadsheets/validated.py),
through the clients' real import pages: the confirmation of the same file by the same person
only writes them (exactly what a full import writes, history records included, in a number of
queries that does not grow with the rows); another file, rows no longer kept, another person,
a client changed or erased meanwhile, or a record someone saved meanwhile are validated again
from the file, and nothing is half-saved."""

import re

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.cache import cache
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client
from clients.resources import ClientResource
from clients.tests import factories as cf
from core import rollups
from core.spreadsheets import e164
from core.spreadsheets.validated import validated_key
from core.tests.spreadsheets.support import (
    CSV,
    NOTHING_IMPORTED,
    admin_url,
    confirm,
    csv_bytes,
    dry_run,
    overwrite_upload,
    refused,
    sample,
)

pytestmark = pytest.mark.django_db

HEADER = ["first_name", "last_name", "phone", "email", "consent_sms", "notes"]


def clients_file(count: int, first: int = 0) -> bytes:
    """``count`` valid clients, phones and e-mails numbered from ``first``."""
    return csv_bytes(HEADER, *(
        [f"Client {n}", "Імпортована", f"050 {n // 10_000:03d} {n // 100 % 100:02d} {n % 100:02d}",
         f"client{n}@example.com", "yes", ""]
        for n in range(first, first + count)
    ))


@pytest.fixture
def parsed_rows(monkeypatch):
    """The rows the clients' import parses (a confirmation that only writes parses none)."""
    seen = []
    parse = ClientResource.row_parse

    def counting(row):
        seen.append(row)
        return parse(row)

    monkeypatch.setattr(ClientResource, "row_parse", staticmethod(counting))
    return seen


def previewed(desk, content: bytes, parsed_rows: list, name: str = "file.csv"):
    preview = dry_run(desk, Client, content, name)
    assert preview.status_code == 200 and not refused(preview), refused(preview)
    assert "confirm_form" in preview.context
    parsed_rows.clear()
    return preview


def stored_clients() -> list[dict]:
    """Every client as stored, without what differs between two imports of the same file."""
    return sorted(
        (model_to_dict(client, exclude=["id", "contraindications"]) | {"phone": e164(client.phone)}
         for client in Client.objects.all()),
        key=lambda values: values["phone"],
    )


def test_the_confirmation_writes_exactly_what_the_preview_validated_without_reading_it_again(
    desk, frontdesk, parsed_rows
):
    content = sample("clients.csv")
    preview = previewed(desk, content, parsed_rows, "clients.csv")

    response = confirm(desk, Client, preview)

    assert response.status_code == 302
    assert parsed_rows == []  # only written
    kept_way = stored_clients()
    assert len(kept_way) == 8 and "+380501234567" in [values["phone"] for values in kept_way]
    assert LogEntry.objects.filter(user=frontdesk, action_flag=ADDITION).count() == 8
    for client in Client.objects.all():
        (record,) = client.history.all()
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "+", frontdesk, "Import of clients.csv"
        )
        assert str(record.phone) == str(client.phone) and record.email == client.email
    assert set(rollups.check().values()) == {0}

    # The same file validated again at its confirmation (nothing kept) writes the same clients.
    Client.history.all().delete()
    Client.objects.all().delete()
    preview = previewed(desk, content, parsed_rows, "clients.csv")
    cache.delete(validated_key(content, user=frontdesk, resource_class=ClientResource, file_format=CSV))
    assert confirm(desk, Client, preview).status_code == 302
    assert len(parsed_rows) == 8
    assert stored_clients() == kept_way


def test_rows_changed_by_the_import_get_their_history_and_log_entries(desk, frontdesk, parsed_rows):
    olena = cf.ClientFactory(first_name="Olena", phone="+380501234567", notes="Keep this")
    preview = previewed(desk, csv_bytes(["first_name", "phone", "goals"], ["Олена", "0501234567", "Swim"],
                                        ["Ігор", "0671112233", ""]), parsed_rows)

    assert confirm(desk, Client, preview).status_code == 302

    assert parsed_rows == []
    olena.refresh_from_db()
    assert (olena.first_name, olena.goals, olena.notes) == ("Олена", "Swim", "Keep this")
    latest = olena.history.latest()
    assert (latest.history_type, latest.history_user, latest.goals) == ("~", frontdesk, "Swim")
    assert LogEntry.objects.get(action_flag=CHANGE).object_id == str(olena.pk)
    assert Client.objects.get(phone="+380671112233").history.get().history_type == "+"


def test_a_changed_file_is_validated_again_at_the_confirmation(desk, parsed_rows):
    preview = previewed(desk, clients_file(5), parsed_rows)
    overwrite_upload(preview, clients_file(3, first=100))

    assert confirm(desk, Client, preview).status_code == 302

    assert len(parsed_rows) == 3
    assert sorted(Client.objects.values_list("email", flat=True)) == [
        "client100@example.com", "client101@example.com", "client102@example.com"
    ]


def test_rows_no_longer_kept_are_validated_again(desk, frontdesk, parsed_rows):
    content = clients_file(4)
    preview = previewed(desk, content, parsed_rows)
    cache.delete(validated_key(content, user=frontdesk, resource_class=ClientResource, file_format=CSV))

    assert confirm(desk, Client, preview).status_code == 302

    assert len(parsed_rows) == 4
    assert Client.objects.count() == 4


def test_another_person_confirming_the_file_has_it_validated_again(client, desk, director, parsed_rows):
    preview = previewed(desk, clients_file(4), parsed_rows)
    client.force_login(director)

    assert client.post(admin_url(Client, "process_import"), preview.context["confirm_form"].initial).status_code == 302

    assert len(parsed_rows) == 4
    assert set(Client.objects.values_list("created_by", flat=True)) == {director.pk}


def test_a_record_saved_meanwhile_is_refused_next_to_its_row_and_nothing_is_saved(desk, parsed_rows):
    preview = previewed(desk, clients_file(6), parsed_rows)
    # Meanwhile, the phone of row 4 is saved for one client and its e-mail for another.
    cf.ClientFactory(phone="+380500000002", email="someone@example.com")
    cf.ClientFactory(phone="+380671234567", email="client2@example.com")

    response = confirm(desk, Client, preview)

    assert response.status_code == 200
    assert NOTHING_IMPORTED in response.text
    assert list(refused(response)) == [4]
    assert refused(response)[4] == "A client with this e-mail already exists."
    assert Client.objects.count() == 2
    assert not LogEntry.objects.exists()


def test_a_client_changed_meanwhile_is_validated_again(desk, parsed_rows):
    olena = cf.ClientFactory(first_name="Olena", phone="+380501234567", notes="Before")
    preview = previewed(desk, csv_bytes(["first_name", "phone", "goals"], ["Olena", "0501234567", "Swim"]), parsed_rows)
    Client.objects.filter(pk=olena.pk).update(notes="Written meanwhile", updated_at=timezone.now())

    assert confirm(desk, Client, preview).status_code == 302

    assert len(parsed_rows) == 1
    olena.refresh_from_db()
    assert (olena.goals, olena.notes) == ("Swim", "Written meanwhile")


ERASED = "This client's personal data were erased on request: they cannot be changed."


def test_a_file_cannot_change_a_client_whose_data_were_erased(desk):
    cf.ClientFactory(first_name="Erased client", phone="+380501234567", erased_at=timezone.now())

    preview = dry_run(desk, Client, csv_bytes(["first_name", "phone"], ["Olena", "0501234567"]))

    assert ERASED in refused(preview)[2]
    assert Client.objects.get().first_name == "Erased client"


def test_a_client_erased_between_the_preview_and_the_confirmation_is_not_changed(desk, parsed_rows):
    olena = cf.ClientFactory(first_name="Olena", phone="+380501234567")
    preview = previewed(desk, csv_bytes(["first_name", "phone", "goals"], ["Olena", "0501234567", "Swim"],
                                        ["Ігор", "0671112233", ""]), parsed_rows)
    Client.objects.filter(pk=olena.pk).update(erased_at=timezone.now(), updated_at=timezone.now())

    response = confirm(desk, Client, preview)

    assert response.status_code == 200
    assert ERASED in refused(response)[2]
    assert Client.objects.get().goals == ""  # and Ігор was not imported either


def statements(queries) -> list[str]:
    """The statements run, a bulk insert's batches counted once: SQLite takes at most 999
    parameters a statement, so Django splits a bulk insert of many rows into several."""
    kinds = [" ".join(re.sub(r'"s\d+_x\d+"', "", query["sql"]).split()[:3]) for query in queries]
    return [kind for i, kind in enumerate(kinds) if not (kind.startswith("INSERT") and i and kinds[i - 1] == kind)]


def test_the_confirmation_costs_the_same_queries_for_50_rows_or_200(desk, parsed_rows):
    counts = []
    assert confirm(desk, Client, previewed(desk, clients_file(1, 5000), parsed_rows)).status_code == 302  # warm
    for count, first in ((50, 0), (200, 1000)):
        preview = previewed(desk, clients_file(count, first), parsed_rows)
        with CaptureQueriesContext(connection) as queries:
            assert confirm(desk, Client, preview).status_code == 302
        assert parsed_rows == []
        counts.append(statements(queries))
        if connection.vendor == "postgresql":
            assert len(queries) == len(counts[-1])  # one statement for each bulk insert

    assert counts[0] == counts[1]
    assert Client.objects.count() == Client.history.count() == 251
