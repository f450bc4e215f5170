"""The exclusion constraints PostgreSQL keeps on class occurrences (added by the classes'
migration on PostgreSQL only, as ``programs.constraints`` for sessions): one specialist, and one
room, hold one class at a time (until its end and the service's buffer), cancelled ones aside.
Between classes and personal sessions the services check under the same row locks
(``programs.scheduling.booking._lock``)."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db.models import Q

from ..constraints import TsTzRange

SPECIALIST = "class_occurrence_specialist_no_overlap"
ROOM = "class_occurrence_room_no_overlap"


def exclusion_constraints() -> list[ExclusionConstraint]:
    busy = TsTzRange("starts_at", "busy_until", RangeBoundary())
    return [
        ExclusionConstraint(
            name=SPECIALIST, index_type="gist",
            expressions=[(busy, RangeOperators.OVERLAPS), ("specialist", RangeOperators.EQUAL)],
            condition=Q(cancelled=False),
        ),
        ExclusionConstraint(
            name=ROOM, index_type="gist",
            expressions=[(busy, RangeOperators.OVERLAPS), ("room", RangeOperators.EQUAL)],
            condition=Q(cancelled=False),
        ),
    ]
