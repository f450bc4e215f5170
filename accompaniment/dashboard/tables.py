"""The dashboard's three tables: the accompaniment managers' results, the departments'
block arithmetic (the pay report's), and the staff's quality."""

from __future__ import annotations

import datetime
import functools
import operator
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q, QuerySet, Sum

from clients import rules
from clients.models import Client, ClientsPerManager, FiguresVersion
from core import roles
from sales import finance
from sales.models import Offer
from staff.models import Department, Feedback, StaffMember

from .at_risk import at_risk_summary
from .closed import closed_and_running, closed_values
from .kpis import memberships_ended, open_complaint_q, sales_in
from .period import Period
from .scope import client_scope, feedback_scope, membership_scope, offer_scope

RENEWALS_DUE_DAYS = 30
STAFF_SUMMARY_SIZE = 3


def managers_table(period: Period, at_risk_by_manager: dict | None = None) -> list:
    """Per active user in the accompaniment manager group (their clients = clients assigned to
    them, of the department):

    - clients: their clients; at_risk: those of them at risk (``at_risk_client_sets``);
    - renewals_due: their clients' running memberships ending within 30 days of the period's
      end (today while it runs), not renewed (``clients.rules.expiring_unrenewed``);
    - ended / renewed: their clients' memberships that ended in the period, and those renewed
      (as in ``renewal_rate``);
    - offers_made / offers_accepted: offers they made in the period (as in ``offers``);
    - revenue: the ledger of their clients in the period (as in ``revenue``);
    - complaints_open: complaints of their clients open at the period's end (as in
      ``feedback_counts``); complaints_resolved: complaints of their clients resolved in the period.

    ``at_risk_by_manager`` is ``at_risk_summary``'s count per manager, when the caller has it.
    """
    # The figures summed over the period's days (ended, renewed, offers, revenue, complaints
    # resolved) of its closed months are read from the closed-period cache (``closed.py``: the
    # months' versions and that of the clients' managers, bumped by a client moved to another
    # manager); only those of the running month are computed anew.
    department = period.department
    managers = list(
        get_user_model()
        .objects.filter(groups__name=roles.MANAGER, is_active=True)
        .order_by("last_name", "first_name", "username")
    )
    ids = [manager.pk for manager in managers]
    closed, running = closed_and_running(period)
    # One GROUP BY per table, each narrowed to these managers: a fixed number of queries, and
    # every set (at risk, renewed…) built once for all managers rather than once per manager.
    tables = [
        _clients_per_manager(department, ids),
        _per_manager(
            rules.expiring_unrenewed(period.as_of, RENEWALS_DUE_DAYS).filter(
                membership_scope(department)
            ),
            "client__assigned_manager", ids, renewals_due=Count("pk"),
        ),
        *(_summed_over_days(running, ids) if running else []),
        _complaints(department, ids, running, open_at=period.moment),
    ]
    if closed is not None:  # every manager's, so that a manager added later finds theirs
        tables += closed_values(
            closed, lambda part: [*_summed_over_days(part), _complaints(part.department, None, part)],
            kind="managers", keys=(FiguresVersion.MANAGERS,),
        )
    if at_risk_by_manager is None:
        at_risk_by_manager = at_risk_summary(period, limit=0)["by_manager"]
    for manager in managers:  # one row per manager (a handful)
        manager.at_risk = at_risk_by_manager.get(manager.pk, 0)
        values = {}
        for defaults, rows in tables:  # a figure of the closed months and the running one: summed
            for name, value in {**defaults, **rows.get(manager.pk, {})}.items():
                values[name] = values.get(name, 0) + (value or 0)
        for name, value in values.items():
            setattr(manager, name, value)
        manager.revenue = finance.money(manager.revenue)
    return managers


def _summed_over_days(period: Period, ids: list[int] | None = None) -> list[tuple[dict, dict]]:
    """The managers' figures that are sums over the days of ``period`` (three queries): ended
    and renewed, offers, revenue (every manager's when ``ids`` is None)."""
    in_period = Q(offered_at__gte=period.since, offered_at__lt=period.until)
    return [
        _per_manager(
            memberships_ended(period), "client__assigned_manager", ids,
            ended=Count("pk"), renewed=Count("pk", filter=Q(rules.renewed_within())),
        ),
        _per_manager(
            Offer.objects.filter(offer_scope(period.department)).filter(in_period), "manager", ids,
            offers_made=Count("pk"),
            offers_accepted=Count("pk", filter=Q(outcome=Offer.Outcome.ACCEPTED)),
        ),
        _per_manager(sales_in(period), "client__assigned_manager", ids, revenue=Sum("amount")),
    ]


def _complaints(department, ids: list[int] | None, resolved_in: Period | None,
                open_at: datetime.datetime | None = None) -> tuple[dict, dict]:
    """Complaints of the managers' clients resolved in ``resolved_in`` (when given) and, with
    ``open_at``, those open at that moment: one query."""
    aggregates, wanted = {}, []
    if open_at is not None:
        open_q = open_complaint_q(open_at)
        aggregates["complaints_open"] = Count("pk", filter=open_q)
        wanted.append(open_q)
    if resolved_in is not None:
        resolved_q = Q(
            status=Feedback.Status.RESOLVED, resolved_at__gte=resolved_in.since, resolved_at__lt=resolved_in.until
        )
        aggregates["complaints_resolved"] = Count("pk", filter=resolved_q)
        wanted.append(resolved_q)
    complaints = Feedback.objects.filter(feedback_scope(department), kind=Feedback.Kind.COMPLAINT)
    return _per_manager(complaints.filter(functools.reduce(operator.or_, wanted)), "client__assigned_manager", ids,
                        **aggregates)


def _clients_per_manager(department, ids: list[int]) -> tuple[dict, dict]:
    """The clients each manager holds (of the department): without one, the rollup the triggers
    keep (``clients.ClientsPerManager``), a dozen rows; with one, a count of the clients."""
    if department is None:
        rows = ClientsPerManager.objects.filter(manager__in=ids).values_list("manager", "clients")
        return {"clients": 0}, {manager: {"clients": n} for manager, n in rows}
    return _per_manager(
        Client.objects.filter(client_scope(department)), "assigned_manager", ids, clients=Count("pk"),
    )


def _per_manager(queryset: QuerySet, field: str, ids: list[int] | None, **aggregates) -> tuple[dict, dict]:
    """``aggregates`` of ``queryset`` grouped by the manager in ``field`` (one query):
    (zeros for a manager without rows, {manager id: {name: value}}); every manager's (and the
    rows without one, under None) when ``ids`` is None."""
    if ids is not None:
        queryset = queryset.filter(**{f"{field}__in": ids})
    rows = queryset.order_by().values(field).annotate(**aggregates)
    found = {row.pop(field): row for row in rows}
    return {name: 0 for name in aggregates}, found


def departments_table(period: Period) -> list[Department]:
    """Per active department (the chosen one only, when filtered), the block's arithmetic of the
    pay report (``sales.finance``: the pay report calls the same functions), stretched to the
    period:

    - turnover: the ledger of the department's sales in the period (refunds reduce it);
    - consumables: the department's expenses of kind "consumables" dated in the period;
    - salaries: the monthly salaries (``PayRate.monthly_salary``; the head-of-block rate is paid
      on top of the profit and, as in the pay report, not counted) in force on the period's last
      day of the department's working staff hired by then, times the number of calendar months
      in the period rounded up (``Period.months``: 1 for any part of one month);
    - profit = turnover − consumables − salaries. For a calendar month this is exactly the pay
      report's block profit.
    """
    departments = Department.objects.filter(is_active=True)
    if period.department is not None:
        departments = departments.filter(pk=period.department.pk)
    return finance.blocks(departments.order_by("name"), start=period.start, end=period.end, months=period.months)


def staff_quality_summary(period: Period, size: int = STAFF_SUMMARY_SIZE) -> dict:
    """Staff quality in the period, from client feedback received in it (working staff of the
    department): best_rated / worst_rated = the ``size`` highest / lowest average ratings among
    staff with at least one rated feedback (with fewer than 2 × ``size`` of them, split in two
    halves so that nobody is on both lists); most_complaints = the ``size`` with most complaints
    (at least one); fewest_complaints = the ``size`` others with fewest complaints, more thanks
    first."""
    received = Q(feedback__received_at__gte=period.since, feedback__received_at__lt=period.until)
    staff = StaffMember.objects.filter(is_active=True).exclude(role__in=[
        StaffMember.Role.DIRECTOR, StaffMember.Role.ADMINISTRATOR,
    ])
    if period.department is not None:
        staff = staff.filter(department=period.department)
    staff = list(
        staff.annotate(
            rating=Avg("feedback__rating", filter=received),
            rated=Count("feedback", filter=received & Q(feedback__rating__isnull=False)),
            complaints=Count("feedback", filter=received & Q(feedback__kind=Feedback.Kind.COMPLAINT)),
            thanks=Count("feedback", filter=received & Q(feedback__kind=Feedback.Kind.THANKS)),
        ).select_related("department")
    )
    for member in staff:  # one row per staff member (tens), not per feedback
        member.rating = None if member.rating is None else Decimal(member.rating).quantize(Decimal("0.01"))
    rated = sorted((m for m in staff if m.rated), key=lambda m: (-m.rating, -m.rated, m.last_name))
    worst = min(size, len(rated) // 2)  # nobody is both among the best and the worst
    best = min(size, len(rated) - worst)
    complained = sorted(
        (m for m in staff if m.complaints), key=lambda m: (-m.complaints, m.thanks, m.last_name)
    )[:size]
    fewest = sorted(
        (m for m in staff if m not in complained), key=lambda m: (m.complaints, -m.thanks, m.last_name)
    )
    return {
        "best_rated": rated[:best],
        "worst_rated": rated[::-1][:worst],
        "most_complaints": complained,
        "fewest_complaints": fewest[:size],
    }
