from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    """The project package: cross-app pages (Today, dashboard), the admin site, the roles."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accompaniment"
    verbose_name = _("Accompaniment CRM")

    def ready(self):
        from django.apps import apps

        from . import reminders, vocabulary  # noqa: F401  (its words in lower apps' vocabularies; its producers)
        from .third_party import localize_third_party_apps

        localize_third_party_apps()

        # post_migrate is sent for each app with models, in INSTALLED_APPS order: the roles are
        # synced after the last one, when every model's permissions exist.
        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
        post_migrate.connect(_sync_roles, sender=last, dispatch_uid="accompaniment.sync_roles")


def _sync_roles(sender, apps=None, **kwargs):
    """After every migrate (and every flush of a test database): the role groups hold exactly
    their permissions (``core.capabilities``). Runs last: every app's permissions exist by then.
    A flush sends no ``apps``: the project's own are meant."""
    from django.apps import apps as global_apps

    from core.capabilities import sync_roles

    sync_roles(apps or global_apps)


class ClubAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the club's site as the default one (``accompaniment.admin_site``)."""

    default = False  # named in INSTALLED_APPS; AccompanimentConfig is this module's default
    default_site = "accompaniment.admin_site.ClubAdminSite"


class LoginProtectionConfig(axes_apps.AppConfig):
    """django-axes (the login lockout) under a name the admin site shows in every language."""

    default = False  # named in INSTALLED_APPS; AccompanimentConfig is this module's default
    verbose_name = _("Login protection")
