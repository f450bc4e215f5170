"""Read queries the cross-app pages share: the manager's Today agenda."""

import datetime

from django.db.models import Count, Exists, OuterRef, Window
from django.utils import timezone

from clients.models import Interaction, Task
from clients.selectors import (
    at_risk_q,
    clients_visible_to,
    last_visit_subquery,
    memberships_ending_without_renewal,
)
from sales.selectors import pending_recommendations_for
from staff.models import Feedback

AGENDA_ROWS = 15
NEW_CLIENT_DAYS = 30
EXPIRY_DAYS = 7


def _section(queryset, limit=AGENDA_ROWS):
    """The first rows of a section and how many there are in all, in one query."""
    rows = list(queryset.annotate(section_total=Window(Count("pk")))[:limit])
    count = rows[0].section_total if rows else 0
    return {"rows": rows, "count": count, "more": count > len(rows)}


def today_agenda(user, on: datetime.date | None = None) -> dict:
    """The manager's working day, in priority order; each section counted and capped."""
    today = on or timezone.localdate()
    mine = clients_visible_to(user)
    birthdays = mine.filter(birth_date__month=today.month, birth_date__day=today.day)
    if (today.month, today.day) == (2, 28) and not _is_leap(today.year):
        birthdays = mine.filter(birth_date__month=2, birth_date__day__in=[28, 29])
    intro = Interaction.objects.filter(client=OuterRef("pk"), kind=Interaction.Kind.INTRO_VISIT)
    from staff.services import complaints_overdue_since

    return {
        "today": today,
        "overdue_since": complaints_overdue_since(),
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


