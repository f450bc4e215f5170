"""A small SPA club for the calendar's tests: two masseurs working 09:00–18:00 every day from
``MONDAY``, a massage room and a sauna, two managers each with a client, and a massage booked for
each client on ``MONDAY`` (Nina at 10:00 for Olena's client, Ihor at 10:00 for Petro's)."""

import datetime
from types import SimpleNamespace

from clients.tests import factories as cf
from core import roles
from programs.scheduling import session_book
from programs.tests import factories as pf
from staff.models import RoomKind
from staff.tests import factories as stf

MONDAY = datetime.date(2027, 3, 1)  # a Monday in the club's future
WEEK = {"start": MONDAY.isoformat(), "end": (MONDAY + datetime.timedelta(days=7)).isoformat()}


def local(day: datetime.date, hour: int, minute: int = 0) -> str:
    """A club-local wall-clock time as the calendar sends it."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00"


def build_spa(make_user) -> SimpleNamespace:
    from django.utils import timezone

    department = stf.DepartmentFactory(name="SPA", code="spa")
    massage = stf.ServiceFactory(department=department, name="Massage", duration_minutes=60, buffer_minutes=15,
                                 room_kind=RoomKind.MASSAGE)
    users = SimpleNamespace(
        manager=make_user(roles.MANAGER, username="olena"), other=make_user(roles.MANAGER, username="petro"),
        specialist=make_user(roles.SPECIALIST, username="nina"), desk=make_user(roles.ADMINISTRATOR, username="desk"),
    )
    masseurs = [stf.StaffMemberFactory(department=department, first_name=name, last_name="Masseur",
                                       role="massage", user=user)
                for name, user in (("Nina", users.specialist), ("Ihor", None))]
    for member in masseurs:
        member.services.set([massage])
        for weekday in range(7):
            stf.WorkingHoursFactory(staff_member=member, valid_from=MONDAY, weekday=weekday,
                                    starts_at=datetime.time(9), ends_at=datetime.time(18))
    room = stf.RoomFactory(department=department, name="Massage 1", kind=RoomKind.MASSAGE, capacity=1)
    room2 = stf.RoomFactory(department=department, name="Massage 2", kind=RoomKind.MASSAGE, capacity=1)
    mine = cf.ClientFactory(first_name="Iryna", last_name="Mine", assigned_manager=users.manager)
    theirs = cf.ClientFactory(first_name="Oksana", last_name="Theirs", assigned_manager=users.other)
    items = [pf.ProgramItemFactory(program__client=client, program__manager=manager, program__status="active",
                                   service=massage,
                                   specialist=member)
             for client, manager, member in ((mine, users.manager, masseurs[0]), (theirs, users.other, masseurs[1]))]
    at10 = timezone.make_aware(datetime.datetime.combine(MONDAY, datetime.time(10)))
    sessions = [session_book(item=item, start=at10, user=users.manager) for item in items]
    return SimpleNamespace(department=department, massage=massage, masseurs=masseurs, rooms=[room, room2],
                           mine=mine, theirs=theirs, items=items, sessions=sessions, users=users)
