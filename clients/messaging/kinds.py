"""The kinds of message the outbox carries: a vocabulary each app adds its own kinds to.

The clients app knows only its own reminders; staff (surveys, feedback), sales (promotions) and
accompaniment (the managers' digest) register theirs in their ``vocabulary.py`` when Django
starts. ``Notification.kind`` stores the code and is checked against what is registered
(``full_clean`` refuses an unknown kind); a new kind needs no migration here.

Each kind is registered with its purpose (``clients.models.Purpose``): a *service* message is
about what the client bought and goes unless they opted out of the channel; a *marketing* one
needs their marketing consent for it. A kind is a service message unless registered with
``marketing=True``.
"""

from django.utils.translation import gettext_lazy as _

from core.vocabulary import Vocabulary

# ``clients.models.Purpose``'s values (the models import this module: no import back).
SERVICE, MARKETING = "service", "marketing"

MESSAGE_KINDS = Vocabulary("message kind", max_length=30)
_MARKETING: set[str] = set()


def register(code: str, label, *, marketing: bool = False) -> str:
    """Add a kind of message; ``marketing=True`` when it sells rather than serves."""
    MESSAGE_KINDS.register(code, label)
    if marketing:
        _MARKETING.add(code)
    return code


def purpose_of(kind: str) -> str:
    """Service or marketing (``Purpose``): what consent the kind needs."""
    return MARKETING if kind in _MARKETING else SERVICE


def choices():
    """The registered kinds, as `Notification.kind`'s choices (read when used, not migrated)."""
    return MESSAGE_KINDS.choices()


MEMBERSHIP_EXPIRY = register("membership_expiry", _("Membership expiry"))
RENEWAL_OFFER = register("renewal_offer", _("Renewal offer"), marketing=True)
VISIT_PACK = register("visit_pack", _("Visits running out"))
BIRTHDAY = register("birthday", _("Birthday greeting"), marketing=True)
CHAT_REPLY = register("chat_reply", _("Manager's answer"))
PAGE_LINK = register("page_link", _("Personal page link"))
OTHER = register("other", _("Other"))
