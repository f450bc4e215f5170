import datetime
from decimal import Decimal

import factory

from clients.models import Client
from clients.tests.factories import ClientFactory, MembershipPlanFactory
from sales import models
from staff.tests.factories import DepartmentFactory, ServiceFactory, StaffMemberFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Cream {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("650.00")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Recommendation

    client = factory.SubFactory(ClientFactory)
    specialist = factory.SubFactory(StaffMemberFactory)
    service = factory.SubFactory(ServiceFactory)
    reason = "Tension in the lower back"


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Promotion

    name = factory.Sequence(lambda n: f"Promotion {n}")
    starts_on = datetime.date(2026, 11, 1)
    ends_on = datetime.date(2026, 11, 30)
    discount_percent = Decimal("10")


class UpsellPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.UpsellPolicy
        django_get_or_create = ("stage",)

    stage = Client.Stage.TRUST
    max_offers_per_30_days = 2
    min_days_after_decline = 14


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Offer

    client = factory.SubFactory(ClientFactory)
    plan = factory.SubFactory(MembershipPlanFactory)


class SaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Sale

    client = factory.SubFactory(ClientFactory)
    department = factory.SubFactory(DepartmentFactory)
    kind = models.Sale.Kind.SERVICE
    service = factory.SubFactory(
        ServiceFactory, department=factory.SelfAttribute("..department")
    )
    unit_price = Decimal("500.00")


class DepartmentExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DepartmentExpense

    department = factory.SubFactory(DepartmentFactory)
    amount = Decimal("1500.00")
