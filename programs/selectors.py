"""Read queries about programs and sessions."""

from django.db.models import Prefetch, Q, QuerySet

from clients.selectors import clients_visible_to
from core.capabilities import ACCOMPANY_CLIENTS, DELIVER_SESSIONS, can

from .models import Program, ProgramItem, Session


def programs_visible_to(user) -> QuerySet[Program]:
    """Programs of the clients the user accompanies (a manager: their own clients)."""
    if not can(user, ACCOMPANY_CLIENTS):
        return Program.objects.none()
    return Program.objects.filter(client__in=clients_visible_to(user))


def sessions_visible_to(user) -> QuerySet[Session]:
    """Sessions of the programs the user sees, and a specialist's own sessions."""
    visible = Q(pk__in=[])
    if can(user, ACCOMPANY_CLIENTS):
        visible |= Q(item__program__client__in=clients_visible_to(user))
    if can(user, DELIVER_SESSIONS):
        visible |= Q(specialist__user=user)
    return Session.objects.filter(visible)


def programs_for_card(client) -> list[Program]:
    """The client's programs, the active one first, with items, specialists and sessions."""
    sessions = Session.objects.select_related("specialist", "room").order_by("scheduled_at")
    items = ProgramItem.objects.select_related("service", "specialist").prefetch_related(
        Prefetch("sessions", queryset=sessions)
    )
    programs = list(
        client.programs.select_related("manager", "template").prefetch_related(
            Prefetch("items", queryset=items)
        )
    )
    order = {Program.Status.ACTIVE: 0, Program.Status.DRAFT: 1}
    programs.sort(key=lambda p: (order.get(p.status, 2), -p.start_date.toordinal()))
    return programs


def sessions_of_specialist(staff_member) -> QuerySet[Session]:
    """A specialist's sessions with what they may know of the client (never contacts)."""
    return (
        Session.objects.filter(specialist=staff_member)
        .select_related("item__service", "item__program__client", "room")
        .prefetch_related("item__program__client__contraindications")
        .order_by("scheduled_at")
    )


def sessions_upcoming_for(client, now=None, limit: int = 10) -> QuerySet[Session]:
    """The client's planned sessions still to come, soonest first (the client's own view: the
    service, the time and the specialist's first name; nothing about anybody else)."""
    from django.utils import timezone

    return (
        Session.objects.filter(item__program__client=client, status=Session.Status.PLANNED,
                               scheduled_at__gt=now or timezone.now())
        .select_related("item__service", "specialist")
        .order_by("scheduled_at", "id")[:limit]
    )


def sessions_of_the_day(day, clients) -> QuerySet[Session]:
    """The sessions booked on the club-local ``day`` for ``clients`` (the front desk's "who is
    booked today"), by time, with the client, the service and the specialist; cancelled ones
    aside. (Group classes will join this list when the schedule has them.)"""
    from core.dates import day_bounds

    start, end = day_bounds(day)
    return (
        Session.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end, item__program__client__in=clients)
        .exclude(status__in=Session.FREED)
        .select_related("item__service", "item__program__client", "specialist")
        .order_by("scheduled_at", "id")
    )


def sessions_unconfirmed_on(day, clients) -> QuerySet[Session]:
    """The planned sessions on the club-local ``day`` of ``clients`` the client has not confirmed
    (the manager's "tomorrow, not confirmed" on Today), by time."""
    from core.dates import day_bounds

    start, end = day_bounds(day)
    return (
        Session.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end, client__in=clients,
                               status=Session.Status.PLANNED, confirmed_at__isnull=True)
        .select_related("item__service", "client", "specialist")
        .order_by("scheduled_at", "id")
    )
