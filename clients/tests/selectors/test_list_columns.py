"""The client list's columns compiled once a day (``client_list_columns``) read what the
subqueries they are compiled from read (``current_membership_subquery``,
``last_visit_subquery``), on any day, sorted and filtered as the list sorts and filters."""

import datetime

import pytest
from django.utils import timezone

from clients.filters import ClientFilter
from clients.models import Client, Membership
from clients.selectors import client_list_columns, current_membership_subquery, last_visit_subquery
from clients.tests import factories as cf

pytestmark = pytest.mark.django_db

COLUMNS = ("membership_end", "membership_plan", "membership_card", "last_visit")


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def subqueries(on: datetime.date) -> dict:
    return {
        "membership_end": current_membership_subquery("end_date", on),
        "membership_plan": current_membership_subquery("plan__name", on),
        "membership_card": current_membership_subquery("card_number", on),
        "last_visit": last_visit_subquery(),
    }


def read(queryset) -> list[tuple]:
    return [(client.pk, *(getattr(client, name) for name in COLUMNS)) for client in queryset]


@pytest.fixture
def club():
    running = cf.ClientFactory(last_name="Running")
    cf.MembershipFactory(client=running, start_date=day(-60), end_date=day(-31))
    cf.MembershipFactory(client=running, start_date=day(-5), end_date=day(24))
    cf.VisitFactory(client=running, checked_in_at=timezone.now() - datetime.timedelta(days=2))
    upcoming = cf.ClientFactory(last_name="Upcoming")
    cf.MembershipFactory(client=upcoming, start_date=day(3), end_date=day(32))
    expired = cf.ClientFactory(last_name="Expired")
    cf.MembershipFactory(client=expired, start_date=day(-40), end_date=day(-11))
    cancelled = cf.ClientFactory(last_name="Cancelled")
    cf.MembershipFactory(client=cancelled, start_date=day(-5), end_date=day(24),
                         status=Membership.Status.CANCELLED, cancelled_on=day(-1))
    cf.ClientFactory(last_name="Without")


@pytest.mark.parametrize("offset", [0, -20, 30])
def test_the_compiled_columns_read_what_the_subqueries_read_on_any_day(club, offset):
    on = day(offset)
    compiled = Client.objects.annotate(**client_list_columns(on)).order_by("pk")
    assert read(compiled) == read(Client.objects.annotate(**subqueries(on)).order_by("pk"))
    assert len({row[1:] for row in read(compiled)}) > 2  # the club's cards differ


@pytest.mark.parametrize("data", [{"sort": "-membership_end"}, {"sort": "last_visit"},
                                  {"membership": "active", "sort": "membership_end"}, {"q": "Running"}])
def test_the_list_sorts_and_filters_on_the_compiled_columns_as_on_the_subqueries(club, director, data):
    def listed(columns):
        client_filter = ClientFilter(data, queryset=Client.objects.annotate(**columns), user=director)
        assert client_filter.is_valid()
        return read(client_filter.qs)

    compiled, subqueried = listed(client_list_columns(day(0))), listed(subqueries(day(0)))
    assert set(compiled) == set(subqueried) and compiled  # ties may come in either order: the sort's own
    sort = data.get("sort", "").lstrip("-")
    if sort:
        column = 1 + COLUMNS.index(sort)
        assert [row[column] for row in compiled] == [row[column] for row in subqueried]
