"""The admin site for the front desk: clients, plans, freezes, visits, tasks and the outbox, a
module each (importing this package registers them all).

Memberships are sold, so their admin is the sales app's (``sales/admin.py``), which reuses the
validity filter and the freeze inline of ``memberships.py``. Rows that the pages write through
a service (a visit, a measurement, an interaction, a task) are written through the same service
here (``core.admin.ServiceSaveAdminMixin``).
"""

from core.spreadsheets.admin import ImportExportAllOrNothingMixin

from . import activity, clients, conversations, memberships, outbox, preferences, privacy
from .memberships import FreezeDaysMixin, FreezeInline, ValidityListFilter

__all__ = [
    "FreezeDaysMixin", "FreezeInline", "ImportExportAllOrNothingMixin", "ValidityListFilter",
    "activity", "clients", "conversations", "memberships", "outbox", "preferences", "privacy",
]
