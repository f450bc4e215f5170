"""The front desk's screen (``/desk/``): find by card number, name or phone; check in with the
card's state and warnings; sell a plan or a service; take a freeze request; today's bookings and
arrivals — through the apps' services, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Task, Visit
from clients.tests import factories as cf
from programs.tests import factories as pf
from sales.models import Sale
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NOW = timezone.now()


@pytest.fixture
def club(manager):
    stf.DepartmentFactory(code="fitness", name="Fitness")
    plan = cf.MembershipPlanFactory(name="Gym, 1 month", category="gym", duration_days=30, visit_limit=12,
                                    price=Decimal("1500.00"))
    iryna = cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", phone="+380501234567", assigned_manager=manager)
    card = cf.MembershipFactory(client=iryna, plan=plan, card_number="10001234",
                                start_date=TODAY - datetime.timedelta(days=25))
    return {"plan": plan, "iryna": iryna, "card": card}


@pytest.fixture
def desk(client, frontdesk):
    client.force_login(frontdesk)
    return client


def test_the_front_desk_lands_on_the_desk(desk):
    response = desk.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("desk")


def test_a_scanned_card_number_opens_its_holder_at_once(desk, club):
    response = desk.get(reverse("desk"), {"q": "10001234"})
    assert response.context["client"] == club["iryna"]
    assert response.context["card"] == club["card"]
    html = response.content.decode()
    assert 'data-testid="desk-check-in"' in html and "disabled" not in html.split('data-testid="desk-check-in"')[1][:20]


@pytest.mark.parametrize("typed", ["+38 (050) 123-45-67", "050 123 45 67", "4567", "bondar"])
def test_a_phone_however_typed_or_a_name_finds_the_client(desk, club, typed):
    response = desk.get(reverse("desk"), {"q": typed})
    assert response.context["client"] == club["iryna"]


def test_the_warnings_are_shown_before_the_check_in(desk, club):
    club["card"].visits_used = 11  # one left of 12; the card ends in 4 days
    club["card"].save()
    response = desk.get(reverse("desk"), {"client": club["iryna"].pk})
    assert [kind for kind, _card in response.context["warnings"]] == ["expiring", "few_visits"]


def test_a_refused_check_in_says_why_before_anyone_clicks(desk, club):
    club["card"].end_date = TODAY - datetime.timedelta(days=1)
    club["card"].save()
    response = desk.get(reverse("desk"), {"client": club["iryna"].pk})
    assert response.context["card"] is None
    assert "10001234 expired on" in response.context["refusal"]


def test_check_in_counts_the_visit_and_comes_back_to_the_desk(desk, club):
    response = desk.post(reverse("desk-check-in", args=[club["iryna"].pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("desk") + f"?client={club['iryna'].pk}"
    assert "Iryna Bondarenko checked in on card 10001234. Visits left: 11." in response.content.decode()
    club["card"].refresh_from_db()
    assert club["card"].visits_used == 1
    assert [v.client for v in response.context["day"]["arrivals"]] == [club["iryna"]]


def test_a_second_check_in_the_same_day_asks_then_checks_in_again(desk, club):
    desk.post(reverse("desk-check-in", args=[club["iryna"].pk]))
    asked = desk.post(reverse("desk-check-in", args=[club["iryna"].pk]), follow=True)
    assert asked.context["again"] is True
    assert "was checked in already today" in asked.content.decode()
    assert Visit.objects.count() == 1

    desk.post(reverse("desk-check-in", args=[club["iryna"].pk]), {"confirm": "1"})
    assert Visit.objects.count() == 2


def sell_data(club, **changes):
    data = {"plan": club["plan"].pk, "start_date": (TODAY + datetime.timedelta(days=5)).isoformat(),
            "card_number": "", "discount": "150.00", "idempotency_key": "desk-form-1"}
    data.update(changes)
    return data


def test_selling_a_plan_with_a_discount_writes_the_card_and_its_ledger_row_once(desk, club, frontdesk):
    url = reverse("desk-sell-plan", args=[club["iryna"].pk])
    response = desk.post(url, sell_data(club), follow=True)
    desk.post(url, sell_data(club))  # sent twice

    sale = Sale.objects.get(kind="membership")
    assert (sale.unit_price, sale.discount, sale.amount, sale.seller) == (
        Decimal("1500.00"), Decimal("150.00"), Decimal("1350.00"), frontdesk)
    assert "1,350.00 UAH" in response.content.decode()
    assert club["iryna"].memberships.count() == 2


def test_a_discount_above_the_limit_is_refused_next_to_the_discount_on_the_desk(desk, club):
    response = desk.post(reverse("desk-sell-plan", args=[club["iryna"].pk]), sell_data(club, discount="500"))
    assert response.status_code == 200
    assert "director's decision" in response.context["sell_form"].errors["discount"][0]
    assert response.context["open_form"] == "sell"
    assert not Sale.objects.exists()


def test_the_sell_form_at_the_desk_preselects_the_clients_plan_and_the_renewal_start(desk, club):
    form = desk.get(reverse("desk"), {"client": club["iryna"].pk}).context["sell_form"]
    assert form.initial["plan"] == club["plan"].pk
    assert form.initial["start_date"] == club["card"].end_date + datetime.timedelta(days=1)


def test_selling_a_service_at_the_desk(desk, club):
    massage = stf.ServiceFactory(name="Classic massage", price=Decimal("900.00"))
    desk.post(reverse("desk-sell-service", args=[club["iryna"].pk]),
              {"service": massage.pk, "quantity": "1", "discount": "", "idempotency_key": "s-1"})
    sale = Sale.objects.get()
    assert (sale.kind, sale.service, sale.amount) == ("service", massage, Decimal("900.00"))


def test_a_freeze_request_goes_to_the_clients_manager(desk, club, manager):
    response = desk.post(reverse("desk-freeze-request", args=[club["iryna"].pk]), {
        "membership": club["card"].pk, "start_date": TODAY.isoformat(), "days": "7", "reason": "Business trip",
    }, follow=True)
    task = Task.objects.get()
    assert (task.assigned_to, task.kind) == (manager, Task.Kind.FREEZE_REQUEST)
    assert "Freeze request passed to" in response.content.decode()


def test_todays_bookings_show_who_has_arrived(desk, club):
    other = cf.ClientFactory(first_name="Petro")
    for person in (club["iryna"], other):
        item = pf.ProgramItemFactory(program__client=person)
        pf.SessionFactory(item=item, scheduled_at=timezone.localtime().replace(hour=12, minute=0))
    cf.VisitFactory(client=club["iryna"], membership=club["card"], checked_in_at=NOW)

    bookings = desk.get(reverse("desk")).context["day"]["bookings"]

    assert {(s.item.program.client.first_name, s.arrived) for s in bookings} == {("Iryna", True), ("Petro", False)}


def test_a_manager_at_the_desk_finds_only_their_own_clients(client, club, make_user):
    from core import roles

    client.force_login(make_user(roles.MANAGER))
    response = client.get(reverse("desk"), {"q": "10001234"})
    assert "client" not in response.context and response.context["found"] == []
    assert client.post(reverse("desk-check-in", args=[club["iryna"].pk])).status_code == 404
    assert not Visit.objects.exists()


def grow(n: int, plan):
    for index in range(n):
        person = cf.ClientFactory()
        card = cf.MembershipFactory(client=person, plan=plan)
        cf.VisitFactory(client=person, membership=card, checked_in_at=NOW)
        item = pf.ProgramItemFactory(program__client=person)
        pf.SessionFactory(item=item, scheduled_at=NOW)
        cf.MembershipFactory(client=person, plan=plan, start_date=TODAY - datetime.timedelta(days=90),
                             end_date=TODAY - datetime.timedelta(days=60))


def test_the_desk_runs_a_fixed_number_of_queries_whatever_the_day(desk, club):
    url = reverse("desk") + f"?q=10001234"
    grow(2, club["plan"])
    with CaptureQueriesContext(connection) as small:
        assert desk.get(url).status_code == 200
    grow(12, club["plan"])
    with CaptureQueriesContext(connection) as big:
        assert desk.get(url).status_code == 200
    assert len(small) == len(big), [q["sql"][:120] for q in big.captured_queries]
