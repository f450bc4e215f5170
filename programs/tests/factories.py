import datetime

import factory
from django.utils import timezone

from clients.tests.factories import ClientFactory
from programs import models
from staff.tests.factories import ServiceFactory, StaffMemberFactory


class ProgramTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgramTemplate

    name = factory.Sequence(lambda n: f"Template {n}")


class ProgramTemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgramTemplateItem

    template = factory.SubFactory(ProgramTemplateFactory)
    service = factory.SubFactory(ServiceFactory)
    sessions_count = 8
    sessions_per_week = 2


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Program

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Program {n}")


class ProgramItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgramItem

    program = factory.SubFactory(ProgramFactory)
    service = factory.SubFactory(ServiceFactory)
    specialist = factory.SubFactory(
        StaffMemberFactory, department=factory.SelfAttribute("..service.department")
    )
    sessions_count = 8
    sessions_per_week = 2


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Session

    item = factory.SubFactory(ProgramItemFactory)
    specialist = factory.SelfAttribute("item.specialist")
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CalendarFeed

    staff_member = factory.SubFactory("staff.tests.factories.StaffMemberFactory")
    token = factory.Faker("password", length=43, special_chars=False)
