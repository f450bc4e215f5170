"""A closed period's figures (the one the dashboard compares with) stay in the cache until a
backdated write touches them (``accompaniment/dashboard/closed.py``, the months' versions bumped
by database triggers): a backdated sale, visit or deletion shows at once, on SQLite and
PostgreSQL alike; a write today leaves the cached figures alone, and reading them costs one query."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompaniment import dashboard as d
from clients.models import FiguresVersion, Visit
from clients.tests import factories as cf
from sales.models import Sale
from sales.tests import factories as sf
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def closed(settings):
    """The month so far, compared with the same days of last month (closed); the cache on."""
    settings.DASHBOARD_CLOSED_CACHE_SECONDS = 3600
    # A cache key prefix of this test's own rather than cache.clear(): on Redis clear() is a
    # FLUSHDB, which emptied the cache under a test of this file running in another worker.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"closed-{uuid.uuid4().hex}"}}
    period = d.Period.of_preset("this_month", timezone.localdate())
    previous = period.previous()
    assert previous.end < period.today
    department = stf.DepartmentFactory(name="Fitness", code="fitness")
    client = cf.ClientFactory()
    plan = cf.MembershipPlanFactory(name="Gym", category="gym")
    card = cf.MembershipFactory(client=client, plan=plan, start_date=previous.start - datetime.timedelta(days=40),
                                end_date=period.today + datetime.timedelta(days=60))
    sf.SaleFactory(client=client, department=department, unit_price=Decimal(500), sold_at=at(previous.start))
    return {"period": period, "previous": previous, "department": department, "client": client, "card": card}


def shown(period) -> dict:
    """The previous period's figures as the dashboard's headline shows them."""
    return {row["key"]: row["previous"] for row in d.kpis(period)}


def test_a_backdated_sale_visit_or_deletion_shows_at_once(closed):
    period, previous = closed["period"], closed["previous"]
    first = shown(period)
    assert first["revenue"] == Decimal(500)
    assert shown(period) == first  # read back from the cache

    backdated = sf.SaleFactory(client=closed["client"], department=closed["department"], unit_price=Decimal(200),
                               sold_at=at(previous.start, 15))
    assert shown(period)["revenue"] == Decimal(700)

    visits_before = shown(period)["visits_per_member_week"]
    cf.VisitFactory(client=closed["client"], membership=closed["card"], checked_in_at=at(previous.start, 9))
    assert shown(period)["visits_per_member_week"] > (visits_before or 0)

    Sale.objects.filter(pk=backdated.pk).delete()  # a bulk delete: no signal, the trigger sees it
    assert shown(period)["revenue"] == Decimal(500)
    Visit.objects.filter(membership=closed["card"]).delete()
    assert shown(period)["visits_per_member_week"] == visits_before


def test_a_write_today_leaves_the_closed_figures_cached_and_they_cost_one_query(closed):
    period, previous = closed["period"], closed["previous"]
    first = shown(period)
    version = FiguresVersion.of(previous.start, previous.end)

    # Today's sale and check-in: this month's version moves, the closed period's does not.
    sf.SaleFactory(client=closed["client"], department=closed["department"], unit_price=Decimal(900),
                   sold_at=timezone.now() - datetime.timedelta(minutes=5))
    cf.VisitFactory(client=closed["client"], membership=closed["card"], checked_in_at=timezone.now())
    assert FiguresVersion.of(previous.start, previous.end) == version
    assert FiguresVersion.of(period.start, period.end) > 0

    with CaptureQueriesContext(connection) as current:
        d.kpi_values(period)
    with CaptureQueriesContext(connection) as both:
        again = shown(period)
    assert again == first
    assert len(both) == len(current) + 1  # the closed period: its version, nothing recomputed


def test_the_cache_is_left_out_for_a_period_not_yet_closed(closed, settings):
    period = closed["period"]  # ends today: never kept
    calls = []

    def compute(p):
        calls.append(p)
        return {"n": len(calls)}

    assert d.closed_values(period, compute) == {"n": 1}
    assert d.closed_values(period, compute) == {"n": 2}
    previous = closed["previous"]
    assert d.closed_values(previous, compute) == {"n": 3}
    assert d.closed_values(previous, compute) == {"n": 3}
    settings.DASHBOARD_CLOSED_CACHE_SECONDS = 0
    assert d.closed_values(previous, compute) == {"n": 4}
