"""Every workspace page runs a fixed number of queries, whatever the amount of data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import roles
from clients.models import Interaction
from clients.tests import factories as cf
from programs.models import Program, Session
from programs.tests import factories as pf
from sales.tests import factories as sf
from staff.models import Feedback
from staff.tests import factories as stf

TODAY = timezone.localdate()


def grow(manager, specialist, n: int):
    """n clients of ``manager`` with everything the pages show; returns the first one."""
    flags = [cf.ContraindicationFactory() for _ in range(2)]
    first = None
    for _ in range(n):
        client = cf.ClientFactory(
            assigned_manager=manager, birth_date=TODAY.replace(year=1990)
        )
        client.contraindications.set(flags)
        first = first or client
        expiring = cf.MembershipFactory(
            client=client, start_date=TODAY - datetime.timedelta(days=40),
            end_date=TODAY + datetime.timedelta(days=3),
        )
        cf.FreezeFactory(
            membership=expiring, start_date=TODAY - datetime.timedelta(days=30),
            end_date=TODAY - datetime.timedelta(days=25),
        )
        cf.MembershipFactory(
            client=client, start_date=TODAY - datetime.timedelta(days=400),
            end_date=TODAY - datetime.timedelta(days=41),
        )
        for days in range(n % 3 + 2):
            cf.VisitFactory(client=client, membership=expiring, checked_in_at=timezone.now() - datetime.timedelta(days=20 + days))
            cf.MeasurementFactory(client=client, measured_on=TODAY - datetime.timedelta(days=days * 7))
            cf.InteractionFactory(client=client, manager=manager)
            cf.TaskFactory(client=client, assigned_to=manager, due_date=TODAY)
            stf.FeedbackFactory(client=client, kind=Feedback.Kind.COMPLAINT, staff_member=specialist)
            sf.RecommendationFactory(client=client, specialist=specialist)
            sf.SaleFactory(client=client)
            sf.OfferFactory(client=client)
            cf.NotificationFactory(client=client)
        item = pf.ProgramItemFactory(
            program__client=client, program__status=Program.Status.ACTIVE,
            service__department=specialist.department, specialist=specialist,
        )
        item.service.contraindications.add(flags[0])
        for _ in range(n % 4 + 2):
            taken = Session.objects.filter(specialist=specialist).count()  # one session at a time, 2 h apart
            pf.SessionFactory(item=item, specialist=specialist,
                              scheduled_at=timezone.now() + datetime.timedelta(hours=2 * taken + 1))
        cf.ClientFactory(assigned_manager=manager)  # a new client without an intro visit
        Interaction.objects.filter(client=client).update(kind=Interaction.Kind.CALL)
    return first


@pytest.fixture
def people(make_user):
    manager = make_user(roles.MANAGER, username="qm")
    specialist_user = make_user(roles.SPECIALIST, username="qs")
    specialist = stf.StaffMemberFactory(user=specialist_user)
    return {"manager": manager, "specialist": specialist, "director": make_user(roles.DIRECTOR, username="qd")}


PAGES = {
    "today": lambda c: reverse("home"),
    "client list": lambda c: reverse("clients:list"),
    "client search by name": lambda c: reverse("clients:list") + f"?q={c.last_name[:3]}",
    "client search by phone": lambda c: reverse("clients:list") + "?q=050",
    "client filters": lambda c: reverse("clients:list") + "?membership=active&expires_within=7&lapsed=on&sort=-last_visit",
    "client card": lambda c: reverse("client-card", args=[c.pk]),
    "edit client": lambda c: reverse("clients:edit", args=[c.pk]),
    "new program": lambda c: reverse("programs:create", args=[c.pk]),
    "program": lambda c: reverse("programs:detail", args=[c.programs.get().pk]),
    "print program": lambda c: reverse("programs:print", args=[c.programs.get().pk]),
}
MAX_QUERIES = 27  # the client card: 26, and one for its group classes


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page_name", PAGES)
def test_page_query_count_does_not_grow_with_data(client, people, page_name):
    client.force_login(people["manager"])
    first = grow(people["manager"], people["specialist"], 1)
    small = count_queries(client, PAGES[page_name](first))
    grow(people["manager"], people["specialist"], 12)
    large = count_queries(client, PAGES[page_name](first))
    assert small == large, f"{page_name}: {small} queries with 1 client, {large} with 13"
    assert large <= MAX_QUERIES, f"{page_name}: {large} queries"


def test_my_sessions_query_count_does_not_grow_with_data(client, people):
    client.force_login(people["specialist"].user)
    grow(people["manager"], people["specialist"], 1)
    small = count_queries(client, reverse("programs:my-sessions"))
    grow(people["manager"], people["specialist"], 10)
    large = count_queries(client, reverse("programs:my-sessions"))
    assert small == large <= MAX_QUERIES


def test_director_client_list_query_count_does_not_grow(client, people):
    client.force_login(people["director"])
    grow(people["manager"], people["specialist"], 1)
    small = count_queries(client, reverse("clients:list") + "?manager=" + str(people["manager"].pk))
    grow(people["manager"], people["specialist"], 10)
    large = count_queries(client, reverse("clients:list") + "?manager=" + str(people["manager"].pk))
    assert small == large <= MAX_QUERIES
