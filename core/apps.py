from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .rollups import installed_after_migrate

        # The rollups' triggers (core.rollups), created again after every migrate.
        post_migrate.connect(installed_after_migrate, sender=self, dispatch_uid="core.rollups")
