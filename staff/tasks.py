"""Celery tasks of the staff app: quality surveys."""

from celery import shared_task


@shared_task(name="staff.survey_after_session")
def survey_after_session(client_id: int, staff_member_id: int | None = None, service_id: int | None = None) -> int:
    """Queue an NPS survey for the client of a session just done (rate-limited per client)."""
    from clients.models import Client
    from clients.tasks import deliver_outbox

    from .models import Service, StaffMember
    from .services import survey_after_session as queue_survey

    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        return 0
    queued = queue_survey(
        client=client,
        staff_member=StaffMember.objects.filter(pk=staff_member_id).first() if staff_member_id else None,
        service=Service.objects.filter(pk=service_id).first() if service_id else None,
    )
    if queued:
        deliver_outbox.delay()
    return queued
