"""When a specialist can work, written once.

On a club-local day a specialist **works** during their weekly hours for that weekday — from the
week with the latest *valid from* not after the day — plus any extra shift that day, unless a
vacation or a sick leave covers the day; all of it within the club's **opening hours** for the
weekday, and never on a club **holiday**. A club that keeps no opening hours is open all day; a
specialist without any working hours entered is not limited by them (hours are entered person by
person as the club adopts the schedule).

Each moment is made from the day and the wall-clock time on its own (``core.dates``), so a shift
from 09:00 to 21:00 stays 09:00–21:00 on the Sundays the clocks change in Europe/Kyiv (11 or 13
hours long). The slot finder and the booking service (``programs.scheduling``) read this;
``load_calendar`` fetches everything for a set of specialists and days in a fixed number of
queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from core.dates import day_bounds

from .models import Holiday, OpeningHours, WorkException, WorkingHours

Interval = tuple[datetime.datetime, datetime.datetime]


def at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The moment of the club-local ``time`` on ``day``, in UTC (each day made aware on its own:
    DST-safe). Moments are kept in UTC because Python adds and compares two datetimes of one
    zone by their wall clocks: 01:00 + 3 h on the last Sunday of March would be 04:00, an hour late."""
    return timezone.make_aware(datetime.datetime.combine(day, time)).astimezone(datetime.timezone.utc)


def utc(interval: Interval) -> Interval:
    return interval[0].astimezone(datetime.timezone.utc), interval[1].astimezone(datetime.timezone.utc)


def intersect(first: list[Interval], second: list[Interval]) -> list[Interval]:
    result = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                result.append((start, end))
    return sorted(result)


def subtract(intervals: list[Interval], busy: list[Interval]) -> list[Interval]:
    """``intervals`` without the moments of ``busy``."""
    result = list(intervals)
    for b_start, b_end in busy:
        kept = []
        for start, end in result:
            if b_end <= start or b_start >= end:
                kept.append((start, end))
                continue
            if start < b_start:
                kept.append((start, b_start))
            if b_end < end:
                kept.append((b_end, end))
        result = kept
    return sorted(result)


def covers(intervals: list[Interval], start: datetime.datetime, end: datetime.datetime) -> bool:
    """Whether one of ``intervals`` holds the whole of [start, end)."""
    return any(a <= start and end <= b for a, b in intervals)


@dataclass
class Calendar:
    """Opening hours, holidays, working hours and exceptions for some specialists and days."""

    opening: dict[int, list[tuple[datetime.time, datetime.time]]]
    holidays: dict[datetime.date, str]
    hours: dict[int, list[WorkingHours]] = field(default_factory=dict)
    exceptions: dict[int, list[WorkException]] = field(default_factory=dict)

    def club_hours(self, day: datetime.date) -> list[Interval]:
        """When the club is open on ``day`` (nothing on a holiday; all day when hours are not kept)."""
        if day in self.holidays:
            return []
        if not self.opening:
            return [utc(day_bounds(day))]
        return [(at(day, opens), at(day, closes)) for opens, closes in self.opening.get(day.weekday(), [])]

    def working_hours(self, member_id: int, day: datetime.date) -> list[Interval]:
        """When the specialist works on ``day``, within the club's hours (the rule above)."""
        exceptions = [e for e in self.exceptions.get(member_id, []) if e.starts_on <= day <= e.ends_on]
        if any(e.kind != WorkException.Kind.EXTRA for e in exceptions):
            return []
        rows = self.hours.get(member_id)
        if rows is None:
            own = [utc(day_bounds(day))]
        else:
            week = max((r.valid_from for r in rows if r.valid_from <= day), default=None)
            own = [(at(day, r.starts_at), at(day, r.ends_at)) for r in rows
                   if r.valid_from == week and r.weekday == day.weekday()]
        own += [(at(day, e.starts_at), at(day, e.ends_at)) for e in exceptions]
        return intersect(merge(own), self.club_hours(day))


def merge(intervals: list[Interval]) -> list[Interval]:
    result: list[Interval] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


def load_calendar(*, member_ids, first: datetime.date, last: datetime.date) -> Calendar:
    """Everything ``Calendar`` reads for the specialists ``member_ids`` from ``first`` to
    ``last``, in four queries whatever their number."""
    opening = defaultdict(list)
    for row in OpeningHours.objects.all():
        opening[row.weekday].append((row.opens_at, row.closes_at))
    holidays = dict(Holiday.objects.filter(day__gte=first, day__lte=last).values_list("day", "name"))
    hours = defaultdict(list)
    for row in WorkingHours.objects.filter(staff_member__in=member_ids, valid_from__lte=last):
        hours[row.staff_member_id].append(row)
    exceptions = defaultdict(list)
    for row in WorkException.objects.filter(staff_member__in=member_ids, starts_on__lte=last, ends_on__gte=first):
        exceptions[row.staff_member_id].append(row)
    return Calendar(opening=dict(opening), holidays=holidays, hours=dict(hours), exceptions=dict(exceptions))
