"""Every page of the site and every admin page, as each role that may open it: the same number of queries with one of
everything as with several of everything.

The pages come from the URL resolver (``accompaniment.access.site_pages``) and their arguments
and expected answers from the access matrix (the club, who owns what, the capability module),
and the admin site's from its registry, so a new page or model is measured without anyone
listing it. A page is asked for once to warm the
caches, counted, then the manager's side of the club grows — more clients of the manager, each
with a card, visits, sales, a program with sessions, a place in the class, feedback, tasks and
messages, and more of each on the measured client's own card — and it is counted again. A CSV
or any streamed answer is read to its end inside the count.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.access import site_pages
from accompaniment.tests.access.test_matrix import (
    admin_cells,
    body_of,
    browsers,
    expected_admin_answer,
    expected_page_answer,
    page_kwargs,
    registered,
    world,  # noqa: F401 (the fixture)
    world_once,  # noqa: F401 (the fixture)
)
from clients.tests import factories as cf
from programs.tests import factories as pf
from sales.tests import factories as sf
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db

MORE = 3  # of each: a count that grows with the rows shows up at once


def grow(world) -> None:
    """More of everything on side "a": the manager's clients and their records, and more
    records on the side's own client (whose card, program and pages the matrix opens)."""
    side, shared = world.sides["a"], world.shared
    manager, trainer = side.client.assigned_manager, side.staff_member
    later = iter(range(1, 1000))

    def session(item):
        # the trainer's sessions an hour and a half apart, from 20 days on: none overlaps another
        at = timezone.now() + datetime.timedelta(days=20, minutes=90 * next(later))
        return pf.SessionFactory(item=item, specialist=trainer, scheduled_at=at)

    def records(client, membership, program):
        cf.VisitFactory(client=client, membership=membership,
                        checked_in_at=timezone.now() - datetime.timedelta(days=next(later)))
        cf.InteractionFactory(client=client, manager=manager)
        cf.TaskFactory(client=client, assigned_to=manager)
        cf.MeasurementFactory(client=client, measured_on=timezone.localdate() - datetime.timedelta(days=next(later)))
        cf.NotificationFactory(client=client, to_address=client.email)
        stf.FeedbackFactory(client=client, staff_member=trainer, kind=Feedback.Kind.COMPLAINT, rating=2,
                            text="Late", status=Feedback.Status.RELAYED)
        stf.SurveyResponseFactory(client=client, staff_member=trainer)
        sf.RecommendationFactory(client=client, specialist=trainer, service=shared.service)
        sf.OfferFactory(client=client, plan=shared.plan, manager=manager)
        sf.SaleFactory(client=client, department=shared.department, service=shared.service)
        item = pf.ProgramItemFactory(program=program, service=shared.service, specialist=trainer)
        session(item)
        session(item)

    for _ in range(MORE):
        # the client's own records grow (another program of theirs, not a longer one: a program's
        # admin page edits each of its few services on a line of its own)
        records(side.client, side.membership, pf.ProgramFactory(client=side.client, manager=manager))
        cf.MembershipFactory(client=side.client, plan=shared.plan,
                             start_date=timezone.localdate() - datetime.timedelta(days=400 + next(later)),
                             end_date=timezone.localdate() - datetime.timedelta(days=300))
        client = cf.ClientFactory(assigned_manager=manager, consent_email=True)
        membership = cf.MembershipFactory(client=client, plan=shared.plan)
        program = pf.ProgramFactory(client=client, manager=manager)
        records(client, membership, program)
        pf.ClassBookingFactory(occurrence=side.occurrence, client=client, membership=membership)
        cf.ClientLinkFactory(client=client, created_by=manager)


def count(browser, url) -> tuple[int, int]:
    """(status, queries) of a GET, a streamed answer read to its end."""
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
        body_of(response)
    return response.status_code, len(captured)


@pytest.mark.parametrize("who", ["manager", "specialist", "frontdesk", "director"])
def test_every_page_runs_as_many_queries_with_more_data(who, world):
    browser = browsers(world)[who]
    urls = {}
    for page in site_pages():
        if page.name.startswith("devtools:"):
            continue
        kwargs, record = page_kwargs(page, world, "a")
        if expected_page_answer(page, who, "a", record) != "let in":
            continue
        urls[page.name] = reverse(page.name, kwargs=kwargs)
    for url in urls.values():
        browser.get(url)  # warm: the caches a first request fills (content types, compiled URLs)
    before = {name: count(browser, url) for name, url in urls.items()}
    grow(world)
    after = {name: count(browser, url) for name, url in urls.items()}
    measured = [name for name, (status, _queries) in before.items() if status == 200]
    assert len(measured) >= {"manager": 25, "specialist": 5, "frontdesk": 15, "director": 35}[who], measured
    grew = {name: f"{before[name][1]} → {after[name][1]}" for name in measured if before[name] != after[name]}
    assert grew == {}, f"as {who}, these pages' queries changed with more data: {grew}"


@pytest.mark.parametrize("who", ["frontdesk", "director"])
def test_every_admin_page_runs_as_many_queries_with_more_data(who, world):
    """Each registered model's list, its record of side "a" (change, history), its add form and
    its export, as the front desk and the director open them."""
    browser = browsers(world)[who]
    urls = {}
    for model, model_admin in registered():
        for action, url, side, _data in admin_cells(model, model_admin, world):
            # A deletion's confirmation lists every row the deletion would take with it: its
            # queries follow the related rows by design (Django's collector, one per relation).
            if side == "a" and action != "delete" and expected_admin_answer(who, model, action) == "let in":
                urls[f"{model._meta.label} {action}"] = url
    for url in urls.values():
        browser.get(url)
    before = {name: count(browser, url) for name, url in urls.items()}
    grow(world)
    after = {name: count(browser, url) for name, url in urls.items()}
    measured = [name for name, (status, _queries) in before.items() if status == 200]
    assert len(measured) >= 60, measured
    grew = {name: f"{before[name][1]} → {after[name][1]}" for name in measured if before[name] != after[name]}
    assert grew == {}, f"as {who}, these admin pages' queries changed with more data: {grew}"
