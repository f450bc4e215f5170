"""What group classes take, for the personal sessions' booking and slot finder
(``programs.scheduling``): a class occurrence not cancelled takes its specialist and its whole
room from its start until its end plus the buffer, and each client booked into it for the class."""

from django.db.models import Q

from .models import ClassBooking, ClassOccurrence


def occurrences_taking(*, start, end, specialist_ids=(), room_ids=()):
    """Occurrences (not cancelled) of these specialists or rooms overlapping [start, end)."""
    taken = Q(specialist__in=[pk for pk in specialist_ids if pk]) | Q(room__in=[pk for pk in room_ids if pk])
    return (ClassOccurrence.objects.filter(taken, cancelled=False, starts_at__lt=end, busy_until__gt=start)
            .select_related("group_class__service", "specialist", "room").order_by("starts_at", "pk"))


def bookings_taking(*, start, end, client_ids=()):
    """Places booked by these clients in classes (not cancelled) overlapping [start, end)."""
    return (ClassBooking.objects.filter(client__in=[pk for pk in client_ids if pk], status=ClassBooking.Status.BOOKED,
                                        occurrence__cancelled=False, occurrence__starts_at__lt=end,
                                        occurrence__ends_at__gt=start)
            .select_related("occurrence__group_class__service").order_by("occurrence__starts_at", "pk"))
