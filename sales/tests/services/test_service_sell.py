"""Selling a one-off service at the desk (``sales.services.service_sell``): a row in the ledger
of the service's department, at its price, with a running promotion that includes it or a
manual discount within the card's limit; a form sent twice sells once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.tests import factories as cf
from sales import services
from sales.models import Sale
from sales.tests import factories as sf
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def massage(db):
    spa = stf.DepartmentFactory(code="spa", name="SPA")
    return stf.ServiceFactory(department=spa, name="Classic massage", price=Decimal("900.00"))


@pytest.fixture
def member(db):
    return cf.ClientFactory(first_name="Iryna")


def test_a_service_sold_is_one_row_of_its_department_at_its_price(member, massage, frontdesk):
    sale = services.service_sell(client=member, service=massage, quantity=2, seller=frontdesk)

    assert (sale.kind, sale.department, sale.service, sale.seller) == ("service", massage.department, massage, frontdesk)
    assert (sale.unit_price, sale.quantity, sale.discount, sale.amount) == (
        Decimal("900.00"), 2, Decimal("0"), Decimal("1800.00"))


def test_a_promotion_that_includes_the_service_gives_its_discount(member, massage, frontdesk):
    promotion = sf.PromotionFactory(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=5),
                                    discount_percent=Decimal("20"), discount_amount=Decimal("0"))
    promotion.services.add(massage)

    sale = services.service_sell(client=member, service=massage, seller=frontdesk, promotion=promotion)

    assert (sale.discount, sale.amount, sale.promotion) == (Decimal("180.00"), Decimal("720.00"), promotion)


def test_a_promotion_without_the_service_is_refused_next_to_the_promotion(member, massage, frontdesk):
    promotion = sf.PromotionFactory(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=5))

    with pytest.raises(ValidationError) as refused:
        services.service_sell(client=member, service=massage, seller=frontdesk, promotion=promotion)

    assert "does not include the service Classic massage" in refused.value.message_dict["promotion"][0]
    assert not Sale.objects.exists()


def test_a_manual_discount_above_the_limit_is_the_directors(member, massage, frontdesk, director):
    with pytest.raises(ValidationError) as refused:
        services.service_sell(client=member, service=massage, seller=frontdesk, discount=Decimal("100.00"))
    assert "director's decision" in refused.value.message_dict["discount"][0]

    sale = services.service_sell(client=member, service=massage, seller=director, discount=Decimal("100.00"))
    assert sale.amount == Decimal("800.00")


def test_the_same_form_sent_twice_sells_once(member, massage, frontdesk):
    first = services.service_sell(client=member, service=massage, seller=frontdesk, idempotency_key="k-1")

    with pytest.raises(services.AlreadySold) as again:
        services.service_sell(client=member, service=massage, seller=frontdesk, idempotency_key="k-1")

    assert again.value.sale == first
    assert Sale.objects.count() == 1


@pytest.mark.parametrize("change, field", [({"quantity": 0}, "quantity"), ({"discount": Decimal("-1")}, "discount")])
def test_nonsense_is_refused_next_to_its_field(member, massage, frontdesk, change, field):
    with pytest.raises(ValidationError) as refused:
        services.service_sell(client=member, service=massage, seller=frontdesk, **change)
    assert field in refused.value.message_dict


def test_a_service_no_longer_offered_and_an_erased_client_buy_nothing(member, massage, frontdesk):
    massage.is_active = False
    massage.save()
    with pytest.raises(ValidationError):
        services.service_sell(client=member, service=massage, seller=frontdesk)
    massage.is_active = True
    massage.save()
    erased = cf.ClientFactory(erased_at=timezone.now())
    with pytest.raises(ValidationError):
        services.service_sell(client=erased, service=massage, seller=frontdesk)
    assert not Sale.objects.exists()
