"""What the daily pipeline (``core.reminders``) gets from the staff app: the quarterly quality
survey. Imported by ``StaffConfig.ready()``."""

import datetime
from functools import partial

from django.conf import settings

from django.db.models import CharField, Exists, F, OuterRef, Value
from django.db.models.functions import Cast, Concat, Mod

from clients import rules as membership_rules
from clients.messaging.outbox import Pending
from clients.models import Client, Notification
from clients.reminders import produces_messages

from .services import survey_message


# Spreading the quarterly survey: each client's day of the quarter is their id times this
# prime, modulo the quarter's length (stable, and even over consecutive ids).
SURVEY_SPREAD_PRIME = 7919


def quarter_bounds(on: datetime.date) -> tuple[datetime.date, int]:
    """The first day of ``on``'s quarter and how many days it has."""
    first = datetime.date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
    following = datetime.date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, (following - first).days


@produces_messages("quality surveys")
def surveys_quarterly(on: datetime.date) -> list[Pending]:
    """Every client with a running membership (``clients.rules.running_q``) is asked once a
    quarter, on their own day of it (``client id × SURVEY_SPREAD_PRIME`` modulo the quarter's
    days, so a few hundred a day instead of everyone on the first day), or on the first sweep
    after that day while a card runs and they were not asked yet that quarter
    (``SURVEY_SPREAD_OVER_QUARTER``; off: everyone from the quarter's first day)."""
    quarter = f"{on.year}Q{(on.month - 1) // 3 + 1}"
    first, length = quarter_bounds(on)
    asked = Notification.objects.filter(
        client=OuterRef("pk"),
        dedup_key=Concat(Value("survey-quarter:"), Cast(OuterRef("pk"), CharField()), Value(f":{quarter}")),
    )
    clients = Client.objects.filter(membership_rules.clients_with(membership_rules.running_on(on))).exclude(Exists(asked))
    if settings.SURVEY_SPREAD_OVER_QUARTER:
        clients = clients.alias(survey_day=Mod(F("pk") * SURVEY_SPREAD_PRIME, length)).filter(
            survey_day__lte=(on - first).days
        )
    return [
        Pending(key, partial(survey_message, client=client, dedup_key=key))
        for client in clients
        for key in [f"survey-quarter:{client.pk}:{quarter}"]
    ]
