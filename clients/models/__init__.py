from .activity import Interaction, Task, Visit
from .base import Channel, Purpose
from .client import Client, Contraindication, Measurement
from .conversation import ClientLink, ManagerCover, TelegramUpdate
from .membership import Freeze, Membership, MembershipPlan
from .notification import Notification
from .preference import UserPreference
from .privacy import ClientErasure, HealthDataAccess
from .rollups import ClientLastVisit, ClientsPerManager, DailyVisits, FiguresVersion

__all__ = [
    "Channel",
    "Client",
    "ClientLastVisit",
    "ClientsPerManager",
    "ClientLink",
    "ClientErasure",
    "Contraindication",
    "DailyVisits",
    "FiguresVersion",
    "Freeze",
    "HealthDataAccess",
    "Interaction",
    "ManagerCover",
    "Measurement",
    "Membership",
    "MembershipPlan",
    "Notification",
    "Purpose",
    "Task",
    "TelegramUpdate",
    "UserPreference",
    "Visit",
]
