"""Read queries the cross-app pages share: the manager's Today agenda."""

import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients import rules
from clients.models import Interaction, Task
from clients.messaging.waiting import answer_due_at
from clients.selectors import (
    clients_visible_to,
    covered_manager_ids,
    last_contact_on,
    tasks_visible_to,
    waiting_messages,
)
from core.dates import day_start
from core.parallel import side_by_side
from programs.classes.selectors import places_unconfirmed_on
from programs.selectors import sessions_of_the_day, sessions_unconfirmed_on
from sales.selectors import pending_recommendations_for
from staff.models import Feedback

from .dashboard import Period, at_risk_reason_label, at_risk_summary

AGENDA_ROWS = 15
NEW_CLIENT_DAYS = 30


def _section(queryset, limit=AGENDA_ROWS):
    """The first rows of a section and how many there are in all, in one query."""
    rows = list(queryset.annotate(section_total=Window(Count("pk")))[:limit])
    count = rows[0].section_total if rows else 0
    return {"rows": rows, "count": count, "more": count > len(rows)}


def _at_risk_section(clients, on: datetime.date, limit=AGENDA_ROWS) -> dict:
    """The dashboard's at-risk clients (``accompaniment.dashboard.at_risk_client_sets``: the same
    rule, order and reasons) among ``clients``, as a section."""
    at_risk = at_risk_summary(Period(on, on), limit=limit, clients=clients, by_manager=False)
    for client in at_risk["rows"]:  # at most ``limit``
        client.reason_labels = [at_risk_reason_label(reason) for reason in client.reasons]
    return {"rows": at_risk["rows"], "count": at_risk["total"], "more": at_risk["total"] > len(at_risk["rows"])}


def _waiting_section(clients) -> dict:
    """The clients' messages waiting for an answer, oldest first, each with the moment it is due
    and whether it is overdue (``clients.messaging.waiting``)."""
    section = _section(waiting_messages(clients))
    now = timezone.now()
    for message in section["rows"]:
        message.due_at = answer_due_at(message.occurred_at)
        message.overdue = now >= message.due_at
    return section


def _mark_contacted(agenda: dict, on: datetime.date) -> None:
    """Each row of a client the manager reaches out to (expiring, at risk, birthdays, new
    clients) gets ``contacted``: the latest interaction with the client that day, or None —
    the row shows it done for the day (one query for all the rows)."""
    rows = [
        (row, row.client_id if hasattr(row, "client_id") else row.pk)
        for name in ("expiring", "at_risk", "birthdays", "new_clients")
        for row in agenda[name]["rows"]
    ]
    contacted = last_contact_on([client_id for _row, client_id in rows], on) if rows else {}
    for row, client_id in rows:
        row.contacted = contacted.get(client_id)


def today_agenda(user, on: datetime.date | None = None) -> dict:
    """The manager's working day, in priority order; each section counted and capped; a row of
    a client contacted that day is marked so."""
    agenda = _today_sections(user, on or timezone.localdate())
    _mark_contacted(agenda, agenda["today"])
    return agenda


def complaints_to_resolve() -> QuerySet:
    """Complaints nobody has resolved yet (new or relayed), oldest first: Today's and the digest's."""
    return (
        Feedback.objects.filter(kind=Feedback.Kind.COMPLAINT, status__in=[Feedback.Status.NEW, Feedback.Status.RELAYED])
        .select_related("client", "staff_member", "service")
        .order_by("received_at")
    )


def expiring_cards(today: datetime.date) -> QuerySet:
    """Cards ending soon and not renewed (``clients.rules``), the soonest first."""
    return rules.expiring_unrenewed(today).select_related("client", "plan").order_by("end_date", "id")


def tasks_due(tasks: QuerySet, today: datetime.date) -> QuerySet:
    """Open tasks due by ``today``, the oldest first."""
    return tasks.filter(status=Task.Status.OPEN, due_date__lte=today).select_related("client").order_by("due_date", "id")


def birthdays(clients: QuerySet, today: datetime.date) -> QuerySet:
    return clients.filter(rules.birthday_q(today)).order_by("last_name", "first_name")


def new_clients_without_intro(clients: QuerySet, today: datetime.date) -> QuerySet:
    """Clients who came in the last NEW_CLIENT_DAYS days and have had no intro visit yet."""
    intro = Interaction.objects.filter(client=OuterRef("pk"), kind=Interaction.Kind.INTRO_VISIT)
    return (
        clients.filter(created_at__gte=day_start(today - datetime.timedelta(days=NEW_CLIENT_DAYS)))
        .exclude(Exists(intro))
        .order_by("created_at")
    )


def _today_sections(user, today: datetime.date) -> dict:
    """Today's sections; the at-risk clients, the expiring cards and the complaints (the
    longest statements) beside the others, on a second connection where ``core.parallel`` can
    (PostgreSQL)."""
    covered = covered_manager_ids(user)  # read once: a list of ids in every statement below
    mine = clients_visible_to(user, covered)
    from staff.services import complaints_overdue_since

    tomorrow = today + datetime.timedelta(days=1)
    sections, beside = side_by_side(
        lambda: {
            "today": today,
            "waiting": _waiting_section(mine),  # not "messages": that name is the messages framework's
            "sessions_today": _section(sessions_of_the_day(today, mine)),
            "unconfirmed_tomorrow": _section(sessions_unconfirmed_on(tomorrow, mine)),
            "unconfirmed_places_tomorrow": _section(places_unconfirmed_on(tomorrow, mine)),
            "overdue_since": complaints_overdue_since(),
            "expiring_days": rules.EXPIRING_SOON_DAYS,
            "tasks": _section(tasks_due(tasks_visible_to(user, covered=covered), today)),
            "recommendations": _section(pending_recommendations_for(mine)),
            "birthdays": _section(birthdays(mine, today)),
            "new_clients": _section(new_clients_without_intro(mine, today)),
        },
        lambda: {
            "at_risk": _at_risk_section(mine.all(), today),
            "expiring": _section(expiring_cards(today).filter(client__in=mine.all())),
            "complaints": _section(complaints_to_resolve().filter(client__in=mine.all())),
        },
    )
    return {**sections, **beside}


# --- A client's history (the director's view from the card) -----------------------------------------
HISTORY_TYPES = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
HISTORY_SKIP = {"id", "created_at", "created_by", "stage", "history_id", "history_date",
                "history_change_reason", "history_type", "history_user"}
HISTORY_ROWS = 300


def _history_sources(client) -> list:
    """(model, history rows of the client's objects of that model) for every tracked model."""
    from programs.models import Program
    from sales.models import Offer, Sale
    from staff.models import Feedback

    from clients.models import Client, Membership

    return [
        (Client, Client.history.filter(id=client.pk)),
        (Membership, Membership.history.filter(client_id=client.pk)),
        (Program, Program.history.filter(client_id=client.pk)),
        (Feedback, Feedback.history.filter(client_id=client.pk)),
        (Offer, Offer.history.filter(client_id=client.pk)),
        (Sale, Sale.history.filter(client_id=client.pk)),
    ]


def _shown(field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _name(obj) -> str:
    """A related row's name from its own columns (``str()`` may follow relations: a query each)."""
    if hasattr(obj, "get_username"):
        return obj.get_full_name() or obj.get_username()
    for attribute in ("card_number", "full_name", "name"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)
    return f"#{obj.pk}"


def _label(row) -> str:
    """What a version is about, from its own columns (no query): a card, a program, a row."""
    for name in ("card_number", "name"):
        if getattr(row, name, ""):
            return getattr(row, name)
    return f"#{row.id}"


def client_history(client, limit: int = HISTORY_ROWS) -> list[dict]:
    """Who changed what about a client and when: every saved version of the client, their
    memberships, programs, feedback, offers and sales (django-simple-history), newest first,
    each with the fields that changed against the version before it (old → new, related rows by
    name), and the health flags added or removed. A fixed number of queries (one per tracked
    model, one per kind of related row, one for the flags) whatever the client's history; at
    most ``limit`` entries."""
    from django.apps import apps

    versions = []
    for model, rows in _history_sources(client):
        fields = [f for f in model.history.model._meta.concrete_fields if f.name not in HISTORY_SKIP]
        rows = list(rows.select_related("history_user").order_by("id", "history_date", "history_id"))
        versions.append((model, fields, rows))
    # The names of the related rows the versions point at: one query per related model.
    wanted: dict = {}
    for _model, fields, rows in versions:
        for field in fields:
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(
                    getattr(row, field.attname) for row in rows if getattr(row, field.attname) is not None
                )
    names = {
        (related, obj.pk): _name(obj)
        for related, ids in wanted.items() if ids
        for obj in related._base_manager.filter(pk__in=ids)
    }
    entries = []
    for model, fields, rows in versions:
        previous = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            for field in fields:
                new = getattr(row, field.attname)
                old = getattr(before, field.attname) if before is not None else None
                if before is None and new in (None, ""):
                    continue
                if before is None or old != new:
                    changes.append((
                        field.verbose_name, "" if before is None else _shown(field, old, names),
                        _shown(field, new, names),
                    ))
            previous[row.id] = row
            entries.append({
                "when": row.history_date, "who": row.history_user, "type": row.history_type,
                "type_label": HISTORY_TYPES.get(row.history_type, row.history_type),
                "model": model._meta.verbose_name, "is_client": model is type(client),
                "object": _label(row), "history_id": row.history_id, "changes": changes,
                "reason": row.history_change_reason or "",
            })
    flags = apps.get_model("clients", "HistoricalClient_contraindications")
    by_version: dict[int, set[str]] = {}
    for version_id, name in flags.objects.filter(history__id=client.pk).values_list(
        "history_id", "contraindication__name"
    ):
        by_version.setdefault(version_id, set()).add(name)
    held: set[str] = set()
    for entry in sorted((e for e in entries if e["is_client"]), key=lambda e: (e["when"], e["history_id"])):
        now_held = by_version.get(entry["history_id"], set())
        if now_held != held:
            entry["changes"].append((_("contraindication flags"), ", ".join(sorted(held)) or "—",
                                     ", ".join(sorted(now_held)) or "—"))
        held = now_held
    # A version that changed nothing shown (a save without changes) is not worth a line.
    entries = [e for e in entries if e["changes"] or e["type"] != "~" or e["reason"]]
    entries.sort(key=lambda e: (e["when"], e["history_id"]), reverse=True)
    return entries[:limit]


def health_data_accesses(client, limit: int = 100) -> dict:
    """Who opened the client's health data, newest first (at most ``limit``), and how often."""
    from clients.models import HealthDataAccess

    rows = list(
        HealthDataAccess.objects.filter(client=client).select_related("user")
        .annotate(total=Window(Count("pk")))[:limit]
    )
    return {"rows": rows, "total": rows[0].total if rows else 0}
