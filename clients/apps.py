from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    """Client card, memberships, visits, interactions, tasks and the outbox."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "clients"
    verbose_name = _("Clients")
