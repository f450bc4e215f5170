"""The words staff adds to lower apps' vocabularies: the kinds of message it sends (see
``clients.messaging.kinds``), and the departments a membership plan may belong to
(``clients.plan_departments``). Imported by ``StaffConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from clients import plan_departments
from clients.messaging import kinds

SURVEY = kinds.register("survey", _("Quality survey"))
FEEDBACK_RELAYED = kinds.register("feedback_relayed", _("Feedback relayed to staff"))
FEEDBACK_RESOLVED = kinds.register("feedback_resolved", _("Complaint resolved"))


def departments() -> list[tuple[str, str]]:
    """The club's departments as (code, name), for a plan's department."""
    from .models import Department

    return list(Department.objects.order_by("name").values_list("code", "name"))


plan_departments.provide(departments)
