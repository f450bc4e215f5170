"""The words accompaniment adds to lower apps' vocabularies: the managers' digest among the
kinds of message (``clients.messaging.kinds``), and its pages that show a client's health data
(``clients.health_data``). Imported by ``AccompanimentConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from clients import health_data
from clients.messaging import kinds

DIGEST = kinds.register("digest", _("Manager's morning digest"))

CLIENT_CARD = health_data.register("card", _("Client card"))
CHANGE_HISTORY = health_data.register("history", _("History of changes"))
