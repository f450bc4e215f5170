"""The relationship timeline: interactions with the client and the manager's follow-up tasks."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Client, Interaction, Task
from .clients import client_for_new_record


@transaction.atomic
def interaction_log(
    *,
    client: Client,
    manager,
    kind: str,
    summary: str,
    outcome: str = "",
    direction: str = Interaction.Direction.OUTBOUND,
    occurred_at: datetime.datetime | None = None,
    follow_up_title: str = "",
    follow_up_due: datetime.date | None = None,
) -> Interaction:
    """Record a contact with the client, and a follow-up task from it when one is asked for.
    Refused for a client whose data were erased."""
    client = client_for_new_record(client)
    interaction = Interaction(
        client=client,
        manager=manager,
        kind=kind,
        direction=direction,
        summary=summary,
        outcome=outcome,
        occurred_at=occurred_at or timezone.now(),
        created_by=manager,
    )
    interaction.full_clean()
    interaction.save()
    if follow_up_title or follow_up_due:
        if not follow_up_title:
            raise ValidationError({"follow_up_title": _("Name the follow-up task.")})
        task_create(
            client=client,
            assigned_to=client.assigned_manager or manager,
            title=follow_up_title,
            due_date=follow_up_due or timezone.localdate(),
            interaction=interaction,
            user=manager,
        )
    return interaction


@transaction.atomic
def task_create(
    *,
    client: Client | None,
    assigned_to,
    title: str,
    due_date: datetime.date,
    user,
    kind: str = Task.Kind.FOLLOW_UP,
    description: str = "",
    interaction: Interaction | None = None,
) -> Task:
    """A task for ``assigned_to``, about ``client`` (or about nobody). Refused about a client
    whose data were erased."""
    if client is not None:
        client = client_for_new_record(client)
    task = Task(
        client=client,
        assigned_to=assigned_to,
        title=title,
        due_date=due_date,
        kind=kind,
        description=description,
        interaction=interaction,
        created_by=user,
    )
    task.full_clean()
    task.save()
    return task


def task_complete(*, task: Task, user) -> Task:
    """Mark a task done (doing it twice changes nothing)."""
    if task.status != Task.Status.DONE:
        task.status = Task.Status.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at", "updated_at"])
    return task
