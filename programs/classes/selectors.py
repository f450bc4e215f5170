"""The reads of group classes that pages share (the timetable, a class's roster, the client's
card) and the calendar's contract: ``occurrences_between``. Each runs a fixed number of queries
whatever the number of classes and bookings."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import ClassBooking, ClassOccurrence


def occurrences_between(start: datetime.datetime, end: datetime.datetime, *, department=None) -> QuerySet:
    """The occurrences starting in [start, end) (cancelled ones too: ``cancelled`` says), by time,
    with their class, service, specialist and room, and ``booked`` (places taken: booked or
    marked) / ``waiting`` counts; one query.
    ``department``: a department (or its pk) whose services' classes only."""
    rows = ClassOccurrence.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if department is not None:
        rows = rows.filter(group_class__service__department=department)
    return (rows.select_related("group_class__service__department", "specialist", "room")
            .annotate(booked=Count("bookings", filter=Q(bookings__status__in=ClassBooking.TAKEN)),
                      waiting=Count("bookings", filter=Q(bookings__status=ClassBooking.Status.WAITLISTED)))
            .order_by("starts_at", "pk"))


def places_left(occurrence) -> int:
    """From an occurrence of ``occurrences_between`` (its ``booked`` count)."""
    return max(occurrence.group_class.capacity - occurrence.booked, 0)


def occurrence_for_page(pk) -> ClassOccurrence:
    """One occurrence with its counts and its roster (booked first, then the waiting list by turn);
    two queries."""
    roster = (ClassBooking.objects.filter(status__in=ClassBooking.HOLDING + ClassBooking.MARKED)
              .select_related("client__assigned_manager", "membership")
              .order_by("-status", "waitlist_position", "created_at", "pk"))
    return (occurrences_between(datetime.datetime.min.replace(tzinfo=datetime.timezone.utc),
                                datetime.datetime.max.replace(tzinfo=datetime.timezone.utc))
            .prefetch_related(Prefetch("bookings", queryset=roster, to_attr="roster")).get(pk=pk))


def upcoming_bookings_for_client(client, *, now: datetime.datetime) -> QuerySet:
    """The client's places and turns in classes still to come (one query)."""
    return (ClassBooking.objects.filter(client=client, status__in=ClassBooking.HOLDING,
                                        occurrence__starts_at__gte=now, occurrence__cancelled=False)
            .select_related("occurrence__group_class__service", "occurrence__specialist", "occurrence__room")
            .order_by("occurrence__starts_at", "pk"))


def places_unconfirmed_on(day: datetime.date, clients) -> QuerySet:
    """The booked places in classes (not cancelled) on the club-local ``day`` of ``clients`` the
    client has not confirmed (the manager's "tomorrow, not confirmed" on Today), by time."""
    from core.dates import day_bounds

    start, end = day_bounds(day)
    return (ClassBooking.objects.filter(status=ClassBooking.Status.BOOKED, confirmed_at__isnull=True,
                                        client__in=clients, occurrence__cancelled=False,
                                        occurrence__starts_at__gte=start, occurrence__starts_at__lt=end)
            .select_related("client", "occurrence__group_class__service", "occurrence__specialist")
            .order_by("occurrence__starts_at", "pk"))
