"""The words staff adds to lower apps' vocabularies: the kinds of message it sends (see
``clients.messaging.kinds``). Imported by ``StaffConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from clients.messaging import kinds

SURVEY = kinds.register("survey", _("Quality survey"))
FEEDBACK_RELAYED = kinds.register("feedback_relayed", _("Feedback relayed to staff"))
FEEDBACK_RESOLVED = kinds.register("feedback_resolved", _("Complaint resolved"))
