"""The demo club's schedule: rooms, the club's hours, every specialist's week with a day off, and
the demo's sessions placed by the club's rules — nobody, no client and no room booked twice, and
nothing outside the working hours."""

import datetime
from collections import defaultdict

import pytest
from django.utils import timezone

from programs.models import Session
from staff.models import OpeningHours, Room, StaffMember, WorkingHours
from staff.schedule import covers, load_calendar

from .test_seed_demo import seed

pytestmark = pytest.mark.django_db


def overlapping(intervals) -> list:
    ordered = sorted(intervals)
    return [(a, b) for a, b in zip(ordered, ordered[1:]) if b[0] < a[1]]


def test_the_demo_sessions_keep_the_schedule():
    seed()
    assert Room.objects.filter(capacity=1).exists() and Room.objects.filter(capacity__gt=1).exists()
    assert OpeningHours.objects.count() == 7
    specialists = StaffMember.objects.filter(role__in=StaffMember.SPECIALIST_ROLES)
    for member in specialists:
        days = set(WorkingHours.objects.filter(staff_member=member).values_list("weekday", flat=True))
        assert len(days) == 6, f"{member} works {sorted(days)}"

    sessions = list(Session.objects.exclude(status=Session.Status.CANCELLED).select_related("room"))
    assert len(sessions) > 100
    by_specialist, by_client, by_room = defaultdict(list), defaultdict(list), defaultdict(list)
    for s in sessions:
        assert s.scheduled_at < s.ends_at <= s.busy_until
        if s.specialist_id:
            by_specialist[s.specialist_id].append((s.scheduled_at, s.busy_until))
        by_client[s.client_id].append((s.scheduled_at, s.ends_at))
        if s.room_id:
            by_room[s.room].append((s.scheduled_at, s.busy_until))
    assert not any(overlapping(v) for v in by_specialist.values())
    assert not any(overlapping(v) for v in by_client.values())
    for room, intervals in by_room.items():
        for start, _end in intervals:
            assert sum(1 for s, e in intervals if s <= start < e) <= room.capacity, room

    days = [timezone.localtime(s.scheduled_at).date() for s in sessions]
    calendar = load_calendar(member_ids=list(by_specialist), first=min(days), last=max(days))
    outside = [s for s in sessions if s.specialist_id and not covers(
        calendar.working_hours(s.specialist_id, timezone.localtime(s.scheduled_at).date()), s.scheduled_at, s.ends_at)]
    assert outside == []
    # a week of the demo trainer's planned sessions is there for *My sessions*
    assert Session.objects.filter(status=Session.Status.PLANNED,
                                  scheduled_at__lt=timezone.now() + datetime.timedelta(days=7)).exists()
