from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Program templates, client programs and their sessions."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from . import reminders, vocabulary  # noqa: F401  (its words in lower apps' vocabularies; its producers)
