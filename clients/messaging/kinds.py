"""The kinds of message the outbox carries: a vocabulary each app adds its own kinds to.

The clients app knows only its own reminders; staff (surveys, feedback), sales (promotions) and
accompaniment (the managers' digest) register theirs in their ``vocabulary.py`` when Django
starts. ``Notification.kind`` stores the code and is checked against what is registered
(``full_clean`` refuses an unknown kind); a new kind needs no migration here.
"""

from django.utils.translation import gettext_lazy as _

from core.vocabulary import Vocabulary

MESSAGE_KINDS = Vocabulary("message kind", max_length=30)
register = MESSAGE_KINDS.register


def choices():
    """The registered kinds, as `Notification.kind`'s choices (read when used, not migrated)."""
    return MESSAGE_KINDS.choices()


MEMBERSHIP_EXPIRY = register("membership_expiry", _("Membership expiry"))
RENEWAL_OFFER = register("renewal_offer", _("Renewal offer"))
VISIT_PACK = register("visit_pack", _("Visits running out"))
BIRTHDAY = register("birthday", _("Birthday greeting"))
OTHER = register("other", _("Other"))
