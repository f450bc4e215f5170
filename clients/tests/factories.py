import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from clients import health_data, models
from clients.messaging import kinds


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pass-12345-word")


class ContraindicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contraindication
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"flag-{n}")
    name = factory.Sequence(lambda n: f"Health flag {n}")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Client

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    phone = factory.Sequence(lambda n: f"+38050{n:07d}")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    birth_date = datetime.date(1990, 5, 17)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Measurement

    client = factory.SubFactory(ClientFactory)
    weight_kg = Decimal("72.5")
    waist_cm = Decimal("80.0")


class MembershipPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MembershipPlan
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Plan {n}")
    department_code = "fitness"  # a code only: the tests that sell create the department
    duration_days = 30
    price = Decimal("1200.00")
    max_freeze_days = 14


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    client = factory.SubFactory(ClientFactory)
    plan = factory.SubFactory(MembershipPlanFactory)
    card_number = factory.Sequence(lambda n: f"C{n:07d}")
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyAttribute(
        lambda o: o.start_date + datetime.timedelta(days=o.plan.duration_days - 1)
    )
    visit_limit = factory.LazyAttribute(lambda o: o.plan.visit_limit)
    price = factory.LazyAttribute(lambda o: o.plan.price)


class FreezeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Freeze

    membership = factory.SubFactory(MembershipFactory)
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=6))
    reason = "Business trip"


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Visit

    client = factory.SubFactory(ClientFactory)
    checked_in_at = factory.LazyFunction(timezone.now)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Interaction

    client = factory.SubFactory(ClientFactory)
    kind = models.Interaction.Kind.CALL
    summary = "Talked about the training schedule"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Task

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Call the client #{n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Notification

    client = factory.SubFactory(ClientFactory)
    kind = kinds.OTHER
    channel = models.Channel.EMAIL
    subject = "Hello"
    body = "Your card ends soon."
    dedup_key = factory.Sequence(lambda n: f"test:{n}")


class UserPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.UserPreference

    user = factory.SubFactory(UserFactory)
    language = "uk"


class HealthDataAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HealthDataAccess

    client = factory.SubFactory(ClientFactory)
    user = factory.SubFactory(UserFactory)
    place = health_data.CLIENT_FORM


class ClientErasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClientErasure

    client = factory.SubFactory(ClientFactory)
    reason = "Written request at the front desk"


class ClientLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClientLink

    client = factory.SubFactory(ClientFactory)
    purpose = "page"
    token_id = factory.Sequence(lambda n: f"tok{n:013d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class ManagerCoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ManagerCover

    absent = factory.SubFactory(UserFactory)
    covering = factory.SubFactory(UserFactory)
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class TelegramUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TelegramUpdate

    update_id = factory.Sequence(lambda n: 500000 + n)
    payload = factory.LazyAttribute(lambda o: {"update_id": o.update_id, "message": {"chat": {"id": 1}, "text": "hi"}})
