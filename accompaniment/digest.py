"""The managers' morning digest for every manager at once, in a fixed number of queries.

Each section of Today the digest shows (``accompaniment.selectors``: the same querysets, so the
same rules and order) is read once for all clients, grouped by the row's owner — the client's
assigned manager, or the task's assignee: a count per owner, and for the sections the digest
lists, each owner's first AGENDA_ROWS rows (a window function partitioned by owner). A manager's
section is then put together in Python from their own rows and those of the managers they cover
for that day (``ManagerCover``), or from every owner's for a manager who sees all clients
(``clients.selectors.clients_visible_to``): the first rows in the database's own order (a rank
over the whole section, so no collation is redone in Python) and the counts summed. The at-risk
count per manager comes from ``at_risk_summary``'s count per assigned manager.

Queries: the managers, their roles and their languages, the covers, one per section and one for
the at-risk set — whatever the number of managers and clients.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from clients import rules
from clients.languages import supported
from clients.models import Client, ManagerCover, Task, UserPreference
from core import roles
from core.capabilities import SEE_ALL_CLIENTS, can
from sales.selectors import pending_recommendations_for

from .dashboard import Period, at_risk_summary
from .selectors import (
    AGENDA_ROWS, birthdays, complaints_to_resolve, expiring_cards, new_clients_without_intro, tasks_due,
)

ALL = object()  # a manager who sees every client: every owner's rows


def managers_with_roles() -> list:
    """The active managers, each with their roles (for ``can``) and chosen language read at once."""
    managers = list(
        get_user_model().objects.filter(groups__name=roles.MANAGER, is_active=True)
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
        .order_by("pk")
    )
    chosen = dict(UserPreference.objects.filter(user__in=[m.pk for m in managers]).values_list("user_id", "language"))
    for manager in managers:
        manager._role_names = {group.name for group in manager.groups.all()} | (
            {roles.DIRECTOR} if manager.is_superuser else set()
        )
        manager.digest_language = supported(chosen.get(manager.pk))
    return managers


def covered_by(on: datetime.date) -> dict[int, set[int]]:
    """covering manager's id → the ids of the managers they cover for on ``on``."""
    covers = defaultdict(set)
    for covering, absent in ManagerCover.objects.filter(starts_on__lte=on, ends_on__gte=on).values_list(
        "covering_id", "absent_id"
    ):
        covers[covering].add(absent)
    return covers


def _counts(queryset: QuerySet, owner: str) -> dict:
    """owner id (None for nobody's rows) → how many rows of ``queryset``."""
    rows = queryset.order_by().values(owner_id=F(owner)).annotate(n=Count("pk")).values_list("owner_id", "n")
    return dict(rows)


def _first_rows(queryset: QuerySet, owner: str, limit: int = AGENDA_ROWS) -> tuple[dict, dict]:
    """(owner id → their first ``limit`` rows, each with ``digest_rank``: its place in the whole
    section's order; owner id → how many rows they have), in one query."""
    order = queryset.query.order_by
    rows = (
        queryset.annotate(
            digest_owner=F(owner),
            digest_rank=Window(RowNumber(), order_by=[*order, "pk"]),
            digest_place=Window(RowNumber(), partition_by=F(owner), order_by=[*order, "pk"]),
            digest_total=Window(Count("pk"), partition_by=F(owner)),
        )
        .filter(digest_place__lte=limit)
    )
    by_owner, totals = defaultdict(list), {}
    for row in rows:
        by_owner[row.digest_owner].append(row)
        totals[row.digest_owner] = row.digest_total
    return by_owner, totals


def _owners(manager, covers: dict, *, of_clients: bool):
    if of_clients and can(manager, SEE_ALL_CLIENTS):
        return ALL
    return {manager.pk, *covers.get(manager.pk, ())}


def _pick(owners, counts: dict) -> list:
    return list(counts) if owners is ALL else [owner for owner in owners if owner in counts]


def _count(owners, counts: dict) -> int:
    return sum(counts[owner] for owner in _pick(owners, counts))


def _listed(owners, by_owner: dict, totals: dict, limit: int = AGENDA_ROWS) -> dict:
    rows = sorted((row for owner in _pick(owners, by_owner) for row in by_owner[owner]), key=lambda r: r.digest_rank)
    count = _count(owners, totals)
    return {"rows": rows[:limit], "count": count, "more": count > len(rows[:limit])}


def digest_agendas(on: datetime.date) -> list[tuple]:
    """(manager, agenda) for every active manager: the sections of their Today the digest shows
    (``templates/messages/digest.*``), as ``today_agenda`` has them, read for all at once."""
    managers = managers_with_roles()
    if not managers:
        return []
    covers = covered_by(on)
    clients = Client.objects.all()
    listed = {
        "expiring": _first_rows(expiring_cards(on), "client__assigned_manager"),
        "tasks": _first_rows(tasks_due(Task.objects.all(), on), "assigned_to"),
        "birthdays": _first_rows(birthdays(clients, on), "assigned_manager"),
    }
    counted = {
        "complaints": _counts(complaints_to_resolve().filter(client__isnull=False), "client__assigned_manager"),
        "recommendations": _counts(pending_recommendations_for(clients), "client__assigned_manager"),
        "new_clients": _counts(new_clients_without_intro(clients, on), "assigned_manager"),
        "at_risk": at_risk_summary(Period(on, on), limit=0)["by_manager"],
    }
    agendas = []
    for manager in managers:
        agenda = {"today": on, "expiring_days": rules.EXPIRING_SOON_DAYS}
        for name, (by_owner, totals) in listed.items():
            agenda[name] = _listed(_owners(manager, covers, of_clients=name != "tasks"), by_owner, totals)
        for name, counts in counted.items():
            agenda[name] = {"count": _count(_owners(manager, covers, of_clients=True), counts)}
        agendas.append((manager, agenda))
    return agendas
