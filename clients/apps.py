from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _sqlite_unicode_lower(sender, connection, **kwargs):
    """SQLite's LOWER() folds ASCII only; the club's names are Cyrillic. Python's does both."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "LOWER", 1, lambda value: value.lower() if isinstance(value, str) else value,
            deterministic=True,
        )


class ClientsConfig(AppConfig):
    """Client card, memberships, visits, interactions, tasks and the outbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models import CharField, TextField
        from django.db.models.functions import Lower

        CharField.register_lookup(Lower)
        TextField.register_lookup(Lower)
        connection_created.connect(_sqlite_unicode_lower, dispatch_uid="clients.sqlite_lower")
        from . import languages  # noqa: F401  (connects the login receiver)
        from . import reminders  # noqa: F401  (declares its producers of the daily pipeline)
        from . import rollups  # noqa: F401  (declares the visits' rollups)
