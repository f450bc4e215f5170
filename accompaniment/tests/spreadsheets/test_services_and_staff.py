"""Importing services and staff members from spreadsheets, and exporting them, through the
admin's real import pages (helpers: core/tests/spreadsheets/support.py; fixtures: conftest.py)."""

import pytest

from core import roles
from core.tests.spreadsheets.support import (
    CSV,
    NOTHING_IMPORTED,
    XLSX,
    admin_url,
    csv_bytes,
    dry_run,
    export,
    import_file,
    page_row,
    refused,
    sample,
    totals,
)
from staff.models import Service, StaffMember
from staff.resources import ServiceResource, StaffMemberResource, service_row_parse, staff_member_row_parse

from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


def test_the_services_sample_previews_then_imports_into_its_departments(desk, frontdesk):
    preview = import_file(desk, Service, sample("services.csv"), "services.csv")

    assert totals(preview)["new"] == 5
    crossfit = Service.objects.get(name="Кросфіт")
    assert (crossfit.department.code, crossfit.kind, crossfit.duration_minutes) == ("fitness", "training", 60)
    assert crossfit.created_by == frontdesk
    assert Service.objects.get(name="Травʼяна сауна").is_active is False


def test_the_staff_sample_previews_then_imports_with_departments_and_logins(desk):
    existing = stf.StaffMemberFactory(first_name="Тарас", last_name="Шевчук", department=None, position="")

    preview = import_file(desk, StaffMember, sample("staff.csv"), "staff.csv")

    assert (totals(preview)["new"], totals(preview)["update"]) == (3, 1)
    existing.refresh_from_db()
    assert (existing.user.username, existing.department.code) == ("trainer", "fitness")
    assert existing.position == "Персональний тренер"
    roman = StaffMember.objects.get(last_name="Олійник")
    assert (roman.role, roman.phone, str(roman.hired_on)) == ("massage", "+380505554321", "2024-10-01")


def test_importing_services_twice_updates_them_whatever_the_case_of_the_name(desk):
    import_file(desk, Service, sample("services.csv"))
    changed = sample("services.csv").decode().replace(
        "fitness,Кросфіт,training,60,450", "FITNESS,кросфіт,training,60,480"
    )

    again = import_file(desk, Service, changed.encode())

    assert (totals(again)["update"], totals(again)["skip"]) == (1, 4)
    assert Service.objects.count() == 5
    assert Service.objects.get(name="кросфіт").price == 480


SERVICE_HEADER = ["department", "name", "kind", "duration_minutes", "price"]


def test_service_rows_are_refused_for_what_the_admin_refuses(desk):
    preview = dry_run(desk, Service, csv_bytes(
        SERVICE_HEADER,
        ["fitness", "Пілатес", "training", "55", "400"],  # 2 ok
        ["yoga", "Йога", "training", "60", "400"],
        ["spa", "Масаж", "procedure", "60", "-5"],
        ["spa", "Обгортання", "procedure", "900", "700"],
        ["fitness", "пілатес", "training", "50", "400"],
        ["spa", "Хамам", "ritual", "60", "700"],
        ["spa", "", "procedure", "60", "700"],
        ["spa", "Сауна", "procedure", "година", "700"],
    ))

    assert refused(preview) == {
        3: "No department has the code “yoga”.",
        4: "The price cannot be negative.",
        5: "Ensure this value is less than or equal to 600.",
        6: "The same name is already in row 2 of this file.",
        7: "“ritual” is not one of: training (Training), procedure (Procedure).",
        8: "Enter the name of the service.",
        9: "“година” is not a whole number.",
    }
    assert "No department has the code “yoga”." in page_row(preview, 3)
    assert NOTHING_IMPORTED in preview.text
    assert not Service.objects.exists()


STAFF_HEADER = ["first_name", "last_name", "role", "department", "is_head_of_department", "user"]


def test_staff_rows_are_refused_for_what_the_admin_refuses(desk, make_user):
    taken = make_user(roles.SPECIALIST, username="masseur")
    stf.StaffMemberFactory(first_name="Ігор", last_name="Лисенко", user=taken)
    stf.StaffMemberFactory.create_batch(2, first_name="Олена", last_name="Коваль")

    preview = dry_run(desk, StaffMember, csv_bytes(
        STAFF_HEADER,
        ["Богдана", "Кравець", "trainer", "fitness", "yes", ""],  # 2 ok, the head of fitness
        ["Роман", "Олійник", "trainer", "fitness", "yes", ""],
        ["Софія", "Мельник", "trainer", "boxing", "no", ""],
        ["Дмитро", "Бойко", "trainer", "fitness", "no", "nobody"],
        ["Богдана", "Кравець", "trainer", "spa", "no", ""],
        ["Павло", "Руденко", "massage", "spa", "no", "masseur"],
        ["Олена", "Коваль", "trainer", "spa", "no", ""],
        ["Марта", "", "pilot", "", "no", ""],
        ["Ганна", "Гнатюк", "manager", "", "yes", ""],
    ))

    reasons = refused(preview)
    assert "Enter the last name." in reasons[9] and "“pilot” is not one of: manager" in reasons.pop(9)
    assert reasons == {
        3: "This department already has a head.",
        4: "No department has the code “boxing”.",
        5: "No user has the username “nobody”.",
        6: "The same name is already in row 2 of this file.",
        7: "Staff member with this User account already exists.",
        8: "Several staff members are called Олена Коваль: change them one by one in the admin.",
        10: "Choose the department this person heads.",
    }
    assert StaffMember.objects.count() == 3


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
def test_exported_services_and_staff_import_back_without_a_change(desk, file_format):
    import_file(desk, Service, sample("services.csv"))
    import_file(desk, StaffMember, sample("staff.csv"))

    for model, resource, count in ((Service, ServiceResource, 5), (StaffMember, StaffMemberResource, 4)):
        again = import_file(desk, model, export(desk, model, resource, file_format), "export", file_format)
        assert totals(again) == {"new": 0, "update": 0, "skip": count, "invalid": 0, "error": 0}


@pytest.mark.parametrize(
    "role, status", [(roles.ADMINISTRATOR, 200), (roles.DIRECTOR, 200), (roles.MANAGER, 302)]
)
@pytest.mark.parametrize("model", [Service, StaffMember], ids=lambda model: model.__name__)
def test_only_the_front_desk_and_the_director_import_services_and_staff(
    client, make_user, club, role, status, model
):
    client.force_login(make_user(role))

    changelist = client.get(admin_url(model, "changelist"))

    assert (admin_url(model, "import") in changelist.text) is (status == 200)
    assert dry_run(client, model, sample("services.csv")).status_code == status  # 302: to the admin's login
    assert not Service.objects.exists()  # a preview imports nothing


def test_a_specialist_cannot_reach_the_import_of_services(client, specialist_user):
    client.force_login(specialist_user)

    assert client.get(admin_url(Service, "import")).status_code == 302
    assert dry_run(client, Service, sample("services.csv")).status_code == 302
    assert not Service.objects.exists()


def test_the_row_parsers_return_values_or_reasons():
    service = service_row_parse(
        {"department": "SPA", "name": " Масаж ", "duration_minutes": 60.0, "price": "1 200,00"}
    )
    assert service.is_valid and service.values["name"] == "Масаж"
    assert service.references["department"] == "SPA"
    staff = staff_member_row_parse(
        {"first_name": "Роман", "last_name": "Олійник", "role": "Massage therapist"}
    )
    assert staff.is_valid and staff.values["role"] == StaffMember.Role.MASSAGE_THERAPIST
    assert staff_member_row_parse({"first_name": "Роман"}).errors.keys() == {"last_name", "role"}
    blank = {"department": "", "name": "", "kind": "", "duration_minutes": "", "price": ""}
    assert service_row_parse(blank).blank
