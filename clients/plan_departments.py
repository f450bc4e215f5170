"""The department (block) a membership plan belongs to: the one whose turnover its sales count
in, and whose dashboard counts its cards.

Departments are staff's, above this app: staff provides their list when Django starts
(``staff/vocabulary.py``), and a plan keeps its department's code (``MembershipPlan.department_code``),
checked against that list by ``full_clean`` and offered as a choice in the plan's form. Staff in
turn keeps a department that plans belong to from being deleted or given another code.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.vocabulary import ProvidedVocabulary

DEPARTMENTS = ProvidedVocabulary("department of a membership plan")
provide = DEPARTMENTS.provide


def validate_department_code(code: str) -> None:
    """A plan's department is one of the club's departments."""
    if code not in DEPARTMENTS:
        raise ValidationError(
            _("There is no department with the code “%(code)s”: choose one of the club's departments."),
            code="unknown_department",
            params={"code": code},
        )


def form_choices() -> list[tuple[str, object]]:
    """The club's departments, for a plan's form (read when the form is built)."""
    return [("", "---------"), *DEPARTMENTS.choices()]
