import datetime

import pytest

from clients.models import MembershipPlan
from clients.tests import factories as cf
from core import roles
from programs.tests import factories as pf
from programs.tests.scheduling.conftest import MONDAY, at, works_every_day
from staff.models import RoomKind
from staff.tests import factories as stf

__all__ = ["MONDAY", "at"]


@pytest.fixture
def studio(db, make_user):
    """A fitness department with a studio for 12, a trainer working 08:00–21:00 every day, yoga
    (60 minutes, 15 of buffer), a class of it on Mondays, Wednesdays and Fridays at 18:00 for two,
    with its occurrence of Monday; a manager with three clients on group-training cards and the
    front desk."""
    department = stf.DepartmentFactory(name="Fitness", code="fitness")
    yoga = stf.ServiceFactory(department=department, name="Yoga", duration_minutes=60, buffer_minutes=15,
                              room_kind=RoomKind.STUDIO)
    personal = stf.ServiceFactory(department=department, name="Personal training", duration_minutes=60,
                                  room_kind=RoomKind.STUDIO)
    trainer = stf.StaffMemberFactory(department=department, first_name="Olena")
    trainer.services.set([yoga, personal])
    works_every_day(trainer, starts=datetime.time(8), ends=datetime.time(21))
    room = stf.RoomFactory(department=department, name="Studio", kind=RoomKind.STUDIO, capacity=12)
    group_class = pf.GroupClassFactory(service=yoga, specialist=trainer, room=room, capacity=2,
                                       weekdays="024", starts_at=datetime.time(18), start_date=MONDAY)
    occurrence = pf.ClassOccurrenceFactory(group_class=group_class, starts_at=at(MONDAY, 18),
                                           ends_at=at(MONDAY, 19), busy_until=at(MONDAY, 19, 15))
    manager = make_user(roles.MANAGER, username="classes-manager")
    plan = cf.MembershipPlanFactory(name="Group 8", category=MembershipPlan.Category.GROUP, visit_limit=8)
    clients = []
    for name, language in (("Iryna", "uk"), ("Oksana", "ru"), ("Petro", "en"), ("Marta", "uk")):
        client = cf.ClientFactory(first_name=name, assigned_manager=manager, language=language,
                                  consent_email=True, email=f"{name.lower()}@example.com",
                                  preferred_channel="email")
        cf.MembershipFactory(client=client, plan=plan, start_date=MONDAY - datetime.timedelta(days=3))
        clients.append(client)
    return type("Studio", (), dict(department=department, yoga=yoga, personal=personal, trainer=trainer,
                                   room=room, group_class=group_class, occurrence=occurrence, manager=manager,
                                   plan=plan, clients=clients, frontdesk=make_user(roles.ADMINISTRATOR,
                                                                                   username="classes-desk")))
