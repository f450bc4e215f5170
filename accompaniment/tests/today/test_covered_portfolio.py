"""Today during a cover: the covering manager's agenda holds the absent manager's clients in every
section (the covered managers are read once and every statement narrows to their list of ids),
and only within the cover's dates."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.selectors import clients_visible_to, covered_manager_ids, tasks_visible_to
from clients.services import cover_set
from clients.tests import factories as cf
from core import roles
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SECTIONS = ("expiring", "tasks", "at_risk", "birthdays", "complaints", "new_clients")


@pytest.fixture
def team(make_user):
    away = make_user(roles.MANAGER, username="away")
    cover = make_user(roles.MANAGER, username="cover")
    boss = make_user(roles.DIRECTOR, username="boss")
    lapsed = cf.ClientFactory(first_name="Lapsed", assigned_manager=away)
    cf.MembershipFactory(client=lapsed, start_date=TODAY - 40 * DAY, end_date=TODAY + 60 * DAY)
    expiring = cf.ClientFactory(first_name="Expiring", assigned_manager=away)
    cf.MembershipFactory(client=expiring, start_date=TODAY - 26 * DAY, end_date=TODAY + 3 * DAY)
    cf.ClientFactory(first_name="Birthday", assigned_manager=away, birth_date=TODAY.replace(year=1990))
    unhappy = cf.ClientFactory(first_name="Unhappy", assigned_manager=away)
    stf.FeedbackFactory(client=unhappy, kind=Feedback.Kind.COMPLAINT, rating=1)
    cf.TaskFactory(client=lapsed, assigned_to=away, title="Call Lapsed", due_date=TODAY)
    cf.ClientFactory(first_name="Own", assigned_manager=cover, birth_date=TODAY.replace(year=1985))
    return away, cover, boss


def agenda(client, user) -> tuple[dict, int]:
    client.force_login(user)
    client.get(reverse("home"))  # the first look after a login also saves the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context, len(queries)


def counts(context) -> dict:
    return {name: context[name]["count"] for name in SECTIONS}


def test_the_covering_manager_works_through_the_absent_ones_agenda_within_the_dates(client, team):
    away, cover, boss = team
    away_context, queries_away = agenda(client, away)
    alone, _n = agenda(client, cover)
    assert counts(alone) == {"expiring": 0, "tasks": 0, "at_risk": 0, "birthdays": 1, "complaints": 0,
                             "new_clients": 1}

    cover_set(absent=away, covering=cover, starts_on=TODAY - DAY, ends_on=TODAY + DAY, by=boss)
    covering, queries_covering = agenda(client, cover)
    own = counts(alone)
    assert counts(covering) == {name: counts(away_context)[name] + own[name] for name in SECTIONS}
    assert counts(away_context) == {"expiring": 1, "tasks": 1, "at_risk": 3, "birthdays": 1, "complaints": 1,
                                    "new_clients": 4}
    assert {client.first_name for client in covering["at_risk"]["rows"]} == {"Lapsed", "Expiring", "Unhappy"}
    assert {client.first_name for client in covering["birthdays"]["rows"]} == {"Birthday", "Own"}
    assert queries_covering == queries_away  # the covered managers are one list, read once


def test_a_cover_that_has_ended_leaves_the_absent_ones_clients_out(client, team):
    away, cover, boss = team
    cover_set(absent=away, covering=cover, starts_on=TODAY - 5 * DAY, ends_on=TODAY - DAY, by=boss)
    context, _n = agenda(client, cover)
    assert counts(context) == {"expiring": 0, "tasks": 0, "at_risk": 0, "birthdays": 1, "complaints": 0,
                               "new_clients": 1}


@pytest.mark.parametrize("starts,ends", [(0, 0), (-3, 3), (1, 5), (-5, -1)])
def test_the_covered_ids_read_once_give_the_visibility_rule(team, starts, ends):
    away, cover, boss = team
    cover_set(absent=away, covering=cover, starts_on=TODAY + starts * DAY, ends_on=TODAY + ends * DAY, by=boss)
    covered = covered_manager_ids(cover)
    assert set(clients_visible_to(cover, covered)) == set(clients_visible_to(cover))
    assert set(tasks_visible_to(cover, covered=covered)) == set(tasks_visible_to(cover))
    assert covered == ([away.pk] if starts <= 0 <= ends else [])
