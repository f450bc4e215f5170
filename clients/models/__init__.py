from .activity import Interaction, Task, Visit
from .base import Channel, TimeStampedModel
from .client import Client, Contraindication, Measurement
from .membership import Freeze, Membership, MembershipPlan
from .notification import Notification

__all__ = [
    "Channel",
    "Client",
    "Contraindication",
    "Freeze",
    "Interaction",
    "Measurement",
    "Membership",
    "MembershipPlan",
    "Notification",
    "Task",
    "TimeStampedModel",
    "Visit",
]
