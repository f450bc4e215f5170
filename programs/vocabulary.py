"""The words programs adds to lower apps' vocabularies: its pages that show a client's health
data (see ``clients.health_data``) and its kind of message (the session reminder). Imported by ``ProgramsConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from clients import health_data
from clients.messaging import kinds

PROGRAM_BUILDER = health_data.register("program_form", _("Program builder"))
PROGRAM_PAGE = health_data.register("program", _("Program page"))
MY_SESSIONS = health_data.register("sessions", _("Specialist's sessions"))

SESSION_REMINDER = kinds.register("session_reminder", _("Session reminder"))
CLASS_PLACE = kinds.register("class_place", _("Place in a group class"))
CLASS_CANCELLED = kinds.register("class_cancelled", _("Group class cancelled"))
CLASS_REMINDER = kinds.register("class_reminder", _("Group class reminder"))
