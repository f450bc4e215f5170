"""Write operations of the clients app (each validates and runs in one transaction)."""

from .clients import client_change_refusal, client_for_new_record, client_save
from .conversations import (
    LinkError,
    client_for_chat,
    client_request,
    conversation_receive,
    conversation_recipient,
    conversation_reply,
    link_read,
    page_link_issue,
    page_links_issue,
    page_links_revoke,
    telegram_link_issue,
    telegram_link_use,
    telegram_unlink,
)
from .covers import clients_reassign, cover_end, cover_set
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
    "LinkError",
    "client_change_refusal",
    "client_for_chat",
    "client_for_new_record",
    "client_request",
    "client_save",
    "clients_reassign",
    "conversation_receive",
    "conversation_recipient",
    "conversation_reply",
    "cover_end",
    "cover_set",
    "link_read",
    "page_link_issue",
    "page_links_issue",
    "page_links_revoke",
    "telegram_link_issue",
    "telegram_link_use",
    "telegram_unlink",
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
