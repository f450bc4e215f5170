"""The writes of group classes: the timetable (``timetable``) and the bookings (``bookings``), marking and cancelling a dated class (``attendance``)."""

from .attendance import class_mark, class_occurrence_cancel, may_mark, runs_classes
from .bookings import booking_closes_at, class_book, class_cancel, group_class_cards
from .timetable import Generated, class_timetable_extend, group_class_save

__all__ = [
    "Generated",
    "booking_closes_at",
    "class_book",
    "class_cancel",
    "class_mark",
    "class_occurrence_cancel",
    "class_timetable_extend",
    "group_class_cards",
    "group_class_save",
    "may_mark",
    "runs_classes",
]
