"""Building a client's program, running it, printing it; specialists' own sessions."""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.capabilities import ACCOMPANY_CLIENTS, DELIVER_SESSIONS, requires
from core.dates import day_start
from clients.access import local_next_url, visible_client_or_404
from clients.selectors import clients_visible_to
from clients.services import health_data_opened
from core.forms import apply_service_errors
from staff.models import StaffMember

from . import scheduling, services, vocabulary
from .feed import my_feed_url
from .forms import ProgramForm, ProgramItemFormSet, SessionCancelForm, SessionMoveForm
from .models import Program, ProgramItem, ProgramTemplate, Session
from .selectors import programs_visible_to, sessions_of_specialist, sessions_visible_to

MY_SESSIONS_PER_PAGE = 30


def _visible_program_or_404(user, pk) -> Program:
    items = ProgramItem.objects.select_related("service", "specialist").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.select_related("specialist", "room"))
    )
    return get_object_or_404(
        programs_visible_to(user)
        .select_related("client", "manager", "template")
        .prefetch_related(Prefetch("items", queryset=items), "client__contraindications"),
        pk=pk,
    )


@requires(ACCOMPANY_CLIENTS)
def program_create(request, client_pk):
    """Build a program from a template (?template=ID prefills the lines) or from scratch."""
    client = visible_client_or_404(request.user, client_pk)
    template = None
    template_id = request.GET.get("template") or request.POST.get("template")
    if template_id and str(template_id).isdecimal():
        template = ProgramTemplate.objects.filter(pk=template_id, is_active=True).first()
    if request.method == "POST":
        form = ProgramForm(request.POST)
        formset = ProgramItemFormSet(request.POST, prefix="items", client=client)
        if form.is_valid() and formset.is_valid():
            lines = [
                (line_form, services.ItemDraft(
                    service=line["service"],
                    specialist=line["specialist"],
                    sessions_count=line["sessions_count"],
                    sessions_per_week=line["sessions_per_week"],
                    notes=line["notes"],
                    override_reason=line["override_reason"],
                ))
                for line_form in formset.forms
                if (line := line_form.cleaned_data) and not line.get("DELETE")
            ]
            drafts = [draft for _form, draft in lines]
            for line_form, draft in lines:
                for field, message in services.item_errors(client, draft).items():
                    line_form.add_error(field, message)
            if not drafts:
                form.add_error(None, _("Add at least one service to the program."))
        if form.is_valid() and formset.is_valid():
            try:
                program = services.program_create(
                    client=client,
                    manager=request.user,
                    name=form.cleaned_data["name"],
                    start_date=form.cleaned_data["start_date"],
                    template=form.cleaned_data["template"],
                    goal=form.cleaned_data["goal"],
                    notes=form.cleaned_data["notes"],
                    items=drafts,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Program “%(name)s” saved as a draft.") % {"name": program.name})
                return redirect("programs:detail", program.pk)
    else:
        initial = {"start_date": timezone.localdate(), "name": template.name if template else ""}
        if template:
            initial["template"] = template.pk
            initial["goal"] = template.goal
        form = ProgramForm(initial=initial)
        lines = services.template_drafts(template) if template else [{}]
        formset = ProgramItemFormSet(prefix="items", initial=lines, client=client)
    health_data_opened(user=request.user, clients=[client], place=vocabulary.PROGRAM_BUILDER)
    return render(
        request,
        "programs/program_form.html",
        {
            "client": client,
            "form": form,
            "formset": formset,
            "templates": ProgramTemplate.objects.filter(is_active=True),
            "template": template,
        },
    )


@requires(ACCOMPANY_CLIENTS)
def program_detail(request, pk):
    """The program; its lines show why a contraindicated service went ahead (health data)."""
    program = _visible_program_or_404(request.user, pk)
    health_data_opened(user=request.user, clients=[program.client_id], place=vocabulary.PROGRAM_PAGE)
    return render(
        request,
        "programs/program_detail.html",
        {"program": program, "client": program.client, "today": timezone.localdate(), "now": timezone.now()},
    )


@requires(ACCOMPANY_CLIENTS)
def program_print(request, pk):
    """The program on paper for the client, with a QR code that connects their Telegram chat to
    the card (a fresh single-use start link) while it is not connected yet."""
    program = _visible_program_or_404(request.user, pk)
    client = program.client
    telegram_url = ""
    if settings.TELEGRAM_BOT_USERNAME and not client.telegram_chat_id and client.erased_at is None:
        from clients.messaging.telegram import start_url
        from clients.services import telegram_link_issue

        _link, token = telegram_link_issue(client=client, by=request.user)
        telegram_url = start_url(token)
    return render(request, "programs/program_print.html",
                  {"program": program, "client": client, "telegram_url": telegram_url})


@require_POST
@requires(ACCOMPANY_CLIENTS)
def program_status(request, pk):
    program = _visible_program_or_404(request.user, pk)
    try:
        program = services.program_set_status(
            program=program, status=request.POST.get("status", ""), user=request.user
        )
    except (ValidationError, ValueError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else _("Unknown status.")
        messages.error(request, text)
    else:
        messages.success(request, _("The program is now %(status)s.") % {"status": program.get_status_display().lower()})
        if program.status == Program.Status.ACTIVE:  # the proposal, to adjust and confirm on the calendar
            return redirect(f"{reverse('programs:calendar')}?program={program.pk}")
    return redirect("programs:detail", pk)


@require_POST
@requires(ACCOMPANY_CLIENTS, DELIVER_SESSIONS)
def session_mark(request, pk):
    """The session's specialist, or someone who sees the client, marks a session."""
    session = get_object_or_404(
        sessions_visible_to(request.user).select_related("item__program__client", "specialist"), pk=pk
    )
    user = request.user
    own = session.specialist is not None and session.specialist.user_id == user.pk
    try:
        services.session_mark(session=session, status=request.POST.get("status", ""), user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Session marked %(status)s.") % {"status": session.get_status_display().lower()})
    next_url = local_next_url(request)
    if next_url:
        return redirect(next_url)
    if own:
        return redirect("programs:my-sessions")
    return redirect("programs:detail", session.item.program_id)


@requires(ACCOMPANY_CLIENTS)
def session_change(request, pk):
    """Move a planned session to another time, or cancel it with the reason
    (``programs.scheduling``): a refusal says which session is in the way, and the free slots
    nearby are offered as buttons that move it there."""
    session = get_object_or_404(
        sessions_visible_to(request.user).select_related("item__service", "item__program__client", "specialist",
                                                         "room"),
        pk=pk, item__program__client__in=clients_visible_to(request.user),
    )
    if session.status != Session.Status.PLANNED:
        messages.error(request, _("Only a planned session can be moved."))
        return redirect("programs:detail", session.item.program_id)
    move, cancel, alternatives = SessionMoveForm(prefix="move"), SessionCancelForm(prefix="cancel"), []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            cancel = SessionCancelForm(request.POST, prefix="cancel")
            if cancel.is_valid():
                try:
                    scheduling.session_cancel(session=session, reason=cancel.cleaned_data["reason"], user=request.user)
                except ValidationError as error:
                    apply_service_errors(cancel, error)
                else:
                    messages.success(request, _("The session is cancelled."))
                    return redirect("programs:detail", session.item.program_id)
        else:
            move = SessionMoveForm(request.POST, prefix="move")
            if move.is_valid():
                try:
                    moved = scheduling.session_move(session=session, start=move.cleaned_data["start"],
                                                    user=request.user)
                except scheduling.Refusal as refusal:
                    move.add_error("start", refusal.reason)
                    alternatives = refusal.alternatives
                except ValidationError as error:
                    apply_service_errors(move, error)
                else:
                    messages.success(request, _("The session is moved to %(when)s.") % {
                        "when": formats.date_format(timezone.localtime(moved.scheduled_at), "SHORT_DATETIME_FORMAT")})
                    return redirect("programs:detail", session.item.program_id)
    return render(request, "programs/session_change.html", {
        "session": session, "move": move, "cancel": cancel, "alternatives": alternatives,
    })


@requires(DELIVER_SESSIONS)
def my_sessions(request):
    """A specialist's sessions by day (today first, then the days after; the past the other way
    round), a page at a time: clients' names, health flags, the items they deliver and the room,
    never contact details. Done or missed can be marked once a session has started. The private
    calendar feed's address (``programs.feed``) to copy or reset."""
    staff_member = StaffMember.objects.filter(user=request.user).select_related("calendar_feed").first()
    if staff_member is None:
        raise PermissionDenied
    today = timezone.localdate()
    show = request.GET.get("show", "upcoming")
    sessions = sessions_of_specialist(staff_member)
    start_of_today = day_start(today)
    if show == "past":
        sessions = sessions.filter(scheduled_at__lt=start_of_today).reverse()
    else:
        show = "upcoming"
        sessions = sessions.filter(scheduled_at__gte=start_of_today)
    page = Paginator(sessions, MY_SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    health_data_opened(
        user=request.user, clients=[s.item.program.client_id for s in page],
        place=vocabulary.MY_SESSIONS,
    )
    days = [(day, list(group)) for day, group in groupby(page, key=lambda s: timezone.localdate(s.scheduled_at))]
    return render(request, "programs/my_sessions.html", {
        "days": days, "page": page, "query_string": f"show={show}", "staff_member": staff_member, "show": show,
        "today": today, "now": timezone.now(), "feed_url": my_feed_url(staff_member),
    })
