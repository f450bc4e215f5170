"""Cross-app pages: the manager's Today agenda, the client card and the director's dashboard.

They only compose the apps' selectors; each rule lives in the app that owns the data.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Window
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from clients import roles
from clients.access import client_workspace
from clients.models import Interaction, Measurement, Task
from clients.selectors import (
    at_risk_q,
    client_for_card,
    clients_visible_to,
    current_membership,
    last_visit_subquery,
    memberships_ending_without_renewal,
    memberships_for_card,
)
from programs.selectors import programs_for_card
from sales.selectors import offers_for_client, pending_recommendations_for, sales_for_client
from staff.models import Feedback
from staff.selectors import feedback_for_client

AGENDA_ROWS = 15
NEW_CLIENT_DAYS = 30
EXPIRY_DAYS = 7


@login_required
def home(request):
    """The landing page by role: director → dashboard, specialist → their sessions,
    front desk → the client list, manager → Today."""
    user = request.user
    if roles.is_director(user):
        return redirect("dashboard")
    if roles.is_manager(user):
        return render(request, "accompaniment/today.html", today_agenda(user))
    if roles.is_administrator(user):
        return redirect("clients:list")
    if roles.is_specialist(user):
        return redirect("programs:my-sessions")
    return render(request, "accompaniment/no_role.html")


def _section(queryset, limit=AGENDA_ROWS):
    """The first rows of a section and how many there are in all, in one query."""
    rows = list(queryset.annotate(section_total=Window(Count("pk")))[:limit])
    count = rows[0].section_total if rows else 0
    return {"rows": rows, "count": count, "more": count > len(rows)}


def today_agenda(user) -> dict:
    """The manager's working day, in priority order; each section counted and capped."""
    today = timezone.localdate()
    mine = clients_visible_to(user)
    birthdays = mine.filter(birth_date__month=today.month, birth_date__day=today.day)
    if (today.month, today.day) == (2, 28) and not _is_leap(today.year):
        birthdays = mine.filter(birth_date__month=2, birth_date__day__in=[28, 29])
    intro = Interaction.objects.filter(client=OuterRef("pk"), kind=Interaction.Kind.INTRO_VISIT)
    return {
        "today": today,
        "complaints": _section(
            Feedback.objects.filter(
                client__in=mine,
                kind=Feedback.Kind.COMPLAINT,
                status__in=[Feedback.Status.NEW, Feedback.Status.RELAYED],
            )
            .select_related("client", "staff_member", "service")
            .order_by("received_at")
        ),
        "expiring": _section(
            memberships_ending_without_renewal(today, EXPIRY_DAYS)
            .filter(client__in=mine)
            .select_related("client", "plan")
            .order_by("end_date", "id")
        ),
        "tasks": _section(
            Task.objects.filter(
                assigned_to=user, status=Task.Status.OPEN, due_date__lte=today
            )
            .select_related("client")
            .order_by("due_date", "id")
        ),
        "recommendations": _section(pending_recommendations_for(mine)),
        "at_risk": _section(
            mine.filter(at_risk_q(today))
            .annotate(last_visit=last_visit_subquery())
            .order_by("last_visit", "id")
        ),
        "birthdays": _section(birthdays.order_by("last_name", "first_name")),
        "new_clients": _section(
            mine.filter(created_at__date__gte=today - datetime.timedelta(days=NEW_CLIENT_DAYS))
            .exclude(Exists(intro))
            .order_by("created_at")
        ),
    }


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


CARD_TIMELINE_ROWS = 30


@client_workspace
def client_card(request, pk):
    """Everything about one client on one page."""
    client = client_for_card(clients_visible_to(request.user), pk)
    memberships = memberships_for_card(client)
    measurements = list(client.measurements.order_by("measured_on", "id"))
    return render(
        request,
        "accompaniment/client_card.html",
        {
            "client": client,
            "today": timezone.localdate(),
            "memberships": memberships,
            "current": current_membership(memberships),
            "measurements": measurements[-12:][::-1],
            "chart": _measurement_chart(measurements),
            "programs": programs_for_card(client),
            "interactions": list(
                client.interactions.select_related("manager")[:CARD_TIMELINE_ROWS]
            ),
            "tasks": list(
                client.tasks.filter(status=Task.Status.OPEN).select_related("assigned_to")
            ),
            "feedback": list(feedback_for_client(client)[:20]),
            "offers": list(offers_for_client(client)[:20]),
            "sales": list(sales_for_client(client)[:20]),
            "messages_sent": list(client.notifications.all()[:20]),
            "referrals": list(client.referrals.all()[:20]),
            "can_edit": True,
        },
    )


def _measurement_chart(measurements: list[Measurement]) -> dict:
    """Series for the chart: dates and each measured value (None where not measured)."""
    fields = ["weight_kg", "body_fat_percent", "waist_cm", "muscle_mass_kg"]
    return {
        "labels": [m.measured_on.isoformat() for m in measurements],
        "series": [
            {
                "field": name,
                "label": str(Measurement._meta.get_field(name).verbose_name),
                "values": [
                    float(getattr(m, name)) if getattr(m, name) is not None else None
                    for m in measurements
                ],
            }
            for name in fields
            if any(getattr(m, name) is not None for m in measurements)
        ],
    }


@login_required
def dashboard(request):
    """The director's dashboard (filled in by the dashboard issue); directors only."""
    if not roles.is_director(request.user):
        raise PermissionDenied
    return render(request, "accompaniment/dashboard.html")


@never_cache
def health(request):
    """Liveness and database readiness for a load balancer: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
