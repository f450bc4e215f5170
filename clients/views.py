"""Pages of the client workspace: the client list, client forms and the card's actions.

The client card itself is composed in accompaniment/views.py, since it shows programs,
feedback and sales as well.
"""

from django.contrib import messages
from django.db.models import CharField, ExpressionWrapper, F
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.capabilities import ACCOMPANY_CLIENTS, SEE_ALL_CLIENTS, WORK_WITH_CLIENTS, can, requires
from core.forms import apply_service_errors
from core.pagination import CountedPaginator
from . import health_data, services
from .access import local_next_url, visible_client_or_404
from .filters import ClientFilter
from .list_rows import client_rows
from .forms import (
    ClientForm,
    channel_warnings,
    FreezeForm,
    InteractionForm,
    MeasurementForm,
    TaskForm,
)
from .models import Interaction, Measurement, Membership, Task
from .selectors import (
    client_list_columns,
    clients_visible_to,
    managers_of_hidden_matches,
    tasks_visible_to,
    visible_clients_count,
)

PAGE_SIZE = 25
# What the client list shows of a client (``LIST_ROW``, read as named tuples, not as clients): the
# phone as stored (``phone_as_stored``), as text: the field would parse every row's number when it
# is read (``phone_link`` parses a number once); the manager's names beside the client's own
# columns (``LIST_MANAGER``), not as a user instance of each row; the card and the last visit
# (``selectors.client_list_columns``). The expressions are made once: ``annotate`` works on copies
# of them, which keep what Django works out about each.
LIST_MANAGER = {
    "manager_first_name": F("assigned_manager__first_name"),
    "manager_last_name": F("assigned_manager__last_name"),
    "manager_username": F("assigned_manager__username"),
}
PHONE_AS_STORED = ExpressionWrapper(F("phone"), output_field=CharField())
LIST_ROW = ("pk", "first_name", "last_name", "email", "stage", "assigned_manager_id", "phone_as_stored",
            *LIST_MANAGER, "membership_end", "membership_plan", "membership_card", "last_visit")


def _card(client) -> str:
    return reverse("client-card", args=[client.pk])


@requires(WORK_WITH_CLIENTS)
def client_list(request):
    today = timezone.localdate()
    queryset = (
        clients_visible_to(request.user)
        .annotate(phone_as_stored=PHONE_AS_STORED, **LIST_MANAGER, **client_list_columns(today))
        .order_by("last_name", "first_name", "id")
    )
    client_filter = ClientFilter(request.GET or None, queryset=queryset, user=request.user)
    valid = client_filter.is_bound and client_filter.is_valid()
    rows = client_filter.qs if valid else queryset
    # Unfiltered, the list holds every client the user sees: counted from the clients per
    # manager rather than row by row; a filter's rows are counted.
    narrowed = valid and any(
        value not in (None, "", False, [], ()) for name, value in client_filter.form.cleaned_data.items()
        if name not in ClientFilter.ORDER_ONLY
    )
    count = None if narrowed else visible_clients_count(request.user)
    rows = rows.values_list(*LIST_ROW, named=True)
    page = CountedPaginator(rows, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    searched = client_filter.form.cleaned_data.get("q", "") if valid else ""
    return render(
        request,
        "clients/client_list.html",
        {
            "filter": client_filter,
            "page": page,
            "rows": client_rows(page.object_list, today, show_manager=can(request.user, SEE_ALL_CLIENTS)),
            "other_managers": managers_of_hidden_matches(request.user, searched) if searched and not page.paginator.count else [],
            "query_string": query.urlencode(),
            "today": today,
            "show_manager": can(request.user, SEE_ALL_CLIENTS),
        },
    )


@requires(WORK_WITH_CLIENTS)
def client_create(request):
    form = ClientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        client = form.save(commit=False)
        if "assigned_manager" not in form.fields and can(request.user, ACCOMPANY_CLIENTS):
            client.assigned_manager = request.user
        try:
            services.client_save(
                client=client,
                contraindications=form.cleaned_data["contraindications"],
                user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Client %(name)s added.") % {"name": client.full_name})
            _warn_about_channels(request, client)
            return redirect(_card(client))
    return render(request, "clients/client_form.html", {"form": form, "title": _("New client")})


@requires(WORK_WITH_CLIENTS)
def client_edit(request, pk):
    client = visible_client_or_404(request.user, pk)
    form = ClientForm(request.POST or None, instance=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_save(
                client=form.save(commit=False),
                contraindications=form.cleaned_data["contraindications"],
                user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            _warn_about_channels(request, client)
            return redirect(_card(client))
    services.health_data_opened(user=request.user, clients=[client], place=health_data.CLIENT_FORM)
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": client, "title": _("Edit %(name)s") % {"name": client},
         "channel_warnings": channel_warnings(client) if not form.is_bound else []},
    )


def _warn_about_channels(request, client) -> None:
    for warning in channel_warnings(client):
        messages.warning(request, warning)


def _action_page(request, client, form, title, submit_label, extra=None):
    return render(
        request,
        "clients/action_form.html",
        {
            "client": client, "form": form, "title": title, "submit_label": submit_label,
            "next_url": local_next_url(request), **(extra or {}),
        },
    )


@requires(WORK_WITH_CLIENTS)
def membership_freeze(request, pk, membership_pk):
    client = visible_client_or_404(request.user, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("plan"), pk=membership_pk, client=client
    )
    left = membership.plan.max_freeze_days - services.freeze_days_used(membership)
    form = FreezeForm(
        request.POST or None, initial={"start_date": timezone.localdate(), "days": min(7, max(left, 1))}
    )
    if request.method == "POST" and form.is_valid():
        try:
            freeze = services.membership_freeze(
                membership=membership,
                start_date=form.cleaned_data["start_date"],
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            membership.refresh_from_db()
            messages.success(
                request,
                ngettext(
                    "Frozen for %(days)d day; the membership now ends on %(end)s.",
                    "Frozen for %(days)d days; the membership now ends on %(end)s.",
                    freeze.days,
                )
                % {"days": freeze.days, "end": formats.date_format(membership.end_date, "SHORT_DATE_FORMAT")},
            )
            return redirect(_card(client))
    return _action_page(
        request,
        client,
        form,
        _("Freeze membership %(card)s") % {"card": membership.card_number},
        _("Freeze"),
        {"note": _("Freeze days left on this membership: %(left)d.") % {"left": max(left, 0)}},
    )


@require_POST
@requires(WORK_WITH_CLIENTS)
def check_in(request, pk):
    """Check the client in on their card; a second check-in on the same card the same day asks
    "check in again?" first (the confirmation posts ``confirm=1``)."""
    client = visible_client_or_404(request.user, pk)
    try:
        visit = services.visit_check_in(
            client=client, user=request.user, again=request.POST.get("confirm") == "1"
        )
    except services.AlreadyCheckedIn as already:
        return render(request, "clients/check_in_again.html", {
            "client": client, "reason": already.message, "title": _("Check in again?"),
        })
    except ValidationError as error:
        messages.error(request, _("Check-in refused: %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        membership = visit.membership
        membership.refresh_from_db()
        left = membership.visits_left
        text = _("%(name)s checked in.") % {"name": client.full_name}
        if left is not None:
            text += " " + _("Visits left: %(left)d.") % {"left": left}
        messages.success(request, text)
    return redirect(_card(client))


@requires(ACCOMPANY_CLIENTS)
def interaction_create(request, pk):
    client = visible_client_or_404(request.user, pk)
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in Interaction.Kind.values else {}
    form = InteractionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.interaction_log(
                client=client,
                manager=request.user,
                kind=data["kind"],
                direction=data["direction"],
                summary=data["summary"],
                outcome=data["outcome"],
                follow_up_title=data["follow_up_title"],
                follow_up_due=data["follow_up_due"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Interaction logged."))
            return redirect(local_next_url(request) or _card(client) + "#timeline")
    return _action_page(request, client, form, _("Log an interaction"), _("Save"))


@requires(ACCOMPANY_CLIENTS)
def task_create(request, pk):
    client = visible_client_or_404(request.user, pk)
    form = TaskForm(request.POST or None, initial={"due_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.task_create(
                client=client,
                assigned_to=client.assigned_manager or request.user,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                description=form.cleaned_data["description"],
                user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return redirect(_card(client) + "#tasks")
    return _action_page(request, client, form, _("New task"), _("Add"))


@require_POST
@requires(ACCOMPANY_CLIENTS)
def task_done(request, task_pk):
    task = get_object_or_404(
        Task.objects.filter(client__in=clients_visible_to(request.user))
        | tasks_visible_to(request.user),
        pk=task_pk,
    )
    services.task_complete(task=task, user=request.user)
    messages.success(request, _("Task “%(title)s” done.") % {"title": task.title})
    next_url = local_next_url(request)
    if next_url:
        return redirect(next_url)
    return redirect(_card(task.client) if task.client_id else reverse("home"))


@requires(WORK_WITH_CLIENTS)
def measurement_add(request, pk):
    client = visible_client_or_404(request.user, pk)
    form = MeasurementForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measurement_add(
                client=client, measured_on=data["measured_on"], notes=data["notes"], user=request.user,
                readings={name: data[name] for name in Measurement.VALUE_FIELDS},
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Measurement saved."))
            return redirect(_card(client) + "#measurements")
    return _action_page(request, client, form, _("New measurement"), _("Save"))
