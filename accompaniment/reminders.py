"""What the daily pipeline (``core.reminders``) gets from accompaniment: each manager's morning
digest, their Today by e-mail. A digest runs after the sweep has committed, so it lists the
tasks the sweep made for that day. Imported by ``AccompanimentConfig.ready()``."""

import datetime

from django.contrib.auth import get_user_model

from clients.messaging.outbox import message_for_user
from clients.models import Notification
from clients.reminders import produces_messages
from core import roles
from core.reminders import Step

from .selectors import today_agenda
from .vocabulary import DIGEST


@produces_messages("managers' digest", step=Step.DIGESTS)
def digest_messages(on: datetime.date) -> list[Notification]:
    """Each active manager's Today agenda by e-mail, once a day."""
    managers = get_user_model().objects.filter(groups__name=roles.MANAGER, is_active=True)
    return [
        message_for_user(
            user=manager,
            kind=DIGEST,
            dedup_key=f"digest:{manager.pk}:{on}",
            template="digest",
            context={"agenda": today_agenda(manager, on=on)},
        )
        for manager in managers
    ]
