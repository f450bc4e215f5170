"""The calendar: day and week views with a column per specialist or per room, the feed it reads,
and its actions — drag to move or resize a session, book a single session on an empty slot,
cancel one with the reason, confirm a program's plan. Every write goes through
``programs.scheduling`` / ``programs.services`` (the same rules as every other door); a refusal
answers 409 with the reason, which names the session in the way and the free slots nearby, and
the calendar puts the session back. Reads are ``programs.calendar``."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_GET, require_POST

from clients.selectors import clients_visible_to
from core.capabilities import ACCOMPANY_CLIENTS, DELIVER_SESSIONS, PLAN_SCHEDULE, can, requires
from staff.models import Department, OpeningHours, Room, Service, StaffMember
from staff.rules import not_provided_message, provides

from . import scheduling, services
from .calendar import (
    BY_ROOMS, BY_SPECIALISTS, DAY, WEEK, calendar_feed, calendar_filter, own_staff_member, specialists_of,
)
from .forms import CalendarBookForm, CalendarMoveForm, SessionCancelForm
from .models import Session
from .selectors import programs_visible_to

CLIENT_MATCHES = 10  # clients offered by the booking form's search


def _payload(request) -> dict:
    """The posted fields: a JSON body (the calendar's fetch) or a form."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST.dict()


def _form_errors(form) -> JsonResponse:
    errors = {field: [str(m) for m in field_errors] for field, field_errors in form.errors.items()}
    return JsonResponse({"error": " ".join(m for ms in errors.values() for m in ms), "errors": errors}, status=400)


def _refused(error: ValidationError) -> JsonResponse:
    if isinstance(error, scheduling.Refusal):
        return JsonResponse({"error": error.reason}, status=409)
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return JsonResponse({"error": " ".join(m for ms in errors.values() for m in ms), "errors": errors}, status=400)


def _plannable_session_or_404(user, pk) -> Session:
    """A session of a client the user sees (a manager: their own clients)."""
    return get_object_or_404(
        Session.objects.select_related("item__service", "specialist", "room"),
        pk=pk, client__in=clients_visible_to(user),
    )


def _texts() -> dict:
    return {
        "today": _("Today"), "day": _("Day"), "week": _("Week"), "allDay": _("All day"),
        "prevDay": _("Previous day"), "nextDay": _("Next day"), "prevWeek": _("Previous week"),
        "nextWeek": _("Next week"),
        "moved": _("The session is moved."), "booked": _("The session is booked."),
        "cancelled": _("The session is cancelled."), "failed": _("The server did not answer; nothing was changed."),
        "busy": _("Busy"), "room": _("Room"), "specialist": _("Specialist"), "status": _("Status"),
        "confirmed": _("Confirmed by the client"), "notes": _("What to deliver"),
        "noEvents": _("No sessions"),
    }


def _hours_span() -> tuple[str, str]:
    """The rows the calendar shows: from the earliest opening to the latest closing (07–22 when
    the club's hours are not kept)."""
    rows = list(OpeningHours.objects.values_list("opens_at", "closes_at"))
    if not rows:
        return "07:00", "22:00"
    return min(r[0] for r in rows).strftime("%H:00"), max(r[1] for r in rows).strftime("%H:%M")


@requires(PLAN_SCHEDULE, DELIVER_SESSIONS)
def calendar(request):
    """The calendar page; the sessions come from ``calendar_events``. ``?program=`` shows a
    program's planned sessions highlighted, what could not be placed, and "Confirm plan"."""
    params = request.GET
    view = params.get("view") if params.get("view") in (DAY, WEEK) else WEEK
    may_plan = can(request.user, PLAN_SCHEDULE)
    by = params.get("by") if params.get("by") in (BY_SPECIALISTS, BY_ROOMS) and may_plan else BY_SPECIALISTS
    try:
        day = timezone.datetime.fromisoformat(params.get("date", "")).date()
    except ValueError:
        day = timezone.localdate()
    flt = calendar_filter(params)
    program = None
    if flt.program_id and can(request.user, PLAN_SCHEDULE):
        program = (programs_visible_to(request.user).filter(pk=flt.program_id)
                   .select_related("client").prefetch_related("items__service").first())
        if program and "date" not in params:
            planned = Session.objects.filter(item__program=program, status=Session.Status.PLANNED)
            first = (planned.filter(scheduled_at__gte=timezone.now()) or planned).order_by(
                "scheduled_at").values_list("scheduled_at", flat=True).first()
            day = timezone.localdate(first) if first else program.start_date
    client = None
    if flt.client_id and may_plan:
        client = clients_visible_to(request.user).filter(pk=flt.client_id).first()
    departments = list(Department.objects.order_by("name")) if may_plan else []
    if departments and "department" not in params:  # one department's week fits a laptop: the user's own, or the first
        own = own_staff_member(request.user)
        flt.department_id = own.department_id if own and own.department_id else departments[0].pk
    min_time, max_time = _hours_span()
    config = {
        "feed": reverse("programs:calendar-events"),
        "move": reverse("programs:calendar-move", kwargs={"session_pk": 0}),
        "cancel": reverse("programs:calendar-cancel", kwargs={"session_pk": 0}),
        "book": reverse("programs:calendar-book"),
        "clients": reverse("programs:calendar-clients"),
        "view": view, "date": day.isoformat(), "by": by,
        "department": flt.department_id, "program": program.pk if program else None,
        "client": client.pk if client else None, "mine": flt.mine,
        "mayPlan": may_plan, "locale": get_language(), "slotMinTime": min_time, "slotMaxTime": max_time,
        "texts": _texts(),
    }
    services_list = []
    if may_plan:
        services_list = [{"id": s.pk, "name": s.name, "minutes": s.duration_minutes, "roomKind": s.room_kind,
                          "providers": [m.pk for m in s.staff_members.all()]}
                         for s in Service.objects.filter(is_active=True).prefetch_related("staff_members")]
    if may_plan and by == BY_ROOMS:  # the booking form's specialists: the department's, any of them
        config["specialists"] = [{"id": m.pk, "name": f"{m.first_name} {m.last_name}"}
                                 for m in specialists_of(flt.department_id)]
    query = {"view": view, "date": day.isoformat(), "by": by}
    return render(request, "programs/calendar.html", {
        "config": config, "services": services_list, "departments": departments, "flt": flt, "view": view,
        "by": by, "day": day, "program": program, "client": client, "may_plan": may_plan,
        "cancel_form": SessionCancelForm(prefix="cancel"), "query": query,
        "by_choices": [(BY_SPECIALISTS, _("By specialist")), (BY_ROOMS, _("By room"))],
        "nav": {"item": "calendar"},
    })


@require_GET
@requires(PLAN_SCHEDULE, DELIVER_SESSIONS)
def calendar_events(request):
    """The columns and the sessions of ``start``–``end`` (``programs.calendar.calendar_feed``)."""
    flt = calendar_filter(request.GET)
    if flt.errors:
        return JsonResponse({"error": " ".join(flt.errors.values()), "errors": flt.errors}, status=400)
    return JsonResponse(calendar_feed(request.user, flt))


@require_POST
@requires(PLAN_SCHEDULE)
def calendar_move(request, session_pk):
    """A session dragged to another time or column, or resized: ``session_move`` checks it."""
    session = _plannable_session_or_404(request.user, session_pk)
    data = _payload(request)
    form = CalendarMoveForm(data)
    if not form.is_valid():
        return _form_errors(form)
    specialist = room = None
    resource = form.cleaned_data["resource"]
    if resource and data.get("by") == BY_ROOMS:
        room = Room.objects.filter(pk=resource, is_active=True).first()
        if room is None:
            return JsonResponse({"error": _("This room is not in use.")}, status=400)
    elif resource and resource != session.specialist_id:
        specialist = StaffMember.objects.filter(pk=resource, is_active=True).prefetch_related("services").first()
        if specialist is None:
            return JsonResponse({"error": _("This specialist does not work at the club.")}, status=400)
        if not provides(specialist, session.item.service):
            return JsonResponse({"error": not_provided_message(specialist, session.item.service)}, status=409)
    try:
        moved = scheduling.session_move(session=session, start=form.cleaned_data["start"], user=request.user,
                                        specialist=specialist, room=room,
                                        minutes=form.minutes)
    except ValidationError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "message": _("The session is moved to %(when)s.") % {
        "when": formats.date_format(timezone.localtime(moved.scheduled_at), "SHORT_DATETIME_FORMAT")}})


@require_POST
@requires(PLAN_SCHEDULE)
def calendar_cancel(request, session_pk):
    """Cancel a session from the calendar with the reason (``session_cancel``: late-cancel rules)."""
    session = _plannable_session_or_404(request.user, session_pk)
    form = SessionCancelForm(_payload(request))
    if not form.is_valid():
        return _form_errors(form)
    try:
        cancelled = scheduling.session_cancel(session=session, reason=form.cleaned_data["reason"], user=request.user)
    except ValidationError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "message": _("The session is cancelled (%(status)s).") % {
        "status": cancelled.get_status_display().lower()}})


@require_POST
@requires(PLAN_SCHEDULE)
def calendar_book(request):
    """Book a single session on an empty slot (``services.session_book_single``): in the clicked
    room by room, in a free room of the kind the service needs by specialist."""
    form = CalendarBookForm(_payload(request), clients=clients_visible_to(request.user))
    if not form.is_valid():
        return _form_errors(form)
    data = form.cleaned_data
    try:
        session = services.session_book_single(client=data["client"], service=data["service"],
                                               specialist=data["specialist"], start=data["start"],
                                               room=data["room"], user=request.user)
    except ValidationError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "session": session.pk, "message": _("%(service)s booked for %(client)s at %(when)s.") % {
        "service": data["service"], "client": data["client"],
        "when": formats.date_format(timezone.localtime(session.scheduled_at), "SHORT_DATETIME_FORMAT")}})


@require_GET
@requires(PLAN_SCHEDULE)
def calendar_clients(request):
    """Clients the user sees whose name matches ``q`` (the booking form's search), by name."""
    words = request.GET.get("q", "").split()[:3]
    found = clients_visible_to(request.user).filter(erased_at__isnull=True)
    if not words:
        return JsonResponse({"clients": []})
    for word in words:
        found = found.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    found = found.order_by("last_name", "first_name", "pk")[:CLIENT_MATCHES]
    return JsonResponse({"clients": [{"id": c.pk, "name": c.full_name} for c in found]})


@require_POST
@requires(ACCOMPANY_CLIENTS)
def plan_confirm(request, pk):
    """"Confirm plan": the program's sessions stand as they are on the calendar."""
    program = get_object_or_404(programs_visible_to(request.user), pk=pk)
    try:
        services.program_confirm_plan(program=program, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan of “%(name)s” is confirmed.") % {"name": program.name})
    return redirect(calendar_url(program=pk))


def calendar_url(**params) -> str:
    """The calendar's address with the given filters (``program``, ``client``, ``date``…)."""
    return f"{reverse('programs:calendar')}?{urlencode({k: v for k, v in params.items() if v is not None})}"


__all__ = ["calendar", "calendar_book", "calendar_cancel", "calendar_clients", "calendar_events", "calendar_move",
           "calendar_url", "plan_confirm"]
