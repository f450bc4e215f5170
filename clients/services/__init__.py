"""Write operations of the clients app (each validates and runs in one transaction)."""

from .clients import client_save
from .interactions import interaction_log, task_complete, task_create
from .memberships import (
    freeze_days_used,
    frozen_days,
    membership_end_shift,
    visits_used_adjust,
    membership_freeze,
    membership_sell,
    membership_sold,
    renewal_start_date,
    visit_check_in,
)
from .privacy import health_data_opened

__all__ = [
    "client_save",
    "freeze_days_used",
    "health_data_opened",
    "interaction_log",
    "membership_freeze",
    "membership_sell",
    "membership_sold",
    "renewal_start_date",
    "task_complete",
    "task_create",
    "visit_check_in",
    "visits_used_adjust",
    "frozen_days",
    "membership_end_shift",
]
