"""The client's-side pages run a fixed number of queries whatever the amount of data: the card's
conversation, Today's messages waiting, the personal page, covers and reassigning."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import ManagerCover
from clients.services import conversation_receive, conversation_reply, page_link_issue
from clients.tests import factories as cf
from core import roles
from programs.tests import factories as pf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
BUDGET = 27  # the card's group classes: one query


@pytest.fixture
def people(make_user, settings):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    return {"manager": make_user(roles.MANAGER, username="qm"), "other": make_user(roles.MANAGER, username="qo"),
            "director": make_user(roles.DIRECTOR, username="qd")}


def grow(people, n: int, first=None):
    """n more clients of the manager, each with a conversation both ways, sessions, links and a
    cover; returns the first client."""
    manager = people["manager"]
    for i in range(n):
        client = cf.ClientFactory(assigned_manager=manager)
        first = first or client
        cf.MembershipFactory(client=client)
        item = pf.ProgramItemFactory(program__client=client, program__manager=manager)
        for day in range(1, 4):
            pf.SessionFactory(item=item, scheduled_at=timezone.now() + datetime.timedelta(days=day))
        for target in {client, first}:
            conversation_receive(client=target, text=f"Question {i}", channel="telegram", attachments=["a.jpg"])
            conversation_reply(client=target, text=f"Answer {i}", by=manager)
            conversation_receive(client=target, text=f"Waiting {i}", channel="page")
            page_link_issue(client=target, by=manager)
        ManagerCover.objects.create(absent=people["other"], covering=manager,
                                    starts_on=TODAY + datetime.timedelta(days=10 * (i + 1)),
                                    ends_on=TODAY + datetime.timedelta(days=10 * (i + 1) + 2))
    return first


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("who,page", [
    ("manager", lambda c, token: reverse("client-card", args=[c.pk])),
    ("manager", lambda c, token: reverse("home")),
    (None, lambda c, token: reverse("personal-page", args=[token])),
    ("director", lambda c, token: reverse("clients:covers")),
    ("director", lambda c, token: reverse("clients:reassign") + "?manager=" + str(c.assigned_manager_id)),
], ids=["card", "today", "personal page", "covers", "reassign"])
def test_the_page_runs_as_many_queries_with_more_data(client, people, who, page, django_assert_max_num_queries):
    if who:
        client.force_login(people[who])
    first = grow(people, 1)
    _link, token = page_link_issue(client=first, by=people["manager"])
    small = queries(client, page(first, token))
    grow(people, 8, first)
    with django_assert_max_num_queries(small):
        large = queries(client, page(first, token))
    assert small == large <= BUDGET, (small, large)
