"""The managers' table keeps the figures of its closed months (revenue, ended and renewed cards,
offers, complaints resolved) in the closed-period cache (``closed.py``) and computes only the
running month anew: the table is the one computed in full, and a backdated sale, refund or
deletion, a renewal today, or a client moved to another manager — whatever the door — shows at
once, on SQLite and PostgreSQL alike."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompaniment import dashboard as d
from accompaniment.dashboard.tables import closed_and_running
from clients.models import Client, FiguresVersion
from core import roles
from clients.tests import factories as cf
from sales.models import Offer, Sale
from sales.tests import factories as sf
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db

FIELDS = ("clients", "at_risk", "renewals_due", "ended", "renewed", "offers_made", "offers_accepted", "revenue",
          "complaints_open", "complaints_resolved")


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def table(period) -> dict:
    return {m.username: {name: getattr(m, name) for name in FIELDS} for m in d.managers_table(period)}


def in_full(period, settings, shown=table) -> dict:
    """The table (or what ``shown`` shows) computed without the closed-period cache (every figure anew)."""
    seconds, settings.DASHBOARD_CLOSED_CACHE_SECONDS = settings.DASHBOARD_CLOSED_CACHE_SECONDS, 0
    try:
        return shown(period)
    finally:
        settings.DASHBOARD_CLOSED_CACHE_SECONDS = seconds


def headline(period) -> dict:
    return d.kpi_values(period)


@pytest.fixture
def club(settings, make_user):
    """Two managers; the year's rows in closed months and in the running one; the cache on."""
    settings.DASHBOARD_CLOSED_CACHE_SECONDS = 3600
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"managers-{uuid.uuid4().hex}"}}
    today = timezone.localdate()
    year = d.Period.of_preset("last_12_months", today)
    back = d.add_months(today.replace(day=1), -3) + datetime.timedelta(days=2)  # a closed month
    ann, bob = make_user(roles.MANAGER, username="ann-t"), make_user(roles.MANAGER, username="bob-t")
    department = stf.DepartmentFactory(name="Fitness", code="fitness")
    plan = cf.MembershipPlanFactory(name="Gym", category="gym", department_code="fitness")
    client, other = cf.ClientFactory(assigned_manager=ann), cf.ClientFactory(assigned_manager=bob)
    cf.MembershipFactory(client=client, plan=plan, start_date=back - datetime.timedelta(days=29), end_date=back)
    cf.MembershipFactory(client=client, plan=plan, start_date=back + datetime.timedelta(days=3),
                         end_date=today + datetime.timedelta(days=20))
    cf.MembershipFactory(client=other, plan=plan, start_date=back - datetime.timedelta(days=40),
                         end_date=back - datetime.timedelta(days=5))
    for who, day in ((client, back), (client, today), (other, back)):
        sf.SaleFactory(client=who, department=department, unit_price=Decimal(500), sold_at=at(day, 9))
    sf.SaleFactory(client=client, department=department, kind=Sale.Kind.REFUND, service=None,
                   unit_price=Decimal(120), sold_at=at(back, 10))
    sf.OfferFactory(client=client, manager=ann, offered_at=at(back), outcome=Offer.Outcome.ACCEPTED)
    sf.OfferFactory(client=other, manager=bob, offered_at=at(back))
    sf.OfferFactory(client=client, manager=ann, offered_at=timezone.now() - datetime.timedelta(minutes=5))
    stf.FeedbackFactory(client=client, kind=Feedback.Kind.COMPLAINT, status=Feedback.Status.RESOLVED,
                        resolution="Apologised", received_at=at(back, 8), resolved_at=at(back, 18))
    stf.FeedbackFactory(client=other, kind=Feedback.Kind.COMPLAINT, received_at=at(back, 8))
    return {"year": year, "back": back, "ann": ann, "bob": bob, "client": client, "other": other,
            "department": department, "plan": plan}


def test_the_year_is_cut_at_the_running_months_first_day(settings):
    settings.DASHBOARD_CLOSED_CACHE_SECONDS = 3600
    today = datetime.date(2026, 12, 7)
    now = timezone.make_aware(datetime.datetime(2026, 12, 7, 12))
    year = d.Period.of_preset("last_12_months", today, now=now)
    closed, running = closed_and_running(year)
    assert (closed.start, closed.end) == (datetime.date(2025, 12, 8), datetime.date(2026, 11, 30))
    assert (running.start, running.end) == (datetime.date(2026, 12, 1), today)
    month = d.Period.of_preset("this_month", today, now=now)
    assert closed_and_running(month) == (None, month)
    last_month = d.Period.of_preset("last_month", today, now=now)
    assert closed_and_running(last_month) == (last_month, None)


def test_with_the_cache_off_nothing_is_cut(settings):
    settings.DASHBOARD_CLOSED_CACHE_SECONDS = 0
    year = d.Period.of_preset("last_12_months", timezone.localdate())
    assert closed_and_running(year) == (None, year)


@pytest.mark.parametrize("preset", ["last_12_months", "this_year", "last_month", "this_month"])
@pytest.mark.parametrize("by_department", [False, True])
def test_the_table_read_back_is_the_table_computed_in_full(club, settings, preset, by_department):
    period = d.Period.of_preset(preset, timezone.localdate(), club["department"] if by_department else None)
    first = table(period)
    assert first == in_full(period, settings)
    assert table(period) == first  # the closed months read back
    assert headline(period) == in_full(period, settings, headline)  # the renewal rate's closed months too
    if preset == "last_12_months" and not by_department:  # the complaints are about another's staff
        assert first["ann-t"] == {
            "clients": 1, "at_risk": first["ann-t"]["at_risk"], "renewals_due": 1, "ended": 1, "renewed": 1,
            "offers_made": 2, "offers_accepted": 1, "revenue": Decimal("880.00"),
            "complaints_open": 0, "complaints_resolved": 1,
        }
        assert (first["bob-t"]["ended"], first["bob-t"]["revenue"], first["bob-t"]["complaints_open"]) == (
            1, Decimal("500.00"), 1)


def test_a_backdated_sale_refund_or_deletion_in_a_closed_month_shows_at_once(club, settings):
    year, back = club["year"], club["back"]
    assert table(year)["ann-t"]["revenue"] == Decimal("880.00")
    sale = sf.SaleFactory(client=club["client"], department=club["department"], unit_price=Decimal(300),
                          sold_at=at(back, 15))
    assert table(year)["ann-t"]["revenue"] == Decimal("1180.00")
    refund = sf.SaleFactory(client=club["client"], department=club["department"], kind=Sale.Kind.REFUND,
                            service=None, unit_price=Decimal(100), sold_at=at(back, 16))
    assert table(year)["ann-t"]["revenue"] == Decimal("1080.00")
    Sale.objects.filter(pk__in=[sale.pk, refund.pk]).delete()  # a bulk delete: no signal, the trigger sees it
    assert table(year)["ann-t"]["revenue"] == Decimal("880.00")
    Offer.objects.filter(manager=club["bob"]).update(outcome=Offer.Outcome.ACCEPTED)
    assert table(year)["bob-t"]["offers_accepted"] == 1
    assert table(year) == in_full(year, settings)


def test_a_renewal_today_of_a_card_ended_in_a_closed_month_shows_at_once(club, settings):
    year = club["year"]
    ended_on = year.today.replace(day=1) - datetime.timedelta(days=1)  # last month's last day
    client = cf.ClientFactory(assigned_manager=club["bob"])
    cf.MembershipFactory(client=client, plan=club["plan"], start_date=ended_on - datetime.timedelta(days=29),
                         end_date=ended_on)
    before, rate_before = table(year)["bob-t"], headline(year)["renewal_rate"]
    start = min(year.today, ended_on + datetime.timedelta(days=14))
    cf.MembershipFactory(client=client, plan=club["plan"], start_date=start, end_date=start + datetime.timedelta(days=29))
    after = table(year)["bob-t"]
    assert (after["ended"], after["renewed"]) == (before["ended"], before["renewed"] + 1)
    assert table(year) == in_full(year, settings)
    assert headline(year)["renewal_rate"] > rate_before
    assert headline(year) == in_full(year, settings, headline)


def test_a_client_moved_to_another_manager_takes_their_closed_months_along_at_once(club, settings):
    year, client = club["year"], club["client"]
    first = table(year)
    version = FiguresVersion.of(year.start, year.end, FiguresVersion.MANAGERS)

    client.assigned_manager = club["bob"]  # the card's form, the admin site: a save
    client.save()
    moved = table(year)
    assert FiguresVersion.of(year.start, year.end, FiguresVersion.MANAGERS) > version
    assert moved["ann-t"]["revenue"] == Decimal("0.00")
    assert moved["bob-t"]["revenue"] == first["ann-t"]["revenue"] + first["bob-t"]["revenue"]
    assert moved["bob-t"]["complaints_resolved"] == 1
    assert moved == in_full(year, settings)

    Client.objects.filter(pk=client.pk).update(assigned_manager=club["ann"])  # an import, a bulk action
    assert table(year) == first

    get_user_model().objects.filter(pk=club["bob"].pk).delete()  # the manager's user deleted: SET NULL
    assert "bob-t" not in table(year)
    assert table(year) == in_full(year, settings)


def test_a_write_that_moves_no_client_leaves_the_managers_version_alone(club):
    closed, _running = closed_and_running(club["year"])
    client = club["client"]  # added today: a write on it bumps the running month only
    version = FiguresVersion.of(closed.start, closed.end, FiguresVersion.MANAGERS)
    client.first_name = "Marta"
    client.save()
    Client.objects.filter(pk=client.pk).update(assigned_manager=club["ann"])  # the same manager
    assert FiguresVersion.of(closed.start, closed.end, FiguresVersion.MANAGERS) == version
    Client.objects.filter(pk=client.pk).update(assigned_manager=None)
    assert FiguresVersion.of(closed.start, closed.end, FiguresVersion.MANAGERS) == version + 1


def test_the_managers_table_costs_the_same_queries_whatever_the_data(club):
    year = club["year"]

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as cold:  # the closed months computed (and kept)
            d.managers_table(year, {})
        with CaptureQueriesContext(connection) as warm:  # read back
            d.managers_table(year, {})
        return len(cold), len(warm)

    small = counts()
    for months_back in range(1, 11):  # backdated rows in the closed months: computed anew next time
        day = d.add_months(year.today.replace(day=1), -months_back) + datetime.timedelta(days=2)
        client = cf.ClientFactory(assigned_manager=club["bob"] if months_back % 2 else club["ann"])
        cf.MembershipFactory(client=client, plan=club["plan"], start_date=day, end_date=day + datetime.timedelta(days=20))
        sf.SaleFactory(client=client, department=club["department"], unit_price=Decimal(100), sold_at=at(day))
        sf.OfferFactory(client=client, manager=client.assigned_manager, offered_at=at(day))
    assert counts() == small
    assert small[1] < small[0]
