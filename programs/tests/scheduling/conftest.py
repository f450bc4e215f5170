import datetime

import pytest
from django.utils import timezone

from programs.tests import factories as pf
from staff.models import RoomKind
from staff.tests import factories as stf

MONDAY = datetime.date(2027, 3, 1)  # a Monday in the club's future


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def works_every_day(member, starts=datetime.time(9, 0), ends=datetime.time(18, 0), valid_from=MONDAY):
    for weekday in range(7):
        stf.WorkingHoursFactory(staff_member=member, valid_from=valid_from, weekday=weekday,
                                starts_at=starts, ends_at=ends)


@pytest.fixture
def spa(db):
    """A SPA department with one massage room (one client), a sauna (two at once), two masseurs
    working 09:00–18:00 every day and a 60-minute massage with a 15-minute buffer."""
    department = stf.DepartmentFactory(name="SPA", code="spa")
    massage = stf.ServiceFactory(department=department, name="Massage", duration_minutes=60, buffer_minutes=15,
                                 room_kind=RoomKind.MASSAGE)
    sauna = stf.ServiceFactory(department=department, name="Sauna", duration_minutes=60, room_kind=RoomKind.SPA)
    masseurs = [stf.StaffMemberFactory(department=department, first_name=name) for name in ("Nina", "Ihor")]
    for member in masseurs:
        member.services.set([massage, sauna])
        works_every_day(member)
    room = stf.RoomFactory(department=department, name="Massage 1", kind=RoomKind.MASSAGE, capacity=1)
    sauna_room = stf.RoomFactory(department=department, name="Sauna", kind=RoomKind.SPA, capacity=2)
    return type("Spa", (), dict(department=department, massage=massage, sauna=sauna, masseurs=masseurs,
                                room=room, sauna_room=sauna_room))


@pytest.fixture
def item_for(spa):
    def make(service=None, specialist="Nina", **extra):
        specialist = spa.masseurs[0] if specialist == "Nina" else specialist
        return pf.ProgramItemFactory(service=service or spa.massage, specialist=specialist, **extra)
    return make
