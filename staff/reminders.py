"""What the daily pipeline (``core.reminders``) gets from the staff app: the quarterly quality
survey. Imported by ``StaffConfig.ready()``."""

import datetime
from functools import partial

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from clients import rules as membership_rules
from clients.messaging.outbox import Pending
from clients.models import Client, Notification
from clients.reminders import produces_messages

from .services import survey_message


@produces_messages("quality surveys")
def surveys_quarterly(on: datetime.date) -> list[Pending]:
    """Every client with a running membership (``clients.rules.running_q``) is asked once a quarter."""
    quarter = f"{on.year}Q{(on.month - 1) // 3 + 1}"
    asked = Notification.objects.filter(
        client=OuterRef("pk"),
        dedup_key=Concat(Value("survey-quarter:"), Cast(OuterRef("pk"), CharField()), Value(f":{quarter}")),
    )
    clients = Client.objects.filter(membership_rules.clients_with(membership_rules.running_on(on))).exclude(Exists(asked))
    return [
        Pending(key, partial(survey_message, client=client, dedup_key=key))
        for client in clients
        for key in [f"survey-quarter:{client.pk}:{quarter}"]
    ]
