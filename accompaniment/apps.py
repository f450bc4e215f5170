from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    """The project package: cross-app pages (Today, dashboard) and the roles migration."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accompaniment"
    verbose_name = _("Accompaniment CRM")

    def ready(self):
        from . import vocabulary  # noqa: F401  (registers its words in lower apps' vocabularies)
