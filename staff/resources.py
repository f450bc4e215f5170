"""Importing and exporting services and staff members from the admin site.

Each row is parsed by a pure function (``service_row_parse``, ``staff_member_row_parse``); the
resources look up what needs the database (a department by code, a user by username, the row
to update) and validate with ``full_clean()``. The machinery, the file formats and the cell
parsers are the spreadsheet framework's (``core.spreadsheets``); importing a file whole or not
at all is the admin's (``core.spreadsheets.admin.ImportExportAllOrNothingMixin``).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from core.spreadsheets import (
    ClubResource,
    ParsedRow,
    PhoneWidget,
    column_field,
    natural_key_field,
    one_of,
    parse_date,
    parse_email,
    parse_int,
    parse_phone,
    parse_price,
    parse_row,
    parse_text,
    username,
    users_by_username,
    yes_no,
)

from .models import Department, Service, StaffMember

SERVICE_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "department": parse_text,
    "name": parse_text,
    "kind": one_of(Service.Kind, default=Service.Kind.TRAINING),
    "duration_minutes": parse_int,
    "price": parse_price,
    "description": parse_text,
    "benefits": parse_text,
    "drawbacks": parse_text,
    "is_active": yes_no(default=True),
}


def service_row_parse(row: Mapping[str, Any]) -> ParsedRow:
    """One row of a services file → the service's values, or the reasons it is refused.

    The department is named by its code (a reference for ``ServiceResource``). Never touches
    the database and never raises."""
    return parse_row(
        row, SERVICE_COLUMNS, references=("department",),
        required={
            "department": _("Enter the code of the department."),
            "name": _("Enter the name of the service."),
            "duration_minutes": _("Enter the duration in minutes."),
            "price": _("Enter the price."),
        },
    )


STAFF_MEMBER_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "first_name": parse_text,
    "last_name": parse_text,
    "role": one_of(StaffMember.Role),
    "department": parse_text,
    "position": parse_text,
    "is_head_of_department": yes_no(default=False),
    "phone": parse_phone,
    "email": parse_email,
    "hired_on": parse_date,
    "is_active": yes_no(default=True),
    "bio": parse_text,
    "user": parse_text,
}


def staff_member_row_parse(row: Mapping[str, Any]) -> ParsedRow:
    """One row of a staff file → the staff member's values, or the reasons it is refused.

    The department is named by its code, the login by its username (references for
    ``StaffMemberResource``); both may be empty. Never touches the database, never raises."""
    return parse_row(
        row, STAFF_MEMBER_COLUMNS, references=("department", "user"),
        required={
            "first_name": _("Enter the first name."),
            "last_name": _("Enter the last name."),
            "role": _("Enter the role."),
        },
    )


def code(department: Department) -> str:
    return department.code


class ServiceResource(ClubResource):
    """Services, matched by their department's code and their name (in any case)."""

    row_parse = staticmethod(service_row_parse)
    required_columns = (("department",), ("name",), ("duration_minutes",), ("price",))

    department = natural_key_field("department", code)

    class Meta:
        model = Service
        fields = tuple(SERVICE_COLUMNS)

    def load(self, rows):
        self.departments = {department.code.lower(): department for department in Department.objects.all()}
        self.by_key = {
            (service.department_id, service.name.casefold()): service
            for service in Service.objects.select_related("department")
        }

    def existing(self, parsed):
        department = self.departments.get((parsed.references.get("department") or "").lower())
        name = parsed.values.get("name")
        return self.by_key.get((department.pk, name.casefold())) if department and name else None

    def resolve(self, instance, parsed, errors):
        self.set_reference(
            instance, parsed, errors, "department", self.departments,
            _("No department has the code “%(value)s”."), key=str.lower,
        )

    def unique_in_file(self, instance):
        return {"name": (instance.department_id, instance.name.casefold())}


class StaffMemberResource(ClubResource):
    """Staff members, matched by first and last name (in any case); the department by code,
    the login by username."""

    row_parse = staticmethod(staff_member_row_parse)
    required_columns = (("first_name",), ("last_name",), ("role",))

    department = natural_key_field("department", code)
    user = natural_key_field("user", username)
    phone = column_field("phone", PhoneWidget())

    class Meta:
        model = StaffMember
        fields = tuple(STAFF_MEMBER_COLUMNS)

    @staticmethod
    def name_key(first_name: str, last_name: str) -> tuple[str, str]:
        return (first_name.casefold(), last_name.casefold())

    def load(self, rows):
        self.departments = {department.code.lower(): department for department in Department.objects.all()}
        self.users = users_by_username(row.references.get("user") for row in rows)
        self.by_name: dict[tuple[str, str], list[StaffMember]] = {}
        for member in StaffMember.objects.select_related("department", "user"):
            self.by_name.setdefault(self.name_key(member.first_name, member.last_name), []).append(member)

    def named(self, parsed) -> list[StaffMember]:
        first, last = parsed.values.get("first_name"), parsed.values.get("last_name")
        return self.by_name.get(self.name_key(first, last), []) if first and last else []

    def existing(self, parsed):
        named = self.named(parsed)
        return named[0] if len(named) == 1 else None

    def resolve(self, instance, parsed, errors):
        if len(self.named(parsed)) > 1:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Several staff members are called %(name)s: change them one by one in the admin.")
                % {"name": f"{instance.first_name} {instance.last_name}"}
            )
        self.set_reference(
            instance, parsed, errors, "department", self.departments,
            _("No department has the code “%(value)s”."), key=str.lower,
        )
        self.set_reference(
            instance, parsed, errors, "user", self.users, _("No user has the username “%(value)s”.")
        )

    def unique_in_file(self, instance):
        return {
            "name": self.name_key(instance.first_name, instance.last_name),
            "user": instance.user_id,
        }
