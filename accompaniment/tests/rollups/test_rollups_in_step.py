"""The rollups (``core.rollups``: daily revenue per department, daily visits per plan, each
client's last visit, the clients per manager) stay equal to their recomputation from the raw rows whatever the doors
write: a random sequence of sales, refunds, backdated, moved and deleted sales and visits, cards
moved to another plan, erasures, clients added, reassigned and deleted, through the services and straight through the ORM (the admin
site's and the import's way), on SQLite and PostgreSQL alike. ``manage.py rollups`` finds drift
and repairs it."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accompaniment.services import client_erase
from clients.models import Client, ClientLastVisit, DailyVisits, Membership, Visit
from clients.services import clients_reassign, visit_check_in
from clients.tests.factories import ClientFactory, MembershipFactory, MembershipPlanFactory, VisitFactory
from core import roles, rollups
from sales.models import DailyRevenue, Sale
from sales.services import sale_record
from sales.tests.factories import SaleFactory
from staff.tests.factories import DepartmentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

# A moment: days back (backdated up to a year) and minutes into the day, around midnight too,
# where the club's day and UTC's differ.
moments = st.tuples(st.integers(0, 400), st.sampled_from([0, 1, 60, 119, 121, 600, 1319, 1381, 1439]))
WRITES = ["sell", "sell by hand", "refund", "backdate sale", "delete sale", "visit", "check in", "move visit",
          "delete visit", "delete visits of a day", "change plan", "delete card", "erase", "no-show", "late cancel",
          "no-show by hand", "change kind", "new client", "reassign", "reassign by hand", "delete client"]
# A late cancel or a no-show that used up a visit: a visit row of that kind, never counted as coming.
USED_UP = {"no-show": Visit.Kind.NO_SHOW, "late cancel": Visit.Kind.LATE_CANCEL}
# (what, which row or client, when, a small number: quantity, department, card or not)
operations = st.lists(st.tuples(st.sampled_from(WRITES), st.integers(0, 50), moments, st.integers(1, 3)), max_size=25)


def moment(value) -> datetime.datetime:
    days, minutes = value
    day = timezone.localdate() - datetime.timedelta(days=days)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return min(start + datetime.timedelta(minutes=minutes), timezone.now() - datetime.timedelta(seconds=1))


@pytest.fixture
def club(director, make_user):
    departments = [DepartmentFactory(code="fitness", name="Fitness"), DepartmentFactory(code="spa", name="SPA")]
    services = [ServiceFactory(department=d, price=Decimal("350.50")) for d in departments]
    plans = [MembershipPlanFactory(name="Gym", department_code="fitness", category="gym", duration_days=900),
             MembershipPlanFactory(name="Spa", department_code="spa", category="spa", duration_days=900)]
    managers = [make_user(roles.MANAGER), make_user(roles.MANAGER)]
    clients = [ClientFactory(assigned_manager=managers[i % 2] if i % 3 else None) for i in range(6)]
    start = timezone.localdate() - datetime.timedelta(days=420)
    cards = [MembershipFactory(client=c, plan=plans[i % 2], start_date=start) for i, c in enumerate(clients)]
    return {"director": director, "departments": departments, "services": services, "plans": plans,
            "clients": clients, "cards": cards, "managers": [*managers, None]}


def pick(queryset, index):
    rows = list(queryset.order_by("pk").values_list("pk", flat=True))
    return rows[index % len(rows)] if rows else None


def apply(club, operation) -> None:
    name, n, when, k = operation
    client = club["clients"][n % len(club["clients"])]
    at = moment(when)
    if name in ("sell", "refund", "sell by hand"):
        service = club["services"][k % 2]
        if name == "sell by hand":  # the admin site's and the import's way: a row saved as is
            SaleFactory(client=client, department=service.department, service=service, quantity=k,
                        unit_price=Decimal("99.99"), amount=Decimal("99.99") * k, sold_at=at)
            return
        try:
            sale_record(client=client, kind=Sale.Kind.REFUND if name == "refund" else Sale.Kind.SERVICE,
                        user=club["director"], service=service, quantity=k, sold_at=at)
        except ValidationError:
            pass  # an erased client buys nothing more
    elif name == "backdate sale" and (pk := pick(Sale.objects, n)):
        sale = Sale.objects.get(pk=pk)
        sale.sold_at = at
        sale.department = club["departments"][k % 2]
        sale.save()
    elif name == "delete sale" and (pk := pick(Sale.objects, n)):
        Sale.objects.filter(pk=pk).delete()
    elif name == "visit":
        card = Membership.objects.filter(client=client).first()
        VisitFactory(client=client, membership=card if k > 1 else None, checked_in_at=at)
    elif name == "check in":
        try:
            visit_check_in(client=client, user=club["director"], at=at, again=True)
        except ValidationError:
            pass  # no card running that day, or erased
    elif name in USED_UP:  # the schedule's way (``programs.scheduling.use_visit``)
        try:
            visit_check_in(client=client, user=club["director"], at=at, again=True, kind=USED_UP[name])
        except ValidationError:
            pass
    elif name == "no-show by hand":
        card = Membership.objects.filter(client=client).first()
        VisitFactory(client=client, membership=card if k > 1 else None, checked_in_at=at, kind=Visit.Kind.NO_SHOW)
    elif name == "change kind" and (pk := pick(Visit.objects, n)):  # the admin site's edit
        visit = Visit.objects.get(pk=pk)
        visit.kind = list(Visit.Kind)[k % 3]
        visit.save()
    elif name == "move visit" and (pk := pick(Visit.objects, n)):
        visit = Visit.objects.get(pk=pk)
        visit.checked_in_at = at
        visit.client = client if k == 3 else visit.client
        visit.save()
    elif name == "delete visit" and (pk := pick(Visit.objects, n)):
        Visit.objects.get(pk=pk).delete()
    elif name == "delete visits of a day":  # one statement deleting several rows
        Visit.objects.filter(client=client, checked_in_at__gte=at - datetime.timedelta(days=30)).delete()
    elif name == "change plan":
        Membership.objects.filter(client=client).update(plan=club["plans"][k % 2])
    elif name == "delete card":
        Membership.objects.filter(client=client, sales__isnull=True).delete()
    elif name == "new client":
        ClientFactory(assigned_manager=club["managers"][k % 3])
    elif name == "reassign":  # the director's page, one client at a time
        clients_reassign(clients=Client.objects.filter(pk=client.pk), to=club["managers"][k % 2], by=club["director"])
    elif name == "reassign by hand":  # the admin site's way, and a manager's clients left without one
        Client.objects.filter(pk=pick(Client.objects, n)).update(assigned_manager=club["managers"][k % 3])
    elif name == "delete client" and (pk := pick(Client.objects.exclude(pk__in=[c.pk for c in club["clients"]]), n)):
        Client.objects.filter(pk=pk).delete()
    elif name == "erase":
        Membership.objects.filter(client=client).update(
            end_date=timezone.localdate() - datetime.timedelta(days=1))
        try:
            client_erase(client=client, by=club["director"], reason="Asked by e-mail")
        except ValidationError:
            pass  # erased already


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_every_rollup_equals_its_recomputation_after_any_sequence_of_writes(club, sequence):
    for operation in sequence:
        apply(club, operation)
    assert rollups.check() == {rollup.name: 0 for rollup in rollups.registered()}


def test_the_rollups_hold_the_club_days_totals(club):
    """A sale at 00:30 club time belongs to that club day (the day before in UTC)."""
    department, service = club["departments"][0], club["services"][0]
    day = timezone.localdate() - datetime.timedelta(days=3)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 30)))
    sale_record(client=club["clients"][0], kind=Sale.Kind.SERVICE, user=club["director"], service=service,
                quantity=2, sold_at=at)
    row = DailyRevenue.objects.get(day=day, department=department)
    assert (row.revenue, row.sales) == (Decimal("701.00"), 1)
    visit = VisitFactory(client=club["clients"][0], membership=club["cards"][0], checked_in_at=at)
    assert DailyVisits.objects.get(day=day, plan=club["plans"][0]).visits == 1
    assert ClientLastVisit.objects.get(client=club["clients"][0]).checked_in_at == at
    visit.delete()
    assert not DailyVisits.objects.filter(day=day).exists()
    assert not ClientLastVisit.objects.filter(client=club["clients"][0]).exists()


def test_a_no_show_uses_the_card_but_is_not_the_last_visit_nor_a_visit_of_the_day(club):
    client, card, plan = club["clients"][0], club["cards"][0], club["plans"][0]
    day = timezone.localdate() - datetime.timedelta(days=2)
    came = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    visit_check_in(client=client, user=club["director"], at=came)
    later = came + datetime.timedelta(hours=8)
    no_show = visit_check_in(client=client, user=club["director"], at=later, again=True, kind=Visit.Kind.NO_SHOW)
    visit_check_in(client=client, user=club["director"], at=later + datetime.timedelta(hours=1), again=True,
                   kind=Visit.Kind.LATE_CANCEL)
    card.refresh_from_db()
    assert card.visits_used == 3  # the card counts every visit used
    assert ClientLastVisit.objects.get(client=client).checked_in_at == came
    assert DailyVisits.objects.get(day=day, plan=plan).visits == 1
    no_show.kind = Visit.Kind.ATTENDED  # corrected in the admin site: the client did come
    no_show.save()
    assert ClientLastVisit.objects.get(client=client).checked_in_at == later
    assert DailyVisits.objects.get(day=day, plan=plan).visits == 2
    Membership.objects.filter(pk=card.pk).update(plan=club["plans"][1])
    assert DailyVisits.objects.get(day=day, plan=club["plans"][1]).visits == 2
    assert rollups.check() == {rollup.name: 0 for rollup in rollups.registered()}


def test_the_command_finds_drift_and_repairs_it(club):
    sale_record(client=club["clients"][0], kind=Sale.Kind.SERVICE, user=club["director"],
                service=club["services"][0], quantity=1)
    VisitFactory(client=club["clients"][1], membership=club["cards"][1])
    out = StringIO()
    call_command("rollups", "--check", stdout=out)
    assert "differ" not in out.getvalue()
    with connection.cursor() as cursor:  # drift no door of the product makes: a hand-edited rollup
        cursor.execute(f"UPDATE {DailyRevenue._meta.db_table} SET revenue = revenue + 1")
        cursor.execute(f"DELETE FROM {ClientLastVisit._meta.db_table}")
    with pytest.raises(CommandError, match="rollups --rebuild"):
        call_command("rollups", "--check", stdout=(out := StringIO()))
    assert "revenue per day and department: 2 rows differ" in out.getvalue()  # stale and missing
    assert "last visit per client: 1 rows differ" in out.getvalue()
    call_command("rollups", "--rebuild", stdout=StringIO())
    assert rollups.check() == {rollup.name: 0 for rollup in rollups.registered()}
