"""Selling a card: one sales service (``membership_sell``) for the card's page, the accepted offer,
the admin site and the import. It writes the card and its row in the ledger in one transaction,
with the discount of a running promotion or a manual one within its limit, the price the plan's
unless the director says otherwise, and a form sent twice sells once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Membership
from clients.tests import factories as cf
from sales import services
from sales.models import Offer, Sale
from sales.tests import factories as sf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fitness")]

TODAY = timezone.localdate()


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)




@pytest.fixture
def member(manager):
    return cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)


def running_promotion(plan, **values):
    promotion = sf.PromotionFactory(starts_on=day(-1), ends_on=day(10), **values)
    promotion.plans.add(plan)
    return promotion


# --- the service --------------------------------------------------------------------------------
def test_a_card_sold_is_one_row_in_the_ledger_of_the_plans_department(member, plan, manager, fitness):
    membership = services.membership_sell(client=member, plan=plan, start_date=day(0), seller=manager)

    (sale,) = Sale.objects.all()
    assert (sale.membership, sale.kind, sale.department, sale.seller) == (membership, "membership", fitness, manager)
    assert (sale.unit_price, sale.discount, sale.amount) == (Decimal("1500.00"), 0, Decimal("1500.00"))
    assert (membership.end_date, membership.visit_limit, membership.price) == (day(29), 12, Decimal("1500.00"))
    assert sale.note == membership.card_number


def test_a_manual_discount_within_the_limit_is_given_and_the_card_costs_the_rest(member, plan, manager):
    membership = services.membership_sell(
        client=member, plan=plan, start_date=day(0), seller=manager, discount=Decimal("150.00")
    )
    sale = Sale.objects.get()
    assert (sale.unit_price, sale.discount, sale.amount) == (Decimal("1500.00"), Decimal("150.00"), Decimal("1350.00"))
    assert membership.price == Decimal("1350.00")  # the price paid


def test_a_manual_discount_beyond_the_limit_is_the_directors(member, plan, manager, director):
    with pytest.raises(ValidationError) as refused:
        services.membership_sell(
            client=member, plan=plan, start_date=day(0), seller=manager, discount=Decimal("150.01")
        )
    assert refused.value.message_dict == {
        "discount": ["A discount above 10% of the price (150.00) is the director's decision."]
    }
    assert not Membership.objects.exists() and not Sale.objects.exists()

    services.membership_sell(client=member, plan=plan, start_date=day(0), seller=director, discount=Decimal("500"))
    assert Sale.objects.get().amount == Decimal("1000.00")


def test_only_the_director_sells_at_another_price(member, plan, manager, director):
    with pytest.raises(ValidationError) as refused:
        services.membership_sell(client=member, plan=plan, start_date=day(0), seller=manager, price=Decimal("1000"))
    assert list(refused.value.message_dict) == ["price"]
    assert not Sale.objects.exists()

    services.membership_sell(
        client=member, plan=plan, start_date=day(0), seller=manager, user=director, price=Decimal("1000")
    )
    sale = Sale.objects.get()
    assert (sale.unit_price, sale.seller, sale.created_by) == (Decimal("1000.00"), manager, director)


def test_a_running_promotion_of_the_plan_gives_its_discount(member, plan, manager):
    promotion = running_promotion(plan, discount_percent=Decimal("20"))
    services.membership_sell(client=member, plan=plan, start_date=day(0), seller=manager, promotion=promotion)
    sale = Sale.objects.get()
    assert (sale.promotion, sale.discount, sale.amount) == (promotion, Decimal("300.00"), Decimal("1200.00"))


@pytest.mark.parametrize("problem", ["ended", "another plan", "and a discount"])
def test_a_promotion_that_does_not_apply_is_refused(member, plan, manager, problem):
    promotion = running_promotion(plan, discount_percent=Decimal("20"))
    extra = {}
    if problem == "ended":
        promotion.ends_on = promotion.starts_on = day(-5)
        promotion.save()
    elif problem == "another plan":
        promotion.plans.set([cf.MembershipPlanFactory(name="SPA")])
    else:
        extra = {"discount": Decimal("10")}
    with pytest.raises(ValidationError) as refused:
        services.membership_sell(
            client=member, plan=plan, start_date=day(0), seller=manager, promotion=promotion, **extra
        )
    assert set(refused.value.message_dict) & {"promotion", "discount"}
    assert not Sale.objects.exists() and not Membership.objects.exists()


def test_a_plan_no_longer_on_sale_is_refused_but_an_import_records_it(member, manager):
    old = cf.MembershipPlanFactory(name="Old plan", is_active=False)
    with pytest.raises(ValidationError) as refused:
        services.membership_sell(client=member, plan=old, start_date=day(0), seller=manager)
    assert refused.value.message_dict == {"plan": ["This plan is no longer on sale."]}

    services.membership_sell(
        client=member, plan=old, start_date=day(-300), seller=manager, price=Decimal("999"), imported=True
    )
    assert Sale.objects.get().amount == Decimal("999.00")


def test_the_same_form_token_sells_once(member, plan, manager):
    first = services.membership_sell(client=member, plan=plan, start_date=day(0), seller=manager, idempotency_key="t-1")

    with pytest.raises(services.AlreadySold) as again:
        services.membership_sell(client=member, plan=plan, start_date=day(0), seller=manager, idempotency_key="t-1")

    assert again.value.membership == first
    assert Membership.objects.count() == Sale.objects.count() == 1


def test_an_erased_client_buys_nothing(member, plan, manager):
    Client.objects.filter(pk=member.pk).update(erased_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        services.membership_sell(client=member, plan=plan, start_date=day(0), seller=manager)
    assert list(refused.value.message_dict) == ["client"]
    assert not Membership.objects.exists() and not Sale.objects.exists()


@pytest.fixture
def trusted(member):
    """A client at the trust stage, whom the policy allows two offers a month."""
    sf.UpsellPolicyFactory(stage="trust", max_offers_per_30_days=2, min_days_after_decline=14)
    cf.MembershipFactory(client=member, start_date=day(-40), end_date=day(20))
    for days_ago in range(4):
        cf.VisitFactory(client=member, checked_in_at=timezone.now() - datetime.timedelta(days=days_ago))
    return member


def test_an_accepted_offer_of_a_plan_sells_it_with_the_offers_promotion_in_one_write(trusted, plan, manager):
    promotion = running_promotion(plan, discount_percent=Decimal("0"), discount_amount=Decimal("100"))
    offer = services.offer_record(
        client=trusted, manager=manager, plan=plan, promotion=promotion, source=Offer.Source.PROMOTION,
        outcome=Offer.Outcome.ACCEPTED,
    )
    sale = Sale.objects.get(offer=offer)
    assert (sale.promotion, sale.discount, sale.amount) == (promotion, Decimal("100.00"), Decimal("1400.00"))
    assert sale.membership.start_date == day(21)  # after the current card
    assert sale.history.count() == 1  # written once, never fetched back and patched


def test_an_offer_accepted_later_sells_through_the_same_service(trusted, plan, manager):
    offer = services.offer_record(client=trusted, manager=manager, plan=plan)
    assert not Sale.objects.exists()
    services.offer_set_outcome(offer=offer, outcome=Offer.Outcome.ACCEPTED, reason="", user=manager)
    sale = Sale.objects.get()
    assert (sale.offer, sale.membership.plan, sale.amount) == (offer, plan, Decimal("1500.00"))


# --- the sell page ------------------------------------------------------------------------------
@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


def sell_url(member) -> str:
    return reverse("sales:membership-sell", args=[member.pk])


def test_the_sell_page_shows_each_plans_price_before_selling(as_manager, member, plan):
    cf.MembershipPlanFactory(name="Old plan", price=Decimal("777.00"), is_active=False)
    page = as_manager.get(sell_url(member)).content.decode()
    assert "Gym, 1 month · 1,500.00 UAH" in page  # in the plan's choice
    assert 'data-testid="plan-prices"' in page
    assert "777.00" not in page


def test_selling_from_the_card_writes_the_card_and_the_ledger(as_manager, member, plan):
    response = as_manager.post(sell_url(member), {"plan": plan.pk, "start_date": day(0).isoformat()})
    assert response.status_code == 302
    membership = member.memberships.get()
    assert (membership.end_date, membership.visit_limit) == (day(29), 12)
    sale = membership.sales.get()
    assert (sale.amount, sale.department.code, sale.kind) == (plan.price, "fitness", "membership")


def test_a_sell_form_sent_twice_lands_on_the_card_with_already_sold(as_manager, member, plan):
    token = as_manager.get(sell_url(member)).context["form"].initial["idempotency_key"]
    data = {"plan": plan.pk, "start_date": day(0).isoformat(), "idempotency_key": token}
    as_manager.post(sell_url(member), data)

    again = as_manager.post(sell_url(member), data, follow=True)

    card = member.memberships.get()
    assert again.redirect_chain[-1][0] == reverse("client-card", args=[member.pk]) + "#memberships"
    assert f"Already sold: this form sold the membership {card.card_number} a moment ago." in again.content.decode()
    assert Sale.objects.count() == 1


def test_selling_with_a_taken_card_number_is_explained(as_manager, member, plan):
    cf.MembershipFactory(card_number="CARD-7")
    response = as_manager.post(
        sell_url(member), {"plan": plan.pk, "start_date": day(0).isoformat(), "card_number": "CARD-7"}
    )
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["card_number"])
    assert not member.memberships.exists()


def test_the_price_field_is_the_directors(as_manager, client, member, plan, director):
    assert "price" not in as_manager.get(sell_url(member)).context["form"].fields
    # a price forged into a manager's form is not read: the plan's price is sold
    as_manager.post(sell_url(member), {"plan": plan.pk, "start_date": day(0).isoformat(), "price": "1"})
    assert Sale.objects.get().unit_price == plan.price

    client.force_login(director)
    client.post(sell_url(member), {"plan": plan.pk, "start_date": day(1).isoformat(), "price": "1200"})
    assert Sale.objects.latest("id").unit_price == Decimal("1200.00")


def test_a_discount_beyond_the_limit_is_explained_next_to_it(as_manager, member, plan):
    response = as_manager.post(
        sell_url(member), {"plan": plan.pk, "start_date": day(0).isoformat(), "discount": "600"}
    )
    assert "is the director's decision" in " ".join(response.context["form"].errors["discount"])
    assert not Sale.objects.exists()


def test_the_sell_page_of_an_erased_client_refuses(as_manager, member, plan):
    Client.objects.filter(pk=member.pk).update(erased_at=timezone.now())
    response = as_manager.post(sell_url(member), {"plan": plan.pk, "start_date": day(0).isoformat()})
    assert response.status_code == 200
    assert "were erased on request" in " ".join(response.context["form"].non_field_errors())
    assert not Membership.objects.exists()


# --- the import -----------------------------------------------------------------------------------
HEADER = ["card_number", "client", "plan", "start_date", "price", "visits_used", "sold_by"]


@pytest.fixture
def desk(client, frontdesk):
    client.force_login(frontdesk)
    return client


def test_an_imported_new_card_is_sold_at_the_files_price_and_keeps_the_files_terms(desk, frontdesk, plan):
    from core.tests.spreadsheets.support import csv_bytes, import_file

    cf.ClientFactory(phone="+380501234567")
    import_file(desk, Membership, csv_bytes(HEADER, ["OLD-1", "0501234567", plan.name, "01.02.2025", "1200", "3", ""]))

    card = Membership.objects.get(card_number="OLD-1")
    assert (card.start_date, card.end_date, card.visits_used, card.price) == (
        datetime.date(2025, 2, 1), datetime.date(2025, 3, 2), 3, Decimal("1200.00"),
    )
    sale = Sale.objects.get()
    assert (sale.membership, sale.unit_price, sale.seller, sale.created_by) == (card, Decimal("1200.00"), frontdesk, frontdesk)


def test_an_imported_card_of_an_erased_client_is_refused_with_the_row(desk, plan):
    from core.tests.spreadsheets.support import csv_bytes, dry_run, refused

    erased = cf.ClientFactory(phone="+380501234567")
    Client.objects.filter(pk=erased.pk).update(erased_at=timezone.now())

    preview = dry_run(desk, Membership, csv_bytes(HEADER, ["OLD-1", "0501234567", plan.name, "2025-02-01", "", "0", ""]))

    assert refused(preview) == {2: "This client's personal data were erased on request: nothing new can be recorded about them."}
    assert not Membership.objects.exists() and not Sale.objects.exists()
