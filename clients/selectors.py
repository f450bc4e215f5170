"""Read queries about clients and memberships that pages, reminders and the dashboard share."""

import datetime
import functools

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.capabilities import SEE_ALL_CLIENTS, WORK_WITH_CLIENTS, can

from . import rules
from .models import Client, Freeze, ManagerCover, Membership


def managers_covered_by(user, on: datetime.date | None = None) -> QuerySet:
    """The ids of the managers ``user`` covers for on ``on`` (today): a subquery, no query."""
    on = on or timezone.localdate()
    return ManagerCover.objects.filter(covering=user, starts_on__lte=on, ends_on__gte=on).values("absent")


def covering_for(manager, on: datetime.date | None = None):
    """The manager who covers for ``manager`` on ``on`` (today), or None."""
    on = on or timezone.localdate()
    cover = (ManagerCover.objects.filter(absent=manager, starts_on__lte=on, ends_on__gte=on)
             .select_related("covering").order_by("-starts_on", "-id").first())
    return cover.covering if cover else None


def covered_manager_ids(user, on: datetime.date | None = None) -> list[int]:
    """The ids of the managers ``user`` covers for on ``on`` (today), read now (one query)."""
    return list(managers_covered_by(user, on).values_list("absent", flat=True))


def mine_q(user, field: str = "assigned_manager", on: datetime.date | None = None,
           covered: list[int] | None = None) -> Q:
    """Rows of ``user`` or of a manager they cover for today (``field``: the row's user).

    ``covered`` (``covered_manager_ids``, read once by a page that narrows many statements to
    the same rows) turns the rule into a list of ids, whose share of the rows the planner knows
    from its statistics; the subquery's OR reads to it as half the club and makes it scan every
    client."""
    if covered is not None:
        return Q(**{f"{field}__in": [user.pk, *covered]})
    return Q(**{field: user}) | Q(**{f"{field}__in": managers_covered_by(user, on)})


def clients_visible_to(user, covered: list[int] | None = None) -> QuerySet[Client]:
    """The one rule of who sees which client records.

    Whoever may ``see_all_clients`` (directors, the front desk) sees every client; whoever may
    ``work_with_clients`` without it (an accompaniment manager) sees the clients assigned to
    them, and during a cover (``ManagerCover``, its dates included) those of the manager they
    cover for; anybody else (specialists included) sees none here — specialists reach their
    clients only through their sessions, without contact details. ``covered``: see ``mine_q``.
    """
    if can(user, SEE_ALL_CLIENTS):
        return Client.objects.all()
    if can(user, WORK_WITH_CLIENTS):
        return Client.objects.filter(mine_q(user, covered=covered))
    return Client.objects.none()


def visible_clients_count(user) -> int:
    """How many clients ``clients_visible_to(user)`` holds, by the same rule, summed from the
    clients per manager (``ClientsPerManager``, kept by triggers): a dozen rows read instead of
    every client counted."""
    from django.db.models import Sum

    from .models import ClientsPerManager

    if can(user, SEE_ALL_CLIENTS):
        return _club_count()
    elif can(user, WORK_WITH_CLIENTS):
        rows = ClientsPerManager.objects.filter(mine_q(user, "manager"))
    else:
        return 0
    return rows.aggregate(clients=Sum("clients"))["clients"] or 0


def _club_count() -> int:
    """Every client of the club, summed from the clients per manager with a statement written once:
    the ORM building the same sum on every client list cost more than reading it."""
    from django.db import connections, router

    from .models import ClientsPerManager

    connection = connections[router.db_for_read(ClientsPerManager)]
    quote, meta = connection.ops.quote_name, ClientsPerManager._meta
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT SUM({quote(meta.get_field('clients').column)}) FROM {quote(meta.db_table)}")
        return cursor.fetchone()[0] or 0


def tasks_visible_to(user, queryset=None, covered: list[int] | None = None) -> QuerySet:
    """The tasks a manager works on: theirs and, during a cover, the absent manager's
    (``covered``: see ``mine_q``)."""
    from .models import Task

    queryset = Task.objects.all() if queryset is None else queryset
    return queryset.filter(mine_q(user, "assigned_to", covered=covered))


def client_rows_visible_to(user, queryset: QuerySet, path: str = "client") -> QuerySet:
    """Rows that belong to a client (``path`` leads from a row to it: ``"client"``,
    ``"membership__client"``; ``""`` for clients themselves), narrowed by ``clients_visible_to``.
    Rows of no client (a message to a staff member) are shown only to those who see every client.
    """
    if can(user, SEE_ALL_CLIENTS):
        return queryset
    return queryset.filter(**{f"{path}__in" if path else "pk__in": clients_visible_to(user)})


# What people type between the digits of a phone number: "+38 (050) 123-45-67", "050.123.45.67".
PHONE_PUNCTUATION = frozenset("+()-./ \u00a0\t")
DIGITS = frozenset("0123456789")
# Fewer digits than this are not searched as a phone (the last four digits are).
PHONE_SEARCH_MIN_DIGITS = 4


def phone_search_digits(text: str) -> str | None:
    """The digits of ``text`` when it is written as (a part of) a phone number: digits and phone
    punctuation only, at least PHONE_SEARCH_MIN_DIGITS digits; None otherwise."""
    if not text or any(ch not in DIGITS and ch not in PHONE_PUNCTUATION for ch in text):
        return None
    digits = "".join(ch for ch in text if ch in DIGITS)
    return digits if len(digits) >= PHONE_SEARCH_MIN_DIGITS else None


def phone_search_q(text: str) -> Q | None:
    """Clients whose phone is ``text``, however it is written: with or without the country code
    (``+380``, ``380``, ``0038``) or the leading 0, in brackets, with dashes, dots and spaces in
    any grouping — or only its last digits. None when ``text`` is not written as a phone.

    A number that parses as a whole (in PHONE_REGION when it has no country code) matches
    exactly; the digits typed match as a part of the stored number (``+380501234567``): the
    last digits, the number without its country code; and so do they without their leading
    zeros (a trunk 0 the stored number lacks, an international 00) when four digits remain."""
    from phonenumber_field.phonenumber import to_python

    digits = phone_search_digits(text)
    if digits is None:
        return None
    query = Q(pk__in=[])
    phone = to_python(text)
    if phone and phone.is_valid():
        query |= Q(phone=phone.as_e164)
    query |= Q(phone__contains=digits)
    significant = digits.lstrip("0")
    if significant != digits and len(significant) >= PHONE_SEARCH_MIN_DIGITS:
        query |= Q(phone__contains=significant)
    return query


def client_search_q(text: str) -> Q:
    """Match a client by name words, phone typed in any format (``phone_search_q``), e-mail or
    card number."""
    text = text.strip()
    if not text:
        return Q()
    query = Q(
        Exists(Membership.objects.filter(client=OuterRef("pk"), card_number__iexact=text))
    )
    if "@" in text:
        return query | Q(email__iexact=text)
    phone = phone_search_q(text)
    if phone is not None:
        return query | phone
    # lower() on both sides: case-insensitive for Cyrillic too (see ClientsConfig.ready).
    name_q = Q()
    for word in text.lower().split():
        name_q &= (
            Q(first_name__lower__contains=word)
            | Q(last_name__lower__contains=word)
            | Q(middle_name__lower__contains=word)
        )
    # One set of ids, the card numbers' and the names' (UNION ALL), rather than an OR beside
    # the card's subquery: so PostgreSQL can read the names from their trigram index
    # (``client_search_trgm_idx``, migration 0014) instead of scanning every client.
    cards = Membership.objects.filter(card_number__iexact=text).order_by().values("client_id")
    names = Client.objects.filter(name_q | Q(email__lower__startswith=text.lower())).order_by().values("pk")
    return Q(pk__in=cards.union(names, all=True))


def last_visit_subquery():
    """A client's last visit, from the rollup beside the visits (``ClientLastVisit``)."""
    from django.db.models import Subquery

    from .models import ClientLastVisit

    return Subquery(
        ClientLastVisit.objects.filter(client=OuterRef("pk"))
        .values("checked_in_at")[:1]
    )


def current_membership_subquery(field: str, on: datetime.date):
    """A field of the membership that matters on ``on``: a running one (the one ending last),
    else the latest one that is not cancelled."""
    from django.db.models import Case, IntegerField, Subquery, Value, When

    running_first = Case(
        When(rules.running_q(on), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return Subquery(
        Membership.objects.filter(rules.not_cancelled_q(), client=OuterRef("pk"))
        .order_by(running_first, "-end_date", "-id")
        .values(field)[:1]
    )


def client_list_columns(on: datetime.date, using: str = "default") -> dict:
    """The client list's columns beyond the client's own, as ``annotate`` takes them: the end,
    plan and number of the card that matters on ``on`` (``current_membership_subquery``) and the
    last visit (``last_visit_subquery``) — the same subqueries, compiled to SQL once a day per
    database (``_compiled_client_columns``) rather than on every request: Django compiling them
    took a third of the list's time in Python (issue #17). Valid where the clients' table keeps
    its own name in the statement (a queryset of clients, not one nested in another's).

    The expressions themselves are kept too: ``annotate`` works on copies of them, which keep
    what Django worked out once about each (its ``identity``, hashed by the compiler on every
    statement)."""
    return dict(_compiled_client_columns(on, using))


@functools.lru_cache(maxsize=8)
def _compiled_client_columns(on: datetime.date, using: str) -> dict:
    from django.db.models import CharField, DateField, DateTimeField
    from django.db.models.expressions import RawSQL
    from django.db.models.sql import Query

    columns = {
        "membership_end": (current_membership_subquery("end_date", on), DateField()),
        "membership_plan": (current_membership_subquery("plan__name", on), CharField()),
        "membership_card": (current_membership_subquery("card_number", on), CharField()),
        "last_visit": (last_visit_subquery(), DateTimeField()),
    }
    query = Query(Client)
    compiler = query.get_compiler(using=using)
    compiled = {}
    for name, (subquery, output_field) in columns.items():
        sql, params = compiler.compile(subquery.resolve_expression(query))
        compiled[name] = RawSQL(sql, tuple(params), output_field=output_field)
        compiled[name].identity  # worked out once, kept by the copies
    return compiled


def client_for_card(queryset, pk):
    """One client with what the card header and profile show, in one query (+ flags)."""
    from django.shortcuts import get_object_or_404

    from django.db.models import Count, IntegerField, Subquery

    from .models import ClientLink

    open_links = (ClientLink.objects.filter(client=OuterRef("pk"), purpose=ClientLink.Purpose.PAGE,
                                            revoked_at__isnull=True, expires_at__gt=timezone.now())
                  .order_by().values("client").annotate(n=Count("pk")).values("n"))
    return get_object_or_404(
        queryset.select_related("assigned_manager", "referred_by").prefetch_related(
            "contraindications"
        ).annotate(page_links_open=Subquery(open_links, output_field=IntegerField())),
        pk=pk,
    )


def memberships_for_card(client) -> list[Membership]:
    """The client's memberships, newest first, each with its freezes and state for today."""
    from django.db.models import Prefetch

    today = timezone.localdate()
    memberships = list(
        client.memberships.select_related("plan").prefetch_related(
            Prefetch("freezes", queryset=Freeze.objects.order_by("start_date"))
        )
    )
    for membership in memberships:
        membership.state = rules.membership_state(membership, today)
        membership.days_left_today = membership.days_left(today)
        membership.freeze_days_left = membership.plan.max_freeze_days - sum(
            f.days or 0 for f in membership.freezes.all()
        )
    return memberships


def current_membership(memberships: list[Membership]) -> Membership | None:
    """The membership that matters today: a running one (the one ending last), else the next
    to start, else the last that ended."""
    live = [m for m in memberships if m.state in rules.RUNNING_STATES]
    if live:
        return max(live, key=lambda m: m.end_date)
    upcoming = [m for m in memberships if m.state == "not_started"]
    if upcoming:
        return min(upcoming, key=lambda m: m.start_date)
    ended = [m for m in memberships if m.state == "expired"]
    return max(ended, key=lambda m: m.end_date) if ended else None


# --- The conversation (what the client wrote through the bot or their page, and the answers) ---
CONVERSATION_ROWS = 30


def waiting_messages(clients: QuerySet[Client]) -> QuerySet:
    """Messages the client wrote that nobody has answered yet, oldest first (Today's *Messages
    waiting*)."""
    from .models import Interaction

    return (
        Interaction.objects.filter(client__in=clients, direction=Interaction.Direction.INBOUND,
                                   answered_at__isnull=True)
        .exclude(channel="")
        .select_related("client")
        .order_by("occurred_at", "id")
    )


def conversation_for_card(client: Client, limit: int = CONVERSATION_ROWS) -> list:
    """The last messages both ways, oldest first, each answer with its outbox row."""
    from .models import Interaction

    rows = list(
        client.interactions.filter(kind=Interaction.Kind.MESSAGE)
        .filter(Q(direction=Interaction.Direction.INBOUND) & ~Q(channel="") | Q(notification__isnull=False))
        .select_related("manager", "notification")
        .order_by("-occurred_at", "-id")[:limit]
    )
    return rows[::-1]

def last_contact_on(client_ids, day: datetime.date) -> dict:
    """The latest interaction of each of these clients on the club-local ``day`` ({client id:
    interaction}), in one query: Today marks a row "called today" with it."""
    from core.dates import day_bounds

    from .models import Interaction

    start, end = day_bounds(day)
    latest = {}
    for interaction in Interaction.objects.filter(
        client_id__in=set(client_ids), occurred_at__gte=start, occurred_at__lt=end
    ).order_by("occurred_at", "id"):
        latest[interaction.client_id] = interaction
    return latest


def managers_of_hidden_matches(user, text: str) -> list[str]:
    """When a search among the clients ``user`` sees finds nothing: the names of the managers
    whose clients it matches (sorted; "" for a client without a manager) — never the clients
    themselves or their contacts. Empty for whoever sees every client."""
    from core.capabilities import SEE_ALL_CLIENTS

    if not text.strip() or can(user, SEE_ALL_CLIENTS):
        return []
    others = (
        Client.objects.filter(client_search_q(text)).exclude(pk__in=clients_visible_to(user))
        .select_related("assigned_manager")
        .order_by("assigned_manager_id").distinct()[:20]
    )
    names = {
        (client.assigned_manager.get_full_name() or client.assigned_manager.get_username())
        if client.assigned_manager else ""
        for client in others
    }
    return sorted(names)


def renewal_plan(client):
    """The plan a renewal of ``client``'s card preselects: that of their latest card that is
    not cancelled (the one ending last), while the plan is on sale; None otherwise."""
    membership = (
        client.memberships.filter(rules.not_cancelled_q(), plan__is_active=True)
        .select_related("plan").order_by("-end_date", "-id").first()
    )
    return membership.plan if membership is not None else None
