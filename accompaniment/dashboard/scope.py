"""How a department narrows each of the dashboard's queries.

A membership belongs to its plan's department (``MembershipPlan.department_code``); a sale to its ``department``; an offer to the
department of the service, product or plan offered; feedback and survey answers to the
department of the staff member or service they are about; a visit to that of the membership it
was counted against; a client to every department they bought from (a sale) or hold a
membership of. Without a department every condition is empty (``Q()``).
"""

from __future__ import annotations

from django.db.models import Q

from clients.models import Membership
from sales.models import Sale


def membership_scope(department, prefix: str = "") -> Q:
    if department is None:
        return Q()
    return Q(**{f"{prefix}plan__department_code": department.code})


def sale_scope(department, prefix: str = "") -> Q:
    return Q() if department is None else Q(**{f"{prefix}department": department})


def offer_scope(department) -> Q:
    if department is None:
        return Q()
    return (
        Q(service__department=department)
        | Q(product__department=department)
        | Q(plan__department_code=department.code)
    )


def feedback_scope(department) -> Q:
    """For Feedback and SurveyResponse alike: about the department's staff or services."""
    if department is None:
        return Q()
    return Q(staff_member__department=department) | Q(service__department=department)


def client_scope(department, ref: str = "pk") -> Q:
    """Clients of a department: those who bought from it or hold a membership of it (as
    uncorrelated ``IN`` subqueries, which PostgreSQL hashes once instead of probing per row)."""
    if department is None:
        return Q()
    return Q(**{f"{ref}__in": Sale.objects.filter(department=department).values("client_id")}) | Q(
        **{f"{ref}__in": Membership.objects.filter(membership_scope(department)).values("client_id")}
    )
