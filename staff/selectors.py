"""Read queries about staff, services, feedback and quality."""

import datetime
import statistics

from django.db.models import Avg, Count, F, Q, QuerySet

from clients.selectors import client_rows_visible_to
from core.capabilities import DELIVER_SESSIONS, WORK_WITH_CLIENTS, can
from core.dates import days_bounds

from .models import CompetencyAssessment, Feedback, Service, StaffMember, SurveyResponse
from .nps import nps_counts, nps_score


def feedback_for_client(client) -> QuerySet[Feedback]:
    return Feedback.objects.filter(client=client).select_related("staff_member", "service")


def feedback_visible_to(user) -> QuerySet[Feedback]:
    """Who works with client records sees the feedback of the clients they see (a manager: of
    their own clients; the director and the front desk: all); a specialist sees only feedback
    about themselves, once it has been relayed to them."""
    if can(user, WORK_WITH_CLIENTS):
        return client_rows_visible_to(user, Feedback.objects.all())
    if can(user, DELIVER_SESSIONS):
        return Feedback.objects.filter(staff_member__user=user).exclude(status=Feedback.Status.NEW)
    return Feedback.objects.none()


def staff_quality(*, start: datetime.date, end: datetime.date, staff_filter=None) -> list[dict]:
    """Per staff member over the club-local days [start, end]: thanks, complaints, average
    rating, NPS of the clients they served (``staff.nps``), share of complaints resolved and
    median resolution time (hours).

    Counts and averages come from the database in three grouped queries; the median is taken
    in Python over the period's resolved complaints (one row each), since SQLite has no median.
    """
    since, until = days_bounds(start, end)
    period = Q(received_at__gte=since, received_at__lt=until)
    members = StaffMember.objects.filter(is_active=True).select_related("department")
    if staff_filter is not None:
        members = members.filter(staff_filter)
    feedback = dict(
        (row["staff_member"], row)
        for row in Feedback.objects.filter(period, staff_member__in=members)
        .values("staff_member")
        .annotate(
            thanks=Count("id", filter=Q(kind=Feedback.Kind.THANKS)),
            complaints=Count("id", filter=Q(kind=Feedback.Kind.COMPLAINT)),
            resolved=Count("id", filter=Q(kind=Feedback.Kind.COMPLAINT, status=Feedback.Status.RESOLVED)),
            rating=Avg("rating"),
        )
    )
    surveys = dict(
        (row["staff_member"], row)
        for row in SurveyResponse.objects.filter(
            staff_member__in=members, answered_at__gte=since, answered_at__lt=until
        )
        .values("staff_member")
        .annotate(**nps_counts())
    )
    durations: dict[int, list[float]] = {}
    for member_id, received, resolved in Feedback.objects.filter(
        period, staff_member__in=members, kind=Feedback.Kind.COMPLAINT, resolved_at__isnull=False
    ).values_list("staff_member", "received_at", "resolved_at"):
        durations.setdefault(member_id, []).append((resolved - received).total_seconds() / 3600)
    rows = []
    for member in members:
        f = feedback.get(member.pk, {})
        s = surveys.get(member.pk, {})
        complaints = f.get("complaints", 0)
        answers = s.get("answers", 0)
        rows.append({
            "member": member,
            "thanks": f.get("thanks", 0),
            "complaints": complaints,
            "rating": round(f["rating"], 2) if f.get("rating") is not None else None,
            "nps": nps_score(s),
            "answers": answers,
            "resolved_share": round(100 * f.get("resolved", 0) / complaints) if complaints else None,
            "median_hours": round(statistics.median(durations[member.pk]), 1) if member.pk in durations else None,
        })
    return rows


def service_quality(*, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per service over the club-local days [start, end]: thanks, complaints and average rating."""
    since, until = days_bounds(start, end)
    period = Q(feedback__received_at__gte=since, feedback__received_at__lt=until)
    services = (
        Service.objects.filter(is_active=True)
        .select_related("department")
        .annotate(
            thanks=Count("feedback", filter=period & Q(feedback__kind=Feedback.Kind.THANKS)),
            complaints=Count("feedback", filter=period & Q(feedback__kind=Feedback.Kind.COMPLAINT)),
            rating=Avg("feedback__rating", filter=period),
        )
        .filter(Q(thanks__gt=0) | Q(complaints__gt=0))
        .order_by("-complaints", F("rating").asc(nulls_last=True))
    )
    return list(services)


def latest_assessment(staff_member) -> CompetencyAssessment | None:
    return (
        CompetencyAssessment.objects.filter(staff_member=staff_member)
        .prefetch_related("scores")
        .order_by("-assessed_on", "-id")
        .first()
    )


def assessment_chart(assessment) -> dict | None:
    """Labels and scores of an assessment, for a radar chart."""
    if assessment is None:
        return None
    scores = sorted(assessment.scores.all(), key=lambda s: s.competency)
    return {
        "labels": [str(s.get_competency_display()) for s in scores],
        "values": [s.score for s in scores],
        "title": str(assessment),
    }
