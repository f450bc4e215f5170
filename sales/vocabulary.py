"""The words sales adds to lower apps' vocabularies: the kinds of message it sends (see
``clients.messaging.kinds``). Imported by ``SalesConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from clients.messaging import kinds

PROMOTION = kinds.register("promotion", _("Promotion"), marketing=True)
