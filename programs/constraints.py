"""The exclusion constraints PostgreSQL keeps on sessions (migration 0005 adds them, on PostgreSQL
only). Named here once: the migration creates them and the booking service recognises their
names when the database refuses a write."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db.models import Func, Q

SPECIALIST = "session_specialist_no_overlap"
CLIENT = "session_client_no_overlap"
ROOM = "session_room_no_overlap"
NOT_CANCELLED = ~Q(status__in=["cancelled", "late_cancelled"])  # Session.FREED


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def exclusion_constraints() -> list[ExclusionConstraint]:
    busy = TsTzRange("scheduled_at", "busy_until", RangeBoundary())
    attended = TsTzRange("scheduled_at", "ends_at", RangeBoundary())
    return [
        ExclusionConstraint(
            name=SPECIALIST, index_type="gist",
            expressions=[(busy, RangeOperators.OVERLAPS), ("specialist", RangeOperators.EQUAL)],
            condition=NOT_CANCELLED & Q(specialist__isnull=False),
        ),
        ExclusionConstraint(
            name=CLIENT, index_type="gist",
            expressions=[(attended, RangeOperators.OVERLAPS), ("client", RangeOperators.EQUAL)],
            condition=NOT_CANCELLED,
        ),
        ExclusionConstraint(
            name=ROOM, index_type="gist",
            expressions=[(busy, RangeOperators.OVERLAPS), ("room", RangeOperators.EQUAL)],
            condition=NOT_CANCELLED & Q(room_exclusive=True),
        ),
    ]
