"""Read queries about staff, services and feedback."""

from django.db.models import QuerySet

from .models import Feedback


def feedback_for_client(client) -> QuerySet[Feedback]:
    return Feedback.objects.filter(client=client).select_related("staff_member", "service")
