"""The schedule of sessions: the slot finder (``slots``), the booking service (``booking``) and
program planning (``planning``). ``staff.schedule`` says when people work; this package keeps
sessions from overlapping within it."""

from .attendance import cancelled_status, is_late_cancel, planned_cancel, session_confirm, use_visit
from .booking import Refusal, session_book, session_cancel, session_move
from .planning import PREFERRED_TIME, place_session, plan_items, plan_program, session_dates
from .slots import Board, Slot, nearest_slots

__all__ = [
    "Board",
    "PREFERRED_TIME",
    "Refusal",
    "Slot",
    "cancelled_status",
    "is_late_cancel",
    "nearest_slots",
    "place_session",
    "planned_cancel",
    "plan_items",
    "plan_program",
    "session_book",
    "session_cancel",
    "session_confirm",
    "session_dates",
    "session_move",
    "use_visit",
]
