"""Importing clients and memberships from spreadsheets, and exporting them, through the admin's
real import pages: the preview lists every bad row with its number and reason, a file with a
bad row imports nothing (even when its confirmation is forged), importing twice updates
instead of duplicating, and what is exported imports back unchanged.

The helpers are core/tests/spreadsheets/support.py; the ``club`` and ``desk`` fixtures this
folder's conftest.py.
"""

import csv
import datetime
import io
import re
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core import roles
from clients import health_data
from core.spreadsheets import ParsedRow, constraints_validate
from clients.models import Client, HealthDataAccess, Membership, MembershipPlan
from clients.resources import (
    CLIENT_COLUMNS,
    FROM_PLAN,
    ClientResource,
    client_row_parse,
    membership_row_parse,
)
from clients.tests import factories as cf
from core.tests.spreadsheets.support import (
    CSV,
    NOTHING_IMPORTED,
    XLSX,
    admin_url,
    confirm,
    csv_bytes,
    dry_run,
    export,
    import_file,
    overwrite_upload,
    page_row,
    refused,
    sample,
    totals,
)
from sales.models import Sale
from sales.resources import MembershipResource


# ---------------------------------------------------------------------------------------------
# The sample files
# ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_clients_sample_previews_then_imports_with_phones_in_e164(desk, frontdesk):
    preview = import_file(desk, Client, sample("clients.csv"))

    assert totals(preview) == {"new": 8, "update": 0, "skip": 0, "invalid": 0, "error": 0}
    assert "This is a preview: nothing has been imported yet." in preview.text
    phones = {phone.as_e164 for phone in Client.objects.exclude(phone="").values_list("phone", flat=True)}
    assert phones == {
        "+380501234567", "+380672345678", "+380931234567", "+380963456789",
        "+380994567890", "+380635678901", "+380731112233",
    }
    olena = Client.objects.get(phone="+380501234567")
    assert (olena.first_name, olena.birth_date, olena.gender) == ("Олена", datetime.date(1988, 4, 12), "f")
    assert olena.assigned_manager.username == "manager"
    assert (olena.consent_email, olena.consent_sms, olena.preferred_channel) == (True, True, "sms")
    assert Client.objects.get(phone="+380672345678").birth_date == datetime.date(1979, 11, 3)
    assert set(Client.objects.values_list("created_by", flat=True)) == {frontdesk.pk}


@pytest.mark.django_db
def test_the_xlsx_sample_imports_excel_dates_numbers_and_true_false_cells(desk):
    import_file(desk, Client, sample("clients.xlsx"), "clients.xlsx", XLSX)

    volkov = Client.objects.get(email="a.volkov@example.com")
    assert volkov.phone == "+380671239876"  # typed in Excel as the number 380671239876
    assert volkov.birth_date == datetime.date(1976, 10, 23)  # an Excel date cell
    assert (volkov.consent_email, volkov.consent_sms) == (False, True)
    assert Client.objects.get(first_name="Юлія").birth_date == datetime.date(1999, 3, 14)
    assert Client.objects.count() == 4


@pytest.mark.django_db
def test_the_memberships_sample_takes_empty_dates_prices_and_limits_from_the_plan(desk):
    import_file(desk, Client, sample("clients.csv"))
    import_file(desk, Membership, sample("memberships.csv"), "memberships.csv")

    gym = Membership.objects.get(card_number="IMP-0001")
    plan = MembershipPlan.objects.get(name="Тренажерний зал, 3 місяці")
    assert gym.client.phone == "+380501234567"
    assert gym.end_date == datetime.date(2025, 1, 10) + datetime.timedelta(days=plan.duration_days - 1)
    assert (gym.price, gym.visit_limit, gym.sold_by.username) == (plan.price, None, "manager")
    spa = Membership.objects.get(card_number="IMP-0003")
    assert spa.client.email == "natalia.smirnova@example.com"
    assert (spa.visit_limit, spa.visits_used) == (5, 2)
    cancelled = Membership.objects.get(card_number="IMP-0005")
    assert (cancelled.status, cancelled.cancelled_on) == ("cancelled", datetime.date(2025, 3, 1))
    assert Membership.objects.get(card_number="IMP-0006").visit_limit is None  # "unlimited"


@pytest.mark.django_db
def test_every_imported_membership_is_one_sale_in_the_ledger_even_imported_twice(desk, frontdesk):
    import_file(desk, Client, sample("clients.csv"))
    import_file(desk, Membership, sample("memberships.csv"))
    import_file(desk, Membership, sample("memberships.csv"))

    assert Membership.objects.count() == 6
    for membership in Membership.objects.all():
        (sale,) = Sale.objects.filter(membership=membership)
        assert (sale.kind, sale.amount) == (Sale.Kind.MEMBERSHIP, membership.price)
        assert sale.seller == (membership.sold_by or frontdesk)


# ---------------------------------------------------------------------------------------------
# Bad rows: each with its number and reason, and nothing imported
# ---------------------------------------------------------------------------------------------
BAD_ROWS_OF_THE_SAMPLE = {
    3: "“050 123” is not a valid phone number",
    4: "A client needs a first name.",
    5: "No user has the username “olena.k”.",
    6: "“1990/05/17” is not a date; write it as YYYY-MM-DD or DD.MM.YYYY",
    7: "The same phone is already in row 2 of this file.",
    8: "The same email is already in row 2 of this file.",
    9: "Enter a phone number or an e-mail to reach the client.",
    10: "“darina.mazur@” is not a valid e-mail address.",
    11: "The birth date cannot be in the future.",
    12: "“maybe” is not yes or no.",
    13: "“8 050 333 44 55” is not a valid phone number",
    14: "“31.02.1990” is not a date",
}


@pytest.mark.django_db
def test_the_preview_of_the_bad_sample_shows_each_bad_row_with_its_number_and_reason(desk):
    preview = dry_run(desk, Client, sample("clients-with-errors.csv"))

    assert preview.status_code == 200
    assert set(refused(preview)) == set(BAD_ROWS_OF_THE_SAMPLE)
    for number, reason in BAD_ROWS_OF_THE_SAMPLE.items():
        assert reason in refused(preview)[number]
        assert reason in page_row(preview, number)  # next to the row, on the page
    assert "confirm_form" not in preview.context
    assert 'name="confirm"' not in preview.text
    assert NOTHING_IMPORTED in preview.text
    assert "Traceback" not in preview.text
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_a_confirmation_forged_for_the_bad_sample_imports_nothing(desk):
    preview = dry_run(desk, Client, sample("clients-with-errors.csv"))
    stored = preview.context["form"].cleaned_data["import_file"].tmp_storage_name

    response = desk.post(
        admin_url(Client, "process_import"),
        {"import_file_name": stored, "original_file_name": "x.csv", "format": str(CSV), "resource": "0"},
    )

    assert response.status_code == 200
    assert NOTHING_IMPORTED in response.text
    assert set(refused(response)) == set(BAD_ROWS_OF_THE_SAMPLE)
    assert not Client.objects.exists()
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_a_file_changed_between_preview_and_confirmation_imports_nothing(desk):
    preview = dry_run(desk, Client, sample("clients.csv"))
    overwrite_upload(preview, sample("clients.csv") + "Богдан,Бойко,,050 123,,,,,,,,,,,\n".encode())

    response = confirm(desk, Client, preview)

    assert response.status_code == 200
    assert NOTHING_IMPORTED in response.text
    assert "is not a valid phone number" in refused(response)[10]
    assert not Client.objects.exists()  # the eight good rows are not imported either


@pytest.mark.django_db
def test_a_confirmation_of_a_file_no_longer_on_the_server_says_so(desk):
    preview = dry_run(desk, Client, sample("clients.csv"))
    confirm(desk, Client, preview)

    again = confirm(desk, Client, preview)

    assert again.status_code == 200
    assert "The uploaded file is no longer on the server: upload it again." in again.text
    assert Client.objects.count() == 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forged, message",
    [({"format": "7"}, "Unknown file format."), ({"resource": "3"}, "Unknown kind of import.")],
)
def test_a_forged_format_or_resource_of_the_confirmation_is_refused_in_words(desk, forged, message):
    preview = dry_run(desk, Client, sample("clients.csv"))

    response = confirm(desk, Client, preview, **forged)

    assert response.status_code == 200
    assert message in response.text
    assert not Client.objects.exists()


MEMBERSHIP_HEADER = ["card_number", "client", "plan", "start_date", "end_date", "visit_limit",
                     "visits_used", "price", "status", "cancelled_on", "sold_by"]


@pytest.mark.django_db
def test_membership_rows_are_refused_for_what_the_admin_refuses(desk):
    cf.ClientFactory(phone="+380501234567", email="olena@example.com")
    cf.MembershipFactory(card_number="TAKEN-1", client=cf.ClientFactory(phone="+380671111111"))
    gym = "Тренажерний зал, 1 місяць"
    rows = [
        MEMBERSHIP_HEADER,
        ["M-1", "050 123 45 67", gym, "2025-01-01", "", "", "0", "", "", "", ""],  # 2 ok
        ["M-2", "050 123 45 67", "Йога назавжди", "2025-01-01", "", "", "0", "", "", "", ""],
        ["M-3", "050 123 45 67", gym, "2025-02-10", "2025-02-01", "", "0", "", "", "", ""],
        ["M-1", "050 123 45 67", gym, "2025-03-01", "", "", "0", "", "", "", ""],
        ["TAKEN-1", "050 123 45 67", gym, "2025-01-01", "", "", "0", "", "", "", ""],
        ["M-6", "050 123 45 67", "SPA, 5 відвідувань", "2025-01-01", "", "5", "7", "", "", "", ""],
        ["M-7", "050 123 45 67", gym, "2025-01-01", "", "", "0", "-100", "", "", ""],
        ["M-8", "093 000 00 00", gym, "2025-01-01", "", "", "0", "", "", "", ""],
        ["M-9", "olena@example.com", gym, "1 січня", "", "", "0", "", "", "", ""],
        ["M-10", "050 123 45 67", gym, "2025-01-01", "", "", "0", "", "", "", "nobody"],
        ["M-11", "050 123 45 67", gym, "2025-01-01", "", "", "0", "", "cancelled", "", ""],
        ["", "050 123 45 67", gym, "2025-01-01", "", "", "0", "", "", "", ""],
    ]

    preview = dry_run(desk, Membership, csv_bytes(*rows))

    assert refused(preview) == {
        3: "There is no plan named “Йога назавжди”.",
        4: "The end date cannot be before the start date.",
        5: "The same card_number is already in row 2 of this file.",
        6: "Card TAKEN-1 belongs to another client, "
        f"{Membership.objects.get().client}; a card cannot move to another client.",
        7: "Visits used cannot exceed the visit limit.",
        8: "The price cannot be negative.",
        9: "No client has the phone or e-mail “+380930000000”.",
        10: "“1 січня” is not a date; write it as YYYY-MM-DD or DD.MM.YYYY, e.g. 2025-03-01 or 01.03.2025.",
        11: "No user has the username “nobody”.",
        12: "A cancelled membership needs the date it was cancelled.",
        13: "Enter the card number.",
    }
    assert Membership.objects.count() == 1 and not Sale.objects.exists()


@pytest.mark.django_db
def test_blank_rows_are_ignored_and_rows_keep_their_spreadsheet_numbers(desk):
    content = "first_name,phone\nОлена,050 123 45 67\n\n,\nІгор,12\n".encode()

    preview = dry_run(desk, Client, content)

    assert list(refused(preview)) == [5]
    assert totals(preview)["new"] == 1


@pytest.mark.django_db
def test_a_huge_cell_is_refused_next_to_its_row(desk):
    content = csv_bytes(["first_name", "phone", "notes"], ["Олена", "0501234567", "x" * 50_000])

    preview = dry_run(desk, Client, content)

    assert "This cell is too long: 50000 characters, at most 10000." in refused(preview)[2]
    assert not Client.objects.exists()


# ---------------------------------------------------------------------------------------------
# Files that cannot be read: a message in words, never an error page
# ---------------------------------------------------------------------------------------------
UNREADABLE = {
    "empty": (b"", CSV, "The submitted file is empty."),
    "blank": (b"\n \n", CSV, "The file is empty."),
    "only the header": (b"first_name,phone\n", CSV, "The file has only the header row"),
    "a binary file called .csv": (bytes(range(256)) * 4, CSV, "This file is not a text CSV file"),
    "a workbook chosen as CSV": (b"PK\x03\x04" + b"\x00" * 100, CSV, "This is an Excel workbook, not a CSV"),
    "a CSV chosen as a workbook": (b"first_name,phone\nA,0501234567\n", XLSX, "This file is not an Excel"),
    "an old .xls": (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, CSV, "This is an old Excel .xls workbook"),
    "a row wider than the header": (b"first_name,phone\nA,0501234567,x\n", CSV, "Row 2 has more cells than"),
    "an unclosed quote": (b'first_name,phone\n"A' + b"x" * 200_000, CSV, "a cell is longer than"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("content, file_format, message", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_file_that_cannot_be_read_is_refused_in_words(desk, content, file_format, message):
    response = dry_run(desk, Client, content, file_format=file_format)

    assert response.status_code == 200
    assert message in response.text
    assert "confirm_form" not in response.context and "Traceback" not in response.text
    assert not Client.objects.exists()


# ---------------------------------------------------------------------------------------------
# Files over the limits: refused next to the file field before any row is parsed
# ---------------------------------------------------------------------------------------------
def file_field_errors(response) -> list[str]:
    return [error.replace("\xa0", " ") for error in response.context["form"].errors.get("import_file", [])]


@pytest.mark.django_db
def test_the_upload_form_says_the_limits_and_refuses_a_larger_file_next_to_the_file_field(desk, settings):
    assert "At most 10.0\xa0MB and 50,000 rows below the header." in desk.get(admin_url(Client, "import")).text
    settings.IMPORT_MAX_BYTES = 1024

    response = dry_run(desk, Client, sample("clients.csv"))  # 1,400 bytes

    assert response.status_code == 200
    assert file_field_errors(response) == [
        "This file is 1.4 KB; a file of at most 1.0 KB is imported at once: split it into several files."
    ]
    assert "a file of at most 1.0\xa0KB is imported at once" in response.text
    assert "result" not in response.context and "confirm_form" not in response.context
    assert not Client.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, file_format", [("clients.csv", CSV), ("clients.xlsx", XLSX)], ids=["csv", "xlsx"]
)
def test_a_file_with_more_rows_than_the_limit_is_refused_next_to_the_file_field(
    desk, settings, name, file_format
):
    settings.IMPORT_MAX_ROWS = 3  # the samples have 8 and 4 rows

    response = dry_run(desk, Client, sample(name), name, file_format)

    assert response.status_code == 200
    assert file_field_errors(response) == [
        "The file has more than 3 rows below the header; at most 3 rows are imported at once: "
        "split it into several files."
    ]
    assert "result" not in response.context and "confirm_form" not in response.context
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_the_confirmation_reads_the_file_within_the_limits_again(desk, settings):
    preview = dry_run(desk, Client, sample("clients.csv"))
    settings.IMPORT_MAX_ROWS = 3

    response = confirm(desk, Client, preview)

    assert response.status_code == 200
    assert "The file has more than 3 rows below the header" in response.text
    assert NOTHING_IMPORTED in response.text
    assert not Client.objects.exists()


WRONG_HEADERS = {
    "unknown": (["first_name", "phone", "Mobile"], "Unknown columns: mobile."),
    "missing": (["last_name", "phone"], "Missing columns: first_name."),
    "no contact": (["first_name", "notes"], "Missing columns: phone / email."),
    "twice": (["first_name", "phone", "Phone"], "Columns named twice: phone."),
    "unnamed": (["first_name", "", "phone"], "Column 2 has no name."),
}


@pytest.mark.django_db
@pytest.mark.parametrize("header, message", WRONG_HEADERS.values(), ids=WRONG_HEADERS.keys())
def test_a_file_with_wrong_columns_is_refused_with_the_columns_expected(desk, header, message):
    response = dry_run(desk, Client, csv_bytes(header, ["Олена"] + ["0501234567"] * (len(header) - 1)))

    assert message in response.text
    assert "This import reads the columns: first_name, last_name, middle_name, phone" in response.text
    assert NOTHING_IMPORTED in response.text and "Traceback" not in response.text
    assert "confirm_form" not in response.context


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
def test_excel_csv_in_cyrillic_encodings_and_separators_is_read(desk, delimiter, encoding):
    rows = list(csv.reader(io.StringIO(sample("clients.csv").decode())))

    import_file(desk, Client, csv_bytes(*rows, delimiter=delimiter, encoding=encoding))

    assert set(Client.objects.values_list("first_name", flat=True)) >= {"Олена", "Наталья", "Ірина"}
    assert Client.objects.get(phone="+380501234567").goals == "Схуднути на 5 кг до літа"


@pytest.mark.django_db
def test_headers_may_be_written_as_words(desk):
    header = ["First name", "Last name", "E-mail", "Phone"]

    import_file(desk, Client, csv_bytes(header, ["Олена", "Коваль", "o@example.com", "050 123 45 67"]))

    assert Client.objects.get().email == "o@example.com"


# ---------------------------------------------------------------------------------------------
# Natural keys: importing again updates, never duplicates
# ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing_the_second_time(desk):
    import_file(desk, Client, sample("clients.csv"))

    again = import_file(desk, Client, sample("clients.csv"))

    assert totals(again) == {"new": 0, "update": 0, "skip": 8, "invalid": 0, "error": 0}
    assert Client.objects.count() == 8


@pytest.mark.django_db
def test_a_client_is_found_by_phone_typed_another_way_then_by_email(desk):
    olena = cf.ClientFactory(first_name="Olena", phone="+380501234567", email="olena@example.com")
    ivan = cf.ClientFactory(first_name="Ivan", phone="", email="ivan@example.com")

    preview = import_file(desk, Client, csv_bytes(
        ["first_name", "phone", "email"],
        ["Олена", "+38 (050) 123-45-67", "olena@example.com"],
        ["Іван", "067 111 22 33", "IVAN@example.com"],
    ))

    assert totals(preview)["update"] == 2 and Client.objects.count() == 2
    olena.refresh_from_db(), ivan.refresh_from_db()
    assert olena.first_name == "Олена"
    assert (ivan.first_name, ivan.phone) == ("Іван", "+380671112233")


@pytest.mark.django_db
def test_a_row_with_a_phone_and_the_email_of_another_client_is_refused(desk):
    cf.ClientFactory(phone="+380501234567", email="olena@example.com")
    cf.ClientFactory(phone="+380671112233", email="ivan@example.com")
    content = csv_bytes(["first_name", "phone", "email"], ["Іван", "0671112233", "olena@example.com"])

    preview = dry_run(desk, Client, content)

    assert refused(preview) == {2: "A client with this e-mail already exists."}


@pytest.mark.django_db
def test_only_the_columns_of_the_file_change(desk):
    olena = cf.ClientFactory(first_name="Olena", phone="+380501234567", notes="Keep this", goals="Run")

    import_file(desk, Client, csv_bytes(["first_name", "phone", "goals"], ["Олена", "0501234567", "Swim"]))

    olena.refresh_from_db()
    assert (olena.first_name, olena.goals, olena.notes) == ("Олена", "Swim", "Keep this")


@pytest.mark.django_db
def test_an_import_is_recorded_in_the_admin_log_and_the_history_as_the_importing_user(desk, frontdesk):
    cf.ClientFactory(first_name="Olena", phone="+380501234567")

    import_file(desk, Client, sample("clients.csv"), "clients.csv")

    assert LogEntry.objects.filter(user=frontdesk).count() == 8
    olena = Client.objects.get(phone="+380501234567")
    latest = olena.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (frontdesk, "Import of clients.csv")
    assert Client.history.filter(history_type="+", history_user=frontdesk).count() == 7


# ---------------------------------------------------------------------------------------------
# Export, and what it exports imports back unchanged
# ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
def test_exported_clients_and_memberships_import_back_without_a_change(desk, file_format):
    import_file(desk, Client, sample("clients.csv"))
    import_file(desk, Client, sample("clients.xlsx"), "clients.xlsx", XLSX)
    import_file(desk, Membership, sample("memberships.csv"))

    for model, resource, count in ((Client, ClientResource, 12), (Membership, MembershipResource, 6)):
        exported = export(desk, model, resource, file_format)
        again = import_file(desk, model, exported, "export", file_format)
        assert totals(again) == {"new": 0, "update": 0, "skip": count, "invalid": 0, "error": 0}


EXPORTS = {
    "clients": (Client, ClientResource, cf.ClientFactory, "assigned_manager"),
    "memberships": (Membership, MembershipResource, cf.MembershipFactory, "sold_by"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("model, resource, factory, user_field", EXPORTS.values(), ids=EXPORTS.keys())
def test_an_export_costs_the_same_queries_for_few_rows_or_many(
    desk, manager, model, resource, factory, user_field
):
    def export_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            export(desk, model, resource)
        return len(queries)

    factory.create_batch(3, **{user_field: manager})
    few = export_queries()
    factory.create_batch(27, **{user_field: manager})

    assert export_queries() == few


@pytest.mark.django_db
def test_an_export_is_csv_excel_opens_and_formulas_are_defused(desk):
    cf.ClientFactory(first_name="=HYPERLINK(\"http://x\")", phone="+380501234567", email="")

    exported = export(desk, Client, ClientResource)

    assert exported.startswith("\ufeff".encode())  # Excel needs the mark to show Cyrillic
    text = exported.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",+380501234567," in text
    again = import_file(desk, Client, exported)
    assert totals(again)["skip"] == 1
    assert Client.objects.get().first_name == '=HYPERLINK("http://x")'


@pytest.mark.django_db
def test_an_export_with_health_notes_is_logged_as_a_look_at_health_data(desk, frontdesk):
    clients = cf.ClientFactory.create_batch(3)

    export(desk, Client, ClientResource)

    logged = HealthDataAccess.objects.filter(user=frontdesk, place=health_data.DATA_EXPORT)
    assert set(logged.values_list("client", flat=True)) == {client.pk for client in clients}


# ---------------------------------------------------------------------------------------------
# Who may import and export
# ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, import_status, sees_import",
    [
        (roles.ADMINISTRATOR, 200, True),
        (roles.DIRECTOR, 200, True),
    ],
)
@pytest.mark.parametrize("model", [Client, Membership], ids=lambda model: model.__name__)
def test_only_the_front_desk_and_the_director_import(
    client, make_user, role, import_status, sees_import, model
):
    client.force_login(make_user(role))

    changelist = client.get(admin_url(model, "changelist"))

    assert changelist.status_code == 200
    assert (admin_url(model, "import") in changelist.text) is sees_import
    assert admin_url(model, "export") in changelist.text
    assert client.get(admin_url(model, "import")).status_code == import_status
    posted = dry_run(client, model, sample("clients.csv"))
    assert posted.status_code == import_status
    assert client.post(admin_url(model, "process_import"), {}).status_code == import_status


@pytest.mark.django_db
def test_a_specialist_neither_imports_nor_exports(client, specialist_user):
    client.force_login(specialist_user)

    for view in ("import", "export"):
        response = client.get(admin_url(Client, view))
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert dry_run(client, Client, sample("clients.csv")).status_code == 302
    assert not Client.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Client, Membership], ids=lambda model: model.__name__)
def test_managers_neither_import_nor_export_in_the_admin_site(client, manager, model):
    """Managers work in the product's pages; the admin site (and its files) is not theirs."""
    cf.ClientFactory(phone="+380501234567", assigned_manager=manager)
    client.force_login(manager)
    for action in ("import", "export", "changelist"):
        response = client.get(admin_url(model, action))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# 20,000 clients
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.django_db
def test_twenty_thousand_clients_import_in_one_go(desk, capsys):
    content = sample("clients-20000.csv")

    started = time.perf_counter()
    preview = dry_run(desk, Client, content, "clients-20000.csv")
    previewed = time.perf_counter()
    response = confirm(desk, Client, preview)
    imported = time.perf_counter()

    assert response.status_code == 302, refused(response)
    assert Client.objects.count() == 20_000
    assert Client.objects.filter(phone="+380503141592", first_name="Світлана").exists()
    with capsys.disabled():
        print(
            f"\n20,000 clients on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}: "
            f"preview {previewed - started:.1f} s, confirmed import {imported - previewed:.1f} s"
        )


# ---------------------------------------------------------------------------------------------
# The clients' and memberships' row parsers (the cell parsers are tested in core/tests)
# ---------------------------------------------------------------------------------------------
def test_a_membership_row_leaves_the_plans_limit_for_an_empty_cell():
    parsed = membership_row_parse({"card_number": "A1", "client": "050 123 45 67", "plan": "Gym",
                                   "start_date": "01.02.2025", "visit_limit": ""})
    assert parsed.is_valid
    assert parsed.values["visit_limit"] is FROM_PLAN
    assert parsed.references["client"] == "+380501234567"


CELLS = st.one_of(
    st.none(), st.text(max_size=40), st.integers(), st.floats(), st.booleans(), st.dates(),
    st.datetimes(), st.decimals(),
    st.sampled_from(["", " ", "050 123 45 67", "a@b.ua", "yes", "f", "2025-02-30"]),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(row=st.dictionaries(st.sampled_from([*CLIENT_COLUMNS, "other"]), CELLS))
def test_client_row_parse_returns_values_or_reasons_and_never_raises(row):
    parsed = client_row_parse(row)

    assert isinstance(parsed, ParsedRow)
    for messages in parsed.errors.values():
        assert messages and all(isinstance(message, str) and message for message in messages)
    if parsed.is_valid and not parsed.blank:
        values = parsed.values
        assert values["first_name"]
        assert values.get("phone") or values.get("email")
        assert values.get("phone", "") == "" or re.fullmatch(r"\+\d{8,15}", values["phone"])
        assert all(isinstance(values[name], bool) for name in values if name.startswith("consent_"))
        assert values.get("gender", "") in {"", *Client.Gender.values}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{}, {"end_date": datetime.date(2024, 12, 1)}, {"visit_limit": None, "visits_used": 99},
     {"visit_limit": 5, "visits_used": 6}, {"price": Decimal("-1")}, {"status": "cancelled"},
     {"status": "cancelled", "cancelled_on": datetime.date(2025, 1, 2)}, {"visit_limit": 0}],
)
def test_constraints_checked_in_python_refuse_what_the_database_refuses(changes):
    membership = cf.MembershipFactory.build(
        **{"client": cf.ClientFactory(), "plan": cf.MembershipPlanFactory(),
           "start_date": datetime.date(2025, 1, 1), "end_date": datetime.date(2025, 1, 31)} | changes
    )

    def messages(check) -> list[str]:
        try:
            check()
        except Exception as error:  # noqa: BLE001 - both raise ValidationError
            return sorted(error.message_dict.get(NON_FIELD_ERRORS, []))
        return []

    in_python = messages(lambda: constraints_validate(membership, exclude=set()))
    assert in_python == messages(membership.validate_constraints)
