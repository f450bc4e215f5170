"""The managers' digest (``accompaniment.digest``): a fixed number of queries for all managers
whatever their number and their clients', and each manager's digest what their Today says —
compared with the message rendered from ``today_agenda`` one manager at a time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompaniment.reminders import digest_messages
from accompaniment.selectors import today_agenda
from accompaniment.vocabulary import DIGEST
from clients.messaging.outbox import message_for_user
from clients.models import Notification
from clients.tests import factories as cf
from core import reminders, roles
from sales.tests import factories as sf
from staff.models import Feedback
from staff.tests import factories as stf

TODAY = timezone.localdate()


def grow(make_user, managers: int, clients_each: int) -> list:
    """``managers`` new managers, each with ``clients_each`` clients in every section of the
    digest (expiring, lapsed and so at risk, a birthday, a complaint, a recommendation, a task
    due, new without an intro visit); the first covers for the second today."""
    made = []
    for index in range(managers):
        manager = make_user(roles.MANAGER, email=f"m{make_user.count}@club.example", first_name=f"M{index}")
        made.append(manager)
        for number in range(clients_each):
            client = cf.ClientFactory(
                assigned_manager=manager, last_name=f"Z{number % 3}",
                birth_date=TODAY.replace(year=1990) if number % 2 else TODAY.replace(year=1990) - datetime.timedelta(days=3),
            )
            card = cf.MembershipFactory(
                client=client, start_date=TODAY - datetime.timedelta(days=60),
                end_date=TODAY + datetime.timedelta(days=1 + number % 6),
            )
            cf.VisitFactory(client=client, membership=card, checked_in_at=timezone.now() - datetime.timedelta(days=20))
            cf.TaskFactory(client=client, assigned_to=manager, due_date=TODAY - datetime.timedelta(days=number % 2))
            if number % 2:
                stf.FeedbackFactory(client=client, kind=Feedback.Kind.COMPLAINT)
                sf.RecommendationFactory(client=client)
    if len(made) > 1:
        cf.ManagerCoverFactory(absent=made[1], covering=made[0], starts_on=TODAY, ends_on=TODAY)
    return made


def digest_queries(on=TODAY) -> int:
    Notification.objects.filter(kind=DIGEST).delete()
    with CaptureQueriesContext(connection) as queries:
        reminders.digests(on=on)
    assert Notification.objects.filter(kind=DIGEST).exists()
    return len(queries)


@pytest.mark.django_db
def test_the_digest_runs_as_many_queries_for_2_managers_as_for_6_and_for_few_clients_as_for_many(make_user):
    grow(make_user, managers=2, clients_each=2)
    few = digest_queries()
    grow(make_user, managers=4, clients_each=2)
    many = digest_queries()
    assert Notification.objects.filter(kind=DIGEST).count() == 6 and many == few
    grow(make_user, managers=1, clients_each=20)  # past a section's 15 rows
    assert digest_queries() == few
    print(f"the digest: {few} queries for 2, 6 and 7 managers")


def rendered_one_by_one(manager) -> Notification:
    """The digest as it was made before: ``today_agenda`` for this one manager."""
    return message_for_user(
        user=manager, kind=DIGEST, dedup_key=f"digest:{manager.pk}:{TODAY}", template="digest",
        context={"agenda": today_agenda(manager, on=TODAY)},
    )


@pytest.mark.django_db
def test_each_managers_digest_says_what_their_today_says(make_user, director):
    managers = grow(make_user, managers=3, clients_each=18)
    cf.UserPreferenceFactory(user=managers[2], language="uk")
    quiet = make_user(roles.MANAGER, username="quiet")  # no clients, no e-mail: skipped, as before
    both = make_user(roles.MANAGER, username="both", email="both@club.example")  # also a director: sees all
    both.groups.add(*director.groups.all())
    cf.ClientFactory(assigned_manager=None, birth_date=TODAY.replace(year=1985))  # nobody's client
    made = {row.dedup_key: row.build() for row in digest_messages(TODAY)}
    assert len(made) == 5
    for manager in [*managers, quiet, both]:
        manager.refresh_from_db()
        expected, got = rendered_one_by_one(manager), made[f"digest:{manager.pk}:{TODAY}"]
        assert (got.subject, got.body, got.body_html) == (expected.subject, expected.body, expected.body_html)
        assert (got.language, got.status, got.reason, got.user) == (
            expected.language, expected.status, expected.reason, expected.user
        )
    assert "Clients at risk: 36" in made[f"digest:{managers[0].pk}:{TODAY}"].body  # theirs and the covered's
    assert made[f"digest:{managers[2].pk}:{TODAY}"].language == "uk"
