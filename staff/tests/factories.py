import datetime
from decimal import Decimal

import factory

from clients.tests.factories import ClientFactory
from staff import models


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"dept-{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Service

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    duration_minutes = 60
    price = Decimal("500.00")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StaffMember

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = models.StaffMember.Role.TRAINER
    department = factory.SubFactory(DepartmentFactory)


class PayRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PayRate

    staff_member = factory.SubFactory(StaffMemberFactory)
    effective_from = datetime.date(2026, 1, 1)
    monthly_salary = Decimal("20000.00")


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Feedback

    client = factory.SubFactory(ClientFactory)
    staff_member = factory.SubFactory(StaffMemberFactory)
    kind = models.Feedback.Kind.THANKS
    rating = 5
    text = "Great session"


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SurveyResponse

    client = factory.SubFactory(ClientFactory)
    score = 9


class CompetencyAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CompetencyAssessment

    candidate_name = factory.Faker("name")
    position = "Accompaniment manager"


class CompetencyScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CompetencyScore

    assessment = factory.SubFactory(CompetencyAssessmentFactory)
    competency = models.Competency.KNOWLEDGE
    tool = models.AssessmentTool.INTERVIEW
    score = 4


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Room

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    kind = models.RoomKind.MASSAGE
    capacity = 1


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OpeningHours
        django_get_or_create = ("weekday",)

    weekday = 0
    opens_at = datetime.time(7, 0)
    closes_at = datetime.time(22, 0)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Holiday

    day = factory.Sequence(lambda n: datetime.date(2027, 1, 1) + datetime.timedelta(days=n))
    name = "New Year"


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkingHours

    staff_member = factory.SubFactory(StaffMemberFactory)
    valid_from = datetime.date(2026, 1, 1)
    weekday = 0
    starts_at = datetime.time(9, 0)
    ends_at = datetime.time(18, 0)


class WorkExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkException

    staff_member = factory.SubFactory(StaffMemberFactory)
    kind = models.WorkException.Kind.VACATION
    starts_on = datetime.date(2027, 7, 1)
    ends_on = datetime.date(2027, 7, 14)
