from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """Departments, staff, services, feedback, surveys and competency assessments."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from . import reminders, rollups, vocabulary  # noqa: F401  (its words in lower apps' vocabularies; its producers; its followers)
