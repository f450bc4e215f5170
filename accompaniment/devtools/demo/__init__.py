"""The demo club behind ``manage.py seed_demo``: see ``club.py`` for what it creates and how."""

from .catalog import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DEMO_USERS
from .club import MAX_CLIENTS, DemoClub

__all__ = ["DEMO_EMAIL_DOMAIN", "DEMO_PASSWORD", "DEMO_USERS", "MAX_CLIENTS", "DemoClub"]
