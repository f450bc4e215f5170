from .activity import Interaction, Task, Visit
from .base import Channel
from .client import Client, Contraindication, Measurement
from .membership import Freeze, Membership, MembershipPlan
from .notification import Notification
from .preference import UserPreference
from .privacy import ClientErasure, HealthDataAccess

__all__ = [
    "Channel",
    "Client",
    "ClientErasure",
    "Contraindication",
    "Freeze",
    "HealthDataAccess",
    "Interaction",
    "Measurement",
    "Membership",
    "MembershipPlan",
    "Notification",
    "Task",
    "UserPreference",
    "Visit",
]
