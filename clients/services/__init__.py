"""Write operations of the clients app (each validates and runs in one transaction)."""

from .clients import client_for_new_record, client_save
from .interactions import interaction_log, task_complete, task_create
from .measurements import measurement_add
from .memberships import (
    AlreadyCheckedIn,
    freeze_days_used,
    check_in_refusal,
    freeze_request,
    frozen_days,
    membership_create,
    membership_end_shift,
    membership_freeze,
    renewal_start_date,
    visit_check_in,
    visits_used_adjust,
)
from .privacy import health_data_opened

__all__ = [
    "AlreadyCheckedIn",
    "client_for_new_record",
    "client_save",
    "freeze_days_used",
    "check_in_refusal",
    "freeze_request",
    "frozen_days",
    "health_data_opened",
    "interaction_log",
    "measurement_add",
    "membership_create",
    "membership_end_shift",
    "membership_freeze",
    "renewal_start_date",
    "task_complete",
    "task_create",
    "visit_check_in",
    "visits_used_adjust",
]
