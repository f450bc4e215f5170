"""What the daily pipeline (``core.reminders``) gets from the clients app: reminders to clients
(outbox rows) and follow-up tasks for managers, each declared by one line above its function.
Every producer is set-based: its query count does not depend on the number of memberships, and
every row carries a dedup key so a second sweep adds nothing.

``produces_messages`` and ``produces_tasks`` are the declarations every app uses (the outbox and
the task list are this app's): ``@produces_messages("birthdays")`` above a function
``(on: date) -> list`` of outbox rows is all a new producer needs.
"""

import datetime
from functools import partial

from django.conf import settings
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, override

from core import reminders
from core.dates import day_bounds

from . import rules
from .messaging import kinds
from .messaging.outbox import Pending, Shared, bulk_insert_new, existing_keys, message_for_client, outbox_write
from .models import Client, Membership, MembershipPlan, Notification, Task, Visit


def tasks_write(tasks: list[Task], *, dry_run: bool = False) -> int:
    """Create the tasks whose dedup key is new; returns how many were new."""
    keys = [task.dedup_key for task in tasks]
    existing = existing_keys(Task, keys)
    new = [task for task in tasks if task.dedup_key not in existing]
    if not dry_run and new:
        bulk_insert_new(Task, new)
    return len(new)


def produces_messages(name: str, *, step: reminders.Step = reminders.Step.MESSAGES):
    """Declare a producer of outbox rows (``Notification`` or ``Pending``), reported as ``name``."""
    return reminders.producer(name, step=step, write=outbox_write)


def produces_tasks(name: str):
    """Declare a producer of follow-up tasks (unsaved ``Task`` rows), reported as ``name``."""
    return reminders.producer(name, step=reminders.Step.TASKS, write=tasks_write)


def expiry_thresholds() -> dict[int, list[int]]:
    """threshold in days → ids of the plans that use it (a plan's own list, or the default)."""
    default = set(settings.REMINDER_EXPIRY_DAYS)
    by_days: dict[int, list[int]] = {}
    for plan in MembershipPlan.objects.only("id", "expiry_reminder_days"):
        for days in plan.reminder_days or default:
            by_days.setdefault(days, []).append(plan.pk)
    return by_days


def memberships_due_for_expiry_reminder(on: datetime.date, days: int, plan_ids) -> "QuerySet[Membership]":
    """Cards of those plans running on ``on`` and ending ``days`` days after it; frozen,
    cancelled and renewed ones are skipped (``clients.rules``)."""
    return (
        Membership.objects.filter(rules.member_q(on))
        .filter(plan_id__in=plan_ids, end_date=on + datetime.timedelta(days=days))
        .exclude(rules.renewed_within())
        .select_related("client", "plan", "client__assigned_manager")
    )


def card_shared(membership: Membership) -> Shared:
    """What the card's messages read of it that is the same for every card of a sweep's group
    (its plan's name, its end date): they are rendered once per group and language as stencils
    (``render_stencil``), the card's number and the client's first name put in."""
    return Shared(plan=Shared(name=membership.plan.name), end_date=membership.end_date)


@produces_messages("membership expiry")
def expiry_messages(on: datetime.date) -> list[Notification]:
    rows = []
    for days, plan_ids in sorted(expiry_thresholds().items()):
        for membership in memberships_due_for_expiry_reminder(on, days, plan_ids):
            key = f"expiry:{membership.pk}:{membership.end_date}:{days}"
            rows.append(Pending(key, partial(
                message_for_client,
                client=membership.client,
                kind=kinds.MEMBERSHIP_EXPIRY,
                dedup_key=key,
                template="membership_expiry",
                context={"membership": card_shared(membership), "days": days},
                personal={"membership.card_number": str(membership.card_number)},
                client_fields=("first_name",),
                related=membership,
            )))
    return rows


@produces_tasks("renewal calls")
def renewal_call_tasks(on: datetime.date) -> list[Task]:
    """At REMINDER_RENEWAL_CALL_DAYS before the end, the manager calls about renewal."""
    days = settings.REMINDER_RENEWAL_CALL_DAYS
    memberships = (
        Membership.objects.filter(rules.member_q(on))
        .filter(end_date=on + datetime.timedelta(days=days), client__assigned_manager__isnull=False)
        .exclude(rules.renewed_within())
        .select_related("client", "plan", "client__assigned_manager")
    )
    tasks = []
    for membership in memberships:
        manager = membership.client.assigned_manager
        with override(settings.LANGUAGE_CODE):
            title = gettext("Call about renewal: %(plan)s ends %(date)s") % {
                "plan": membership.plan.name, "date": formats.date_format(membership.end_date, "SHORT_DATE_FORMAT"),
            }
        tasks.append(
            Task(
                client=membership.client, assigned_to=manager, kind=Task.Kind.RENEWAL_CALL,
                title=title, due_date=on, dedup_key=f"renewal-call:{membership.pk}:{membership.end_date}",
            )
        )
    return tasks


@produces_messages("renewal offers")
def renewal_offers(on: datetime.date) -> list[Notification]:
    """REMINDER_RENEWAL_OFFER_AFTER_DAYS after a card (not cancelled) ended without renewal."""
    ended_on = on - datetime.timedelta(days=settings.REMINDER_RENEWAL_OFFER_AFTER_DAYS)
    memberships = (
        Membership.objects.filter(rules.not_cancelled_q(), end_date=ended_on)
        .exclude(rules.renewed_within())
        .select_related("client", "plan")
    )
    return [
        Pending(f"renewal-offer:{membership.pk}:{membership.end_date}", partial(
            message_for_client,
            client=membership.client,
            kind=kinds.RENEWAL_OFFER,
            dedup_key=f"renewal-offer:{membership.pk}:{membership.end_date}",
            template="renewal_offer",
            context={"membership": card_shared(membership)},
            personal={},
            client_fields=("first_name",),
            related=membership,
        ))
        for membership in memberships
    ]


@produces_messages("visits running out")
def visit_pack_messages(on: datetime.date) -> list[Notification]:
    """Once, when a membership with a visit limit has REMINDER_VISITS_LEFT visits left."""
    left = settings.REMINDER_VISITS_LEFT
    memberships = (
        rules.running_on(on)
        .filter(visit_limit__isnull=False)
        .annotate(left=F("visit_limit") - F("visits_used"))
        .filter(left=left)
        .exclude(rules.renewed_within())
        .select_related("client", "plan")
    )
    return [
        Pending(f"visits-left:{membership.pk}:{left}", partial(
            message_for_client,
            client=membership.client,
            kind=kinds.VISIT_PACK,
            dedup_key=f"visits-left:{membership.pk}:{left}",
            template="visit_pack",
            context={"left": left},
            personal={"membership.card_number": str(membership.card_number)},
            client_fields=("first_name",),
            related=membership,
        ))
        for membership in memberships
    ]


def birthday_clients(on: datetime.date):
    """Clients whose birthday is ``on`` (``rules.birthday_q``)."""
    return Client.objects.filter(rules.birthday_q(on))


@produces_messages("birthdays")
def birthday_messages(on: datetime.date) -> list[Notification]:
    return [
        Pending(f"birthday:{client.pk}:{on.year}", partial(
            message_for_client,
            client=client,
            kind=kinds.BIRTHDAY,
            dedup_key=f"birthday:{client.pk}:{on.year}",
            template="birthday",
            context={},
            personal={},
            client_fields=("first_name",),
            related=client,
        ))
        for client in birthday_clients(on)
    ]


@produces_tasks("onboarding touchpoints")
def onboarding_tasks(on: datetime.date) -> list[Task]:
    """Follow-ups for a new client's manager on days 3, 14 and 30 after the first visit."""
    tasks = []
    days_list = settings.REMINDER_ONBOARDING_DAYS
    if not days_list:
        return tasks
    earliest, _end = day_bounds(on - datetime.timedelta(days=max(days_list)))
    _start, latest = day_bounds(on - datetime.timedelta(days=min(days_list)))
    # One statement: the clients who came in the window, with their first visit ever.
    first_visit = Visit.objects.attended().filter(client=OuterRef("pk")).order_by("checked_in_at").values("checked_in_at")[:1]
    clients = (
        Client.objects.filter(
            assigned_manager__isnull=False,
            pk__in=Visit.objects.attended().filter(checked_in_at__gte=earliest, checked_in_at__lt=latest)
            .values("client_id"),
        )
        .annotate(first=Subquery(first_visit))
        .filter(first__gte=earliest, first__lt=latest)
        .select_related("assigned_manager")
    )
    for client in clients:
        day = (on - timezone.localdate(client.first)).days
        if day not in days_list:
            continue
        with override(settings.LANGUAGE_CODE):
            title = gettext("Onboarding: day %(day)d after the first visit") % {"day": day}
        tasks.append(
            Task(
                client=client, assigned_to=client.assigned_manager, kind=Task.Kind.ONBOARDING,
                title=title, due_date=on, dedup_key=f"onboarding:{client.pk}:{day}",
            )
        )
    return tasks


@produces_tasks("lapsed clients")
def lapsed_tasks(on: datetime.date) -> list[Task]:
    """A lapsed client (``rules.lapsed_q``: no visit for LAPSED_DAYS while a card runs): a task
    for the manager (never a message to the client). Once per lapse: a new visit starts a new one.

    A lapse lasts many days, so most lapsed clients already have their task: the statement
    leaves them out by the task's dedup key (``lapsed:<client>:<last visit's club-local day>``,
    computed in SQL the way ``lapse_key`` computes it), and reads ids only, so a day's cost
    follows its new lapses, not the club's lapsed clients."""
    from .selectors import last_visit_subquery

    day_of_last_visit = Coalesce(Cast(TruncDate("last_visit"), CharField()), Value("never"))
    clients = (
        Client.objects.filter(rules.lapsed_q(on))
        .filter(assigned_manager__isnull=False)
        .annotate(last_visit=last_visit_subquery())
        .annotate(key=Concat(Value("lapsed:"), Cast("pk", CharField()), Value(":"), day_of_last_visit,
                             output_field=CharField()))
        .exclude(Exists(Task.objects.filter(dedup_key=OuterRef("key"))))
        .values_list("pk", "assigned_manager_id", "last_visit")
    )
    with override(settings.LANGUAGE_CODE):
        days = rules.LAPSED_DAYS
        title = ngettext(
            "No visits for %(days)d day: call the client", "No visits for %(days)d days: call the client", days
        ) % {"days": days}
    return [
        Task(
            client_id=client_id, assigned_to_id=manager_id, kind=Task.Kind.LAPSED,
            title=title, due_date=on, dedup_key=lapse_key(client_id, last_visit),
        )
        for client_id, manager_id, last_visit in clients
    ]


def lapse_key(client_id: int, last_visit: datetime.datetime | None) -> str:
    """The dedup key of a lapse: the client and their last visit's club-local day."""
    return f"lapsed:{client_id}:{timezone.localdate(last_visit).isoformat() if last_visit else 'never'}"
