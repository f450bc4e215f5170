"""The sweep as operators run it: the command, two sweeps at once, and a real worker."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core import roles
from core.reminders import sweep as reminders_sweep
from clients.messaging import kinds
from clients.models import Notification, Task
from clients.tests import factories as cf
from conftest import at_the_same_moment

TODAY = timezone.localdate()


def due_club(manager, n=5):
    for i in range(n):
        client = cf.ClientFactory(consent_email=True, assigned_manager=manager)
        cf.MembershipFactory(
            client=client, start_date=TODAY - datetime.timedelta(days=60),
            end_date=TODAY + datetime.timedelta(days=(14, 7, 1)[i % 3]),
        )


@pytest.mark.django_db
def test_send_reminders_queues_sends_and_a_second_run_sends_nothing(manager, settings):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0  # whatever time the test runs
    manager.email = "olena@club.example"
    manager.save()
    due_club(manager)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    text = out.getvalue()
    assert "membership expiry        queued 5" in text
    assert "quality surveys          queued 5" in text  # the quarter's survey, once per client
    assert "managers' digest         queued 1" in text
    assert "Delivery: sent 11" in text
    assert len(mail.outbox) == 11
    digest = next(m for m in mail.outbox if m.to == ["olena@club.example"])
    assert "Memberships ending within 7 days: " in digest.body

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Delivery: nothing due" in out.getvalue()
    assert len(mail.outbox) == 11


@pytest.mark.django_db
def test_send_reminders_dry_run_and_a_given_date(manager):
    due_club(manager, n=3)
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--date", (TODAY + datetime.timedelta(days=6)).isoformat(), stdout=out)
    assert "membership expiry        would queue 1" in out.getvalue()  # the 7-day one is now at 1
    assert not Notification.objects.exists() and not Task.objects.exists()


@pytest.mark.django_db
def test_send_reminders_explains_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must look like"):
        call_command("send_reminders", "--date", "22/11/2026")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_queue_each_message_once(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite serializes writers anyway")
    manager = make_user(roles.MANAGER)
    due_club(manager, n=30)
    reports, errors = at_the_same_moment(lambda: reminders_sweep(on=TODAY))
    assert errors == [] and len(reports) == 2
    assert Notification.objects.filter(kind="membership_expiry").count() == 30
    assert Task.objects.filter(kind="renewal_call").count() == 10
    keys = list(Notification.objects.values_list("dedup_key", flat=True))
    assert len(keys) == len(set(keys))


@pytest.mark.redis
def test_a_real_worker_delivers_a_queued_row_over_redis(celery_worker_over_redis, settings):
    from clients.tasks import deliver_notifications

    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    client = cf.ClientFactory(consent_email=True, email="worker@example.com")
    cf.MembershipFactory(client=client, start_date=TODAY - datetime.timedelta(days=10),
                         end_date=TODAY + datetime.timedelta(days=7))
    reminders_sweep(on=TODAY)
    row = Notification.objects.get(kind=kinds.MEMBERSHIP_EXPIRY)
    result = deliver_notifications.apply_async(args=[[row.pk]], queue=celery_worker_over_redis)
    assert result.get(timeout=30) == {"sent": 1}
    row.refresh_from_db()
    assert row.status == "sent" and row.to_address == "worker@example.com"
