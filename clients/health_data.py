"""Where a client's health data can be opened: a vocabulary each app adds its pages to.

The clients app names its own places (the client form, the admin site, an export); the pages of
programs and accompaniment register theirs in their ``vocabulary.py`` when Django starts.
``HealthDataAccess.place`` stores the code and is checked against what is registered.
"""

from django.utils.translation import gettext_lazy as _

from core.vocabulary import Vocabulary

HEALTH_DATA_PLACES = Vocabulary("health data place", max_length=20)
register = HEALTH_DATA_PLACES.register


def place_choices():
    """The registered places, as `HealthDataAccess.place`'s choices (read when used, not migrated)."""
    return HEALTH_DATA_PLACES.choices()


CLIENT_FORM = register("client_form", _("Client form"))
ADMIN_SITE = register("admin", _("Admin site"))
DATA_EXPORT = register("export", _("Data export"))
