"""The writes of group classes: the timetable (``timetable``) and the bookings (``bookings``)."""

from .bookings import booking_closes_at, class_book, class_cancel, group_class_cards
from .timetable import Generated, class_timetable_extend, group_class_save

__all__ = [
    "Generated",
    "booking_closes_at",
    "class_book",
    "class_cancel",
    "class_timetable_extend",
    "group_class_cards",
    "group_class_save",
]
