"""The daily pipeline as the apps declare it (``core.reminders`` + each app's ``reminders.py``):
its order, a new producer, the command and the Celery task alike, all or nothing, the digest
after the sweep, and the stage refresh on its own."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accompaniment.tasks import daily_reminders
from clients.models import Client, Notification, Task
from clients.reminders import produces_tasks
from clients.tests import factories as cf
from core import reminders
from core.reminders import Step
from sales.tasks import refresh_stages

TODAY = timezone.localdate()
# The producers the apps declare today, in the documented order (more may come in between).
DECLARED = [
    "membership expiry", "renewal offers", "visits running out", "birthdays",  # clients: messages
    "quality surveys",  # staff: messages
    "renewal calls", "onboarding touchpoints", "lapsed clients",  # clients: tasks
    "managers' digest",  # accompaniment: digests
]


@pytest.fixture
def registry(monkeypatch):
    """The project's registry, copied: what a test declares is gone after it."""
    copy = reminders.REGISTRY.copy()
    monkeypatch.setattr(reminders, "REGISTRY", copy)
    return copy


@pytest.fixture
def club(manager):
    """A manager with an e-mail and clients due for a little of everything today."""
    manager.email = "olena@club.example"
    manager.save()
    people = {}
    for name, days_left in (("Expiring14", 14), ("Expiring7", 7), ("Expiring1", 1), ("Lapsed", 40)):
        people[name] = cf.ClientFactory(first_name=name, consent_email=True, assigned_manager=manager)
        cf.MembershipFactory(
            client=people[name], start_date=TODAY - datetime.timedelta(days=60),
            end_date=TODAY + datetime.timedelta(days=days_left),
        )
        days_ago = 20 if name == "Lapsed" else 2
        cf.VisitFactory(client=people[name], checked_in_at=timezone.now() - datetime.timedelta(days=days_ago))
    return {"manager": manager, "people": people}


def rows() -> set[tuple]:
    return {
        *Notification.objects.values_list("kind", "dedup_key", "status"),
        *Task.objects.values_list("kind", "dedup_key", "status"),
    }


def run_the_task(django_capture_on_commit_callbacks, day=TODAY):
    with django_capture_on_commit_callbacks(execute=True):
        return daily_reminders.delay(day.isoformat()).get()


def run_the_command(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_the_apps_producers_run_step_by_step_and_layer_by_layer():
    from django.apps import apps

    layer = [config.label for config in apps.get_app_configs()]
    producers = reminders.REGISTRY.producers()
    names = [producer.name for producer in producers]
    assert [name for name in names if name in DECLARED] == DECLARED
    order = [(producer.step, layer.index(producer.app_label)) for producer in producers]
    assert order == sorted(order)
    assert [p.name for p in reminders.REGISTRY.producers(reminders.SWEEP_STEPS)] == names[:-1]


def test_a_new_producer_is_one_declaration_and_runs_in_its_place(registry, club):
    client = club["people"]["Expiring14"]

    @produces_tasks("welcome calls")
    def welcome_calls(on):
        return [Task(client=client, assigned_to=club["manager"], kind=Task.Kind.FOLLOW_UP,
                     title="Welcome call", due_date=on, dedup_key=f"welcome:{client.pk}")]

    names = [p.name for p in registry.producers()]
    assert names.index("lapsed clients") < names.index("welcome calls") < names.index("managers' digest")
    assert "welcome calls            queued 1" in run_the_command()
    assert Task.objects.get(dedup_key=f"welcome:{client.pk}").title == "Welcome call"
    assert "  - Welcome call (" in Notification.objects.get(kind="digest").body
    assert "welcome calls            queued 0" in run_the_command()


def test_the_command_and_the_task_queue_and_deliver_the_same_rows(club, settings, django_capture_on_commit_callbacks):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0  # whatever time the test runs
    report = run_the_task(django_capture_on_commit_callbacks)
    by_task = rows()
    assert report["membership expiry"] == 3 and report["lapsed clients"] == 1
    assert {("digest", f"digest:{club['manager'].pk}:{TODAY}", "sent")} <= by_task
    assert {status for _kind, _key, status in by_task} == {"sent", "open"}  # delivered; tasks open

    Notification.objects.all().delete()
    Task.objects.all().delete()
    run_the_command()
    assert rows() == by_task


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("runner", ["command", "task"])
def test_a_failing_producer_leaves_nothing_of_the_sweep(runner, registry, make_user):
    from core import roles

    manager = make_user(roles.MANAGER)
    client = cf.ClientFactory(consent_email=True, assigned_manager=manager)
    cf.MembershipFactory(client=client, start_date=TODAY - datetime.timedelta(days=60),
                         end_date=TODAY + datetime.timedelta(days=7))
    written_before_the_failure = []

    def failing_write(rows, *, dry_run=False):
        written_before_the_failure.append(
            (Notification.objects.count(), Task.objects.filter(kind=Task.Kind.RENEWAL_CALL).count())
        )
        raise RuntimeError("the last producer failed")

    reminders.producer("failing", step=Step.TASKS, write=failing_write)(lambda on: [])
    with pytest.raises(RuntimeError, match="the last producer failed"):
        if runner == "command":
            run_the_command()
        else:
            daily_reminders.delay(TODAY.isoformat())
    assert written_before_the_failure == [(2, 1)]  # the expiry reminder and the survey; the call
    assert not Notification.objects.exists() and not Task.objects.exists()


@pytest.mark.parametrize("runner", ["command", "task"])
def test_the_digest_after_the_sweep_lists_the_tasks_the_sweep_made_that_morning(
    runner, club, django_capture_on_commit_callbacks
):
    assert not Task.objects.exists()
    if runner == "command":
        run_the_command()
    else:
        run_the_task(django_capture_on_commit_callbacks)
    digest = Notification.objects.get(kind="digest", user=club["manager"])
    made = Task.objects.filter(assigned_to=club["manager"], due_date=TODAY)
    assert {task.kind for task in made} == {Task.Kind.RENEWAL_CALL, Task.Kind.LAPSED}
    assert f"Tasks due: {made.count()}" in digest.body
    for task in made:
        assert f"  - {task.title} ({task.client})" in digest.body


def test_no_digest_leaves_the_managers_digest_out(club):
    assert "managers' digest" not in run_the_command("--no-digest")
    assert not Notification.objects.filter(kind="digest").exists()
    assert Task.objects.exists()


def test_the_stage_refresh_is_its_own_task_not_a_side_effect_of_the_sweep(club, django_capture_on_commit_callbacks):
    stale = cf.ClientFactory(stage=Client.Stage.TRUST)  # no visits, no tenure: an acquaintance
    run_the_task(django_capture_on_commit_callbacks)
    out = run_the_command()
    stale.refresh_from_db()
    assert stale.stage == Client.Stage.TRUST and "relationship stages" not in out

    assert refresh_stages.delay(TODAY.isoformat()).get() == 1
    stale.refresh_from_db()
    assert stale.stage == Client.Stage.ACQUAINTANCE
    assert refresh_stages.delay().get() == 0


def test_send_reminders_refreshes_the_stages_when_asked(club):
    stale = cf.ClientFactory(stage=Client.Stage.LOYALTY)
    assert "relationship stages      would change 1" in run_the_command("--refresh-stages", "--dry-run")
    stale.refresh_from_db()
    assert stale.stage == Client.Stage.LOYALTY
    assert "relationship stages      changed 1" in run_the_command("--refresh-stages")
    stale.refresh_from_db()
    assert stale.stage == Client.Stage.ACQUAINTANCE


@pytest.mark.redis
def test_a_real_worker_runs_the_sweep_then_the_digest_over_redis(celery_worker_over_redis, make_user):
    import time

    from core import roles

    manager = make_user(roles.MANAGER, email="olena@club.example")
    client = cf.ClientFactory(consent_email=True, assigned_manager=manager)
    cf.MembershipFactory(client=client, start_date=TODAY - datetime.timedelta(days=60),
                         end_date=TODAY + datetime.timedelta(days=7))
    report = daily_reminders.apply_async(args=[TODAY.isoformat()], queue=celery_worker_over_redis).get(timeout=60)
    assert report["membership expiry"] == 1 and report["renewal calls"] == 1
    deadline = time.monotonic() + 60
    while not Notification.objects.filter(kind="digest").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    call = Task.objects.get(kind=Task.Kind.RENEWAL_CALL)
    assert f"  - {call.title} ({client})" in Notification.objects.get(kind="digest", user=manager).body
