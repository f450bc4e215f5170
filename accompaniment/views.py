"""Cross-app pages: the manager's Today agenda, the client card and the director's dashboard.

They only compose the apps' selectors; each rule lives in the app that owns the data.
"""


from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.capabilities import (
    ACCOMPANY_CLIENTS,
    DELIVER_SESSIONS,
    HANDLE_CLIENT_DATA,
    LOGGED_IN,
    OPEN_DASHBOARD,
    SEE_STAFF,
    WORK_WITH_CLIENTS,
    can,
    public,
    requires,
)
from core.dates import day_start
from core.forms import apply_service_errors
from clients.models import ClientErasure, Measurement, Task
from clients.messaging.waiting import answer_due_at
from clients.selectors import (
    client_for_card,
    clients_visible_to,
    conversation_for_card,
    current_membership,
    memberships_for_card,
)
from clients.services import health_data_opened
from programs.models import Session
from programs.classes.selectors import upcoming_bookings_for_client
from programs.selectors import programs_for_card
from sales.selectors import offers_for_client, pending_recommendations_for, sales_for_client
from sales.services import offer_allowance
from sales.stages import stage_with_reasons
from staff import selectors as staff_selectors
from staff.models import StaffMember, SurveyResponse
from staff.nps import nps_of
from staff.selectors import feedback_for_client

from . import vocabulary
from .selectors import today_agenda


@requires(LOGGED_IN)
def home(request):
    """The landing page by what the user does: the director's dashboard, the manager's Today,
    the front desk's desk, the specialist's sessions."""
    user = request.user
    if can(user, OPEN_DASHBOARD):
        return redirect("dashboard")
    if can(user, ACCOMPANY_CLIENTS):
        return render(request, "accompaniment/today.html", today_agenda(user))
    if can(user, WORK_WITH_CLIENTS):
        return redirect("desk")
    if can(user, DELIVER_SESSIONS):
        return redirect("programs:my-sessions")
    return render(request, "accompaniment/no_role.html")


CARD_TIMELINE_ROWS = 30
CARD_CLASS_ROWS = 10


@requires(WORK_WITH_CLIENTS)
def client_card(request, pk):
    """Everything about one client on one page."""
    client = client_for_card(clients_visible_to(request.user), pk)
    memberships = memberships_for_card(client)
    measurements = list(client.measurements.order_by("measured_on", "id"))
    stage, stage_reasons = stage_with_reasons(client)
    client.stage = stage  # shown as computed now; stored nightly by sales.stages.stages_refresh
    health_data_opened(user=request.user, clients=[client], place=vocabulary.CLIENT_CARD)
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
            "class_bookings": list(upcoming_bookings_for_client(client, now=timezone.now())[:CARD_CLASS_ROWS]),
            "interactions": list(  # the conversation has its own panel
                client.interactions.filter(channel="", notification__isnull=True)
                .select_related("manager")[:CARD_TIMELINE_ROWS]
            ),
            "tasks": list(
                client.tasks.filter(status=Task.Status.OPEN).select_related("assigned_to")
            ),
            "feedback": list(feedback_for_client(client)[:20]),
            "offers": list(offers_for_client(client)[:20]),
            "sales": list(sales_for_client(client)[:20]),
            "messages_sent": list(client.notifications.all()[:20]),
            "conversation": _with_due(conversation_for_card(client)),
            "page_links_open": client.page_links_open or 0,
            "referrals": list(client.referrals.all()[:20]),
            "stage_reasons": stage_reasons,
            "allowance": offer_allowance(client, stage=stage),
            "recommendations": list(pending_recommendations_for([client.pk])),
            "can_edit": True,
        },
    )


def _with_due(messages: list) -> list:
    """Each unanswered message the client wrote gets ``due_at`` and ``overdue``
    (``clients.messaging.waiting``)."""
    now = timezone.now()
    for message in messages:
        if message.direction == "in" and message.answered_at is None:
            message.due_at = answer_due_at(message.occurred_at)
            message.overdue = now >= message.due_at
    return messages


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


@requires(SEE_STAFF, DELIVER_SESSIONS)
def staff_member_page(request, pk):
    """A staff member: services, sessions and NPS this month, feedback, latest competency
    assessment. Whoever may ``see_staff`` sees everyone; a specialist only their own page."""
    user = request.user
    member = get_object_or_404(StaffMember.objects.select_related("department", "user"), pk=pk)
    if not can(user, SEE_STAFF) and member.user_id != user.pk:
        raise PermissionDenied
    month_start = timezone.localdate().replace(day=1)
    sessions = Session.objects.filter(specialist=member, scheduled_at__gte=day_start(month_start))
    counts = sessions.aggregate(
        done=Count("id", filter=Q(status=Session.Status.DONE)),
        planned=Count("id", filter=Q(status=Session.Status.PLANNED)),
    )
    assessment = staff_selectors.latest_assessment(member)
    return render(
        request,
        "staff/member_detail.html",
        {
            "member": member,
            "services": list(member.services.select_related("department")),
            "sessions_done": counts["done"],
            "sessions_planned": counts["planned"],
            "nps": nps_of(SurveyResponse.objects.filter(staff_member=member, answered_at__gte=day_start(month_start))),
            "feedback": list(
                staff_selectors.feedback_visible_to(user)
                .filter(staff_member=member)
                .select_related("client", "service")[:30]
            ),
            "assessment": assessment,
            "assessment_chart": staff_selectors.assessment_chart(assessment),
        },
    )


@requires(OPEN_DASHBOARD)
def dashboard(request):
    """The director's dashboard (accompaniment.dashboard.views)."""
    from .dashboard.views import dashboard_page

    return dashboard_page(request)


@public
@never_cache
def health(request):
    """Liveness and database readiness for a load balancer: 200 when the database answers.
    Reached first through ``accompaniment.security.HealthProbeMiddleware``: over plain HTTP and
    by the server's address, also with DEBUG off."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


@public
@require_POST
def language_set(request):
    """The language switcher: Django's ``set_language`` (cookie, safe redirect), and for a
    logged-in user the choice is remembered for their next logins too."""
    from django.views.i18n import set_language

    from clients.languages import supported, user_language_set

    language = supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        user_language_set(user=request.user, language=language, session=request.session)
    return set_language(request)


# --- A client's data: history, export and erasure (handle_client_data: directors) ------------------
def _client_for_director(request, pk):
    """The client (of those the user sees)."""
    return get_object_or_404(clients_visible_to(request.user), pk=pk)


@requires(HANDLE_CLIENT_DATA)
def client_history(request, pk):
    """Who changed what about the client and when, and who opened their health data."""
    from .selectors import client_history as history_of
    from .selectors import health_data_accesses

    client = _client_for_director(request, pk)
    health_data_opened(user=request.user, clients=[client], place=vocabulary.CHANGE_HISTORY)
    return render(request, "accompaniment/client_history.html", {
        "client": client,
        "entries": history_of(client),
        "accesses": health_data_accesses(client),
        "erasure": ClientErasure.objects.filter(client=client).select_related("erased_by").first(),
    })


@requires(HANDLE_CLIENT_DATA)
def client_export(request, pk):
    """Everything held about the client, as a JSON file (a data request)."""
    from .services import client_data_export_json

    client = _client_for_director(request, pk)
    body = client_data_export_json(client=client, by=request.user)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


class ClientEraseForm(forms.Form):
    reason = forms.CharField(
        label=_("The client's request"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("How and when the client asked, e.g. “Written request handed in at the front desk on 1 December”."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone: the name, contacts, health data and notes are gone for good."),
    )


@requires(HANDLE_CLIENT_DATA)
def client_erase(request, pk):
    """Erase the client's personal and health data on their request (after a confirmation)."""
    from .services import client_erase as erase

    client = _client_for_director(request, pk)
    if client.erased_at is not None:
        messages.info(request, _("This client's data were erased already."))
        return redirect("client-history", pk=client.pk)
    form = ClientEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erase(client=client, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The client's personal and health data were erased. Sales and visits stay in the statistics."))
            return redirect("client-history", pk=client.pk)
    return render(request, "accompaniment/client_erase.html", {"client": client, "form": form})
