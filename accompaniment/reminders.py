"""What the daily pipeline (``core.reminders``) gets from accompaniment: each manager's morning
digest, their Today by e-mail. A digest runs after the sweep has committed, so it lists the
tasks the sweep made for that day. Imported by ``AccompanimentConfig.ready()``."""

import datetime
from functools import partial

from django.conf import settings

from clients.messaging.outbox import Pending, message_for_user
from clients.models import Notification
from clients.reminders import produces_messages
from core.reminders import Step

from .digest import digest_agendas
from .vocabulary import DIGEST


@produces_messages("managers' digest", step=Step.DIGESTS)
def digest_messages(on: datetime.date) -> list[Notification]:
    """Each active manager's Today agenda by e-mail, once a day: every manager's sections read
    at once (``accompaniment.digest``), each message rendered only if the outbox lacks it."""
    return [
        Pending(f"digest:{manager.pk}:{on}", partial(
            message_for_user,
            user=manager,
            kind=DIGEST,
            dedup_key=f"digest:{manager.pk}:{on}",
            template="digest",
            context={"agenda": agenda},
            language=manager.digest_language or settings.LANGUAGE_CODE,
        ))
        for manager, agenda in digest_agendas(on)
    ]
