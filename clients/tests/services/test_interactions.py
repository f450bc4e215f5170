"""Logging interactions and their follow-up tasks (clients.services.interactions): who the task
goes to, what is refused, a task done once."""

import pytest
from django.core.exceptions import ValidationError

from clients import services
from clients.models import Interaction, Task
from clients.tests import factories as cf
from clients.tests.services.support import day

pytestmark = pytest.mark.django_db


def test_a_follow_up_becomes_a_task_for_the_clients_manager(member, manager, director):
    member.assigned_manager = manager
    member.save()
    interaction = services.interaction_log(
        client=member,
        manager=director,
        kind=Interaction.Kind.CALL,
        summary="Asked about massage",
        follow_up_title="Offer a massage course",
        follow_up_due=day(3),
    )
    task = Task.objects.get()
    assert task.assigned_to == manager
    assert task.client == member
    assert task.interaction == interaction
    assert (task.title, task.due_date, task.status) == (
        "Offer a massage course",
        day(3),
        Task.Status.OPEN,
    )
    assert task.created_by == director
    assert interaction.manager == director


def test_a_follow_up_for_a_client_without_a_manager_goes_to_who_logged_it(member, manager):
    services.interaction_log(
        client=member,
        manager=manager,
        kind=Interaction.Kind.MEETING,
        summary="Intro talk",
        follow_up_title="Call back",
    )
    task = Task.objects.get()
    assert task.assigned_to == manager
    assert task.due_date == day(0)


def test_an_interaction_without_follow_up_creates_no_task(member, manager):
    services.interaction_log(
        client=member, manager=manager, kind=Interaction.Kind.CALL, summary="Hello"
    )
    assert Interaction.objects.count() == 1
    assert not Task.objects.exists()


def test_an_interaction_without_a_summary_is_refused(member, manager):
    with pytest.raises(ValidationError) as refused:
        services.interaction_log(
            client=member,
            manager=manager,
            kind=Interaction.Kind.CALL,
            summary="",
            follow_up_title="Call back",
            follow_up_due=day(1),
        )
    assert "summary" in refused.value.message_dict
    assert not Interaction.objects.exists()
    assert not Task.objects.exists()


def test_a_follow_up_date_without_a_title_is_refused_and_nothing_is_saved(member, manager):
    with pytest.raises(ValidationError) as refused:
        services.interaction_log(
            client=member,
            manager=manager,
            kind=Interaction.Kind.CALL,
            summary="Call",
            follow_up_due=day(1),
        )
    assert "follow_up_title" in refused.value.message_dict
    assert not Interaction.objects.exists()
    assert not Task.objects.exists()


def test_completing_a_task_marks_it_done_once(member, manager):
    task = cf.TaskFactory(client=member, assigned_to=manager)
    services.task_complete(task=task, user=manager)
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.completed_at is not None
    first_completed_at = task.completed_at

    services.task_complete(task=task, user=manager)
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.completed_at == first_completed_at
