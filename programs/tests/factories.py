import datetime

import factory
from django.utils import timezone

from clients.tests.factories import ClientFactory
from programs import models
from staff.tests.factories import RoomFactory, ServiceFactory, StaffMemberFactory


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


class GroupClassFactory(factory.django.DjangoModelFactory):
    """A weekly class; its occurrences come from ``group_class_save`` (or ``ClassOccurrenceFactory``)."""

    class Meta:
        model = models.GroupClass

    service = factory.SubFactory(ServiceFactory, room_kind="studio")
    specialist = factory.SubFactory(StaffMemberFactory, department=factory.SelfAttribute("..service.department"))
    room = factory.SubFactory(RoomFactory, department=factory.SelfAttribute("..service.department"),
                              kind="studio", capacity=20)
    capacity = 10
    weekdays = "024"
    starts_at = datetime.time(18, 0)
    duration_minutes = 60
    start_date = factory.LazyFunction(timezone.localdate)


class ClassOccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassOccurrence

    group_class = factory.SubFactory(GroupClassFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=o.group_class.duration_minutes))
    busy_until = factory.SelfAttribute("ends_at")
    specialist = factory.SelfAttribute("group_class.specialist")
    room = factory.SelfAttribute("group_class.room")


class ClassBookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassBooking

    occurrence = factory.SubFactory(ClassOccurrenceFactory)
    client = factory.SubFactory(ClientFactory)
class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CalendarFeed

    staff_member = factory.SubFactory("staff.tests.factories.StaffMemberFactory")
    token = factory.Faker("password", length=43, special_chars=False)
