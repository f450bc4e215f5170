"""Group classes' pages: the week's timetable, a class with its roster (booking and cancelling),
and the client card's section (``templates/programs/classes/card_section.html``).

Who sees whose names on a roster (``roster_for``): whoever sees every client, all of them; a
manager, their own clients' (the rest as a count); the class's own specialist, the names (never
contacts); other specialists, the counts only."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clients.selectors import client_search_q, clients_visible_to
from core.capabilities import ACCOMPANY_CLIENTS, DELIVER_SESSIONS, SEE_ALL_CLIENTS, WORK_WITH_CLIENTS, can, requires
from core.dates import days_bounds
from core.forms import apply_service_errors
from staff.models import Department, StaffMember

from . import services
from .forms import ClassBookForm, ClassCancelForm
from .models import ClassBooking
from .selectors import occurrence_for_page, occurrences_between, places_left

BOOK = (ACCOMPANY_CLIENTS, WORK_WITH_CLIENTS)
SEARCH_ROWS = 10


def _books(user) -> bool:
    return any(can(user, capability) for capability in BOOK)


@requires(*BOOK, DELIVER_SESSIONS)
def timetable(request):
    """The week's classes (?week=<any day of it>), by day, with places left and the waiting list;
    ?department=<pk> narrows them to one department's."""
    day = parse_date(request.GET.get("week") or "") or timezone.localdate()
    monday = day - datetime.timedelta(days=day.weekday())
    departments = list(Department.objects.filter(is_active=True).order_by("name"))
    department = next((d for d in departments if str(d.pk) == request.GET.get("department")), None)
    start, end = days_bounds(monday, monday + datetime.timedelta(days=6))
    occurrences = list(occurrences_between(start, end, department=department))
    days = []
    for offset in range(7):
        date = monday + datetime.timedelta(days=offset)
        rows = [o for o in occurrences if timezone.localtime(o.starts_at).date() == date]
        for occurrence in rows:
            occurrence.places_left = places_left(occurrence)
        days.append((date, rows))
    return render(request, "programs/classes/timetable.html", {
        "days": days, "monday": monday, "departments": departments, "department": department,
        "previous": monday - datetime.timedelta(days=7), "next": monday + datetime.timedelta(days=7),
        "sunday": monday + datetime.timedelta(days=6),
        "today": timezone.localdate(),
    })


@dataclass
class Roster:
    booked: list
    waiting: list
    hidden_booked: int
    hidden_waiting: int
    names: bool


def roster_for(user, occurrence) -> Roster:
    """The class's roster as ``user`` may see it (the module's docstring); one query at most."""
    rows = occurrence.roster
    if can(user, SEE_ALL_CLIENTS):
        shown = {b.client_id for b in rows}
    elif can(user, ACCOMPANY_CLIENTS) or can(user, WORK_WITH_CLIENTS):
        ids = [b.client_id for b in rows]
        shown = set(clients_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    else:
        own = StaffMember.objects.filter(user=user, pk=occurrence.specialist_id).exists()
        shown = {b.client_id for b in rows} if own else set()
    booked = [b for b in rows if b.status in ClassBooking.TAKEN]
    waiting = [b for b in rows if b.status == ClassBooking.Status.WAITLISTED]
    return Roster(booked=[b for b in booked if b.client_id in shown],
                  waiting=[b for b in waiting if b.client_id in shown],
                  hidden_booked=sum(1 for b in booked if b.client_id not in shown),
                  hidden_waiting=sum(1 for b in waiting if b.client_id not in shown),
                  names=bool(shown))


def _occurrence_page(request, pk, *, form=None, **extra):
    occurrence = get_object_or_404_occurrence(pk)
    occurrence.places_left = places_left(occurrence)
    query = (request.GET.get("q") or "").strip()
    found = []
    if query and _books(request.user):
        found = list(clients_visible_to(request.user).filter(client_search_q(query), erased_at__isnull=True)
                     .order_by("last_name", "first_name", "pk")[:SEARCH_ROWS])
    now = timezone.now()
    return render(request, "programs/classes/occurrence.html", {
        "occurrence": occurrence, "roster": roster_for(request.user, occurrence), "can_book": _books(request.user),
        "closes_at": services.booking_closes_at(occurrence), "now": now,
        "open": not occurrence.cancelled and now < services.booking_closes_at(occurrence),
        "query": query, "found": found, "form": form or ClassBookForm(),
        "marking": not occurrence.cancelled and occurrence.starts_at <= now and services.may_mark(request.user, occurrence),
        "cancels": not occurrence.cancelled and now < occurrence.starts_at and services.runs_classes(request.user),
        "open_for_cancel": now < occurrence.starts_at,
        **extra,
    })


def get_object_or_404_occurrence(pk):
    from django.http import Http404

    from .models import ClassOccurrence

    try:
        return occurrence_for_page(pk)
    except ClassOccurrence.DoesNotExist:
        raise Http404 from None


@requires(*BOOK, DELIVER_SESSIONS)
def occurrence_detail(request, occurrence_pk):
    """One class: when, who, where, places left, the roster and the waiting list; booking."""
    return _occurrence_page(request, occurrence_pk)


@require_POST
@requires(*BOOK)
def occurrence_book(request, occurrence_pk):
    """Book the client (one the user sees) into the class, or onto its waiting list."""
    occurrence = get_object_or_404_occurrence(occurrence_pk)
    form = ClassBookForm(request.POST)
    if form.is_valid():
        client = clients_visible_to(request.user).filter(pk=form.cleaned_data["client"]).first()
        if client is None:
            form.add_error("client", _("Find the client and press “Book”."))
        else:
            try:
                booking = services.class_book(occurrence=occurrence, client=client, user=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if booking.status == ClassBooking.Status.BOOKED:
                    messages.success(request, _("%(client)s is booked.") % {"client": client.full_name})
                else:
                    messages.warning(request, _("The class is full: %(client)s is on the waiting list, turn "
                                                "%(turn)s.") % {"client": client.full_name,
                                                                 "turn": booking.waitlist_position})
                return redirect("programs:class-occurrence", occurrence.pk)
    return _occurrence_page(request, occurrence_pk, form=form)


@requires(*BOOK)
def booking_cancel(request, booking_pk):
    """Cancel a client's place or turn (a client the user sees), with the reason."""
    booking = get_object_or_404(
        ClassBooking.objects.filter(client__in=clients_visible_to(request.user))
        .select_related("client", "occurrence__group_class__service", "occurrence__specialist", "occurrence__room"),
        pk=booking_pk)
    form = ClassCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.class_cancel(booking=booking, reason=form.cleaned_data["cancel_reason"], user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The booking is cancelled."))
            return redirect("programs:class-occurrence", booking.occurrence_id)
    return render(request, "programs/classes/cancel.html", {"booking": booking, "form": form})


@require_POST
@requires(SEE_ALL_CLIENTS, DELIVER_SESSIONS)
def booking_mark(request, booking_pk):
    """Mark a booked client attended or no-show (the front desk, the class's specialist: the
    bookings of their own classes only)."""
    bookings = ClassBooking.objects.all()
    if not services.runs_classes(request.user):
        bookings = bookings.filter(occurrence__specialist__user=request.user)
    booking = get_object_or_404(bookings, pk=booking_pk)
    try:
        services.class_mark(booking=booking, status=request.POST.get("status", ""), user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked."))
    return redirect("programs:class-occurrence", booking.occurrence_id)


@requires(SEE_ALL_CLIENTS)
def occurrence_cancel(request, occurrence_pk):
    """Cancel the whole dated class with the reason (the front desk, the director)."""
    occurrence = get_object_or_404_occurrence(occurrence_pk)
    form = ClassCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.class_occurrence_cancel(occurrence=occurrence, reason=form.cleaned_data["cancel_reason"],
                                                    user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, ngettext("The class is cancelled; %(n)s client is told.",
                                               "The class is cancelled; %(n)s clients are told.", told) % {"n": told})
            return redirect("programs:class-occurrence", occurrence.pk)
    return render(request, "programs/classes/cancel_class.html", {"occurrence": occurrence, "form": form})
