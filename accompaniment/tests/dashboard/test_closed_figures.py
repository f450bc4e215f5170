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


# --- The monthly series: their closed months kept the same way ------------------------------------
def month_index(period, day: datetime.date) -> int:
    return period.month_starts().index(day.replace(day=1))


def test_a_backdated_sale_in_a_closed_month_changes_the_year_views_series(closed):
    year = d.Period.of_preset("last_12_months", timezone.localdate())
    back = d.add_months(year.today.replace(day=1), -3)  # a closed month of the series
    i = month_index(year, back)
    first = d.series(year)
    assert d.series(year) == first  # the closed months read back from the cache
    assert first["revenue"]["totals"][i] == 0

    sale = sf.SaleFactory(client=closed["client"], department=closed["department"], unit_price=Decimal(300),
                          sold_at=at(back + datetime.timedelta(days=3)))
    assert d.series(year)["revenue"]["totals"][i] == Decimal(300)
    assert d.series(year) == {**d.series(year), "revenue": d.revenue_by_month(year)}  # as computed in full

    Sale.objects.filter(pk=sale.pk).delete()  # a bulk delete: no signal, the trigger sees it
    assert d.series(year) == first


def test_a_renewal_today_of_a_card_ended_last_month_changes_that_months_renewal_rate(closed):
    year = d.Period.of_preset("last_12_months", timezone.localdate())
    ended_on = year.today.replace(day=1) - datetime.timedelta(days=1)  # last month's last day
    i = month_index(year, ended_on)
    plan = cf.MembershipPlanFactory(name="Pool", category="pool")
    client = cf.ClientFactory()
    cf.MembershipFactory(client=client, plan=plan, start_date=ended_on - datetime.timedelta(days=29), end_date=ended_on)
    before = d.series(year)["renewal"]
    assert (before["ended"][i], before["renewed"][i]) == (1, 0)

    # Renewed within the 14 days after its end: today, or (later in a month) a backdated card.
    start = min(year.today, ended_on + datetime.timedelta(days=14))
    cf.MembershipFactory(client=client, plan=plan, start_date=start, end_date=start + datetime.timedelta(days=29))
    after = d.series(year)["renewal"]
    assert (after["ended"][i], after["renewed"][i]) == (1, 1)
    assert after == d.renewal_rate_by_month(year)


def test_a_write_today_leaves_the_closed_months_cached_and_they_cost_one_query(closed, settings):
    year = d.Period.of_preset("last_12_months", timezone.localdate())
    first = d.series(year)
    sf.SaleFactory(client=closed["client"], department=closed["department"], unit_price=Decimal(900),
                   sold_at=timezone.now() - datetime.timedelta(minutes=5))
    cf.VisitFactory(client=closed["client"], membership=closed["card"], checked_in_at=timezone.now())

    with CaptureQueriesContext(connection) as cached:
        again = d.series(year)
    assert again["revenue"]["totals"][:-1] == first["revenue"]["totals"][:-1]
    assert again["revenue"]["totals"][-1] == first["revenue"]["totals"][-1] + Decimal(900)
    settings.DASHBOARD_CLOSED_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as anew:
        assert d.series(year) == again
    assert len(cached) == len(anew) + 1  # the closed months: their version, nothing recomputed


def test_the_series_cost_the_same_queries_whatever_the_data(closed):
    year = d.Period.of_preset("last_12_months", timezone.localdate())

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as cold:  # the closed months computed (and kept)
            d.series(year)
        with CaptureQueriesContext(connection) as warm:  # read back
            d.series(year)
        return len(cold), len(warm)

    small = counts()
    plan = cf.MembershipPlanFactory(name="Pool", category="pool")
    for months_back in range(1, 11):  # backdated rows in the closed months: computed anew next time
        day = d.add_months(year.today.replace(day=1), -months_back) + datetime.timedelta(days=2)
        client = cf.ClientFactory()
        cf.MembershipFactory(client=client, plan=plan, start_date=day, end_date=day + datetime.timedelta(days=20))
        sf.SaleFactory(client=client, department=closed["department"], unit_price=Decimal(100), sold_at=at(day))
        stf.SurveyResponseFactory(client=client, score=months_back, answered_at=at(day))
    assert counts() == small
    assert small[1] < small[0]


def test_a_bulk_insert_bumps_each_month_it_lands_on_once_on_postgresql(closed):
    """An import writes thousands of rows a statement: the months they land on are bumped once
    per statement on PostgreSQL (a row trigger bumping the same month for each row slowed an
    import of 20,000 clients by seconds), once per row on SQLite; a month no row lands on is
    left alone."""
    period, previous = closed["period"], closed["previous"]
    version, closed_version = FiguresVersion.of(period.start, period.end), FiguresVersion.of(previous.start, previous.end)
    clients = [cf.ClientFactory.build(phone=f"+38067{n:07d}", email=f"bulk{n}@example.com") for n in range(3)]
    type(clients[0]).objects.bulk_create(clients)
    bumps = FiguresVersion.of(period.start, period.end) - version
    assert bumps == (1 if connection.vendor == "postgresql" else 3)
    assert FiguresVersion.of(previous.start, previous.end) == closed_version
    sf.SaleFactory(client=closed["client"], department=closed["department"], unit_price=Decimal(100),
                   sold_at=at(previous.start, 16))
    assert FiguresVersion.of(previous.start, previous.end) > closed_version  # a backdated row: its month
