from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    """Products, recommendations, offers, the sales ledger, promotions and expenses."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sales"
    verbose_name = _("Sales and marketing")

    def ready(self):
        from . import rollups  # noqa: F401  (declares the ledger's rollup)
        from . import vocabulary  # noqa: F401  (registers its words in lower apps' vocabularies)
