"""Running a dated class: marking who came, and cancelling the whole class.

- **Who marks** (``may_mark``): the front desk (whoever works with every client's records) and the
  class's own specialist; only once the class has started (as for sessions), only a booked place,
  once.
- **Attended**: a visit through the check-in service (``clients.services.visit_check_in``, kind
  attended) against the card the booking used, at the class's start; a client already checked in
  on that card that club day keeps that one visit (the club counts one visit a day). No usable card
  (used up, frozen meanwhile): refused with the check-in's reason.
- **No-show**: uses a visit of the booking's card when its plan says so
  (``MembershipPlan.no_show_uses_visit``, through ``scheduling.attendance.visit_by_plan``, as for
  sessions).
- **Cancelling the class** (``class_occurrence_cancel``): the front desk or the director, with a
  reason, before it starts. Every booked and waiting client's booking is cancelled and each gets one
  message (the outbox, their language and channel); no visit is used.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from clients.messaging.outbox import message_for_client, outbox_write
from clients.models import Visit
from clients.services import visit_check_in
from clients.services.memberships import AlreadyCheckedIn
from core.capabilities import SEE_ALL_CLIENTS, WORK_WITH_CLIENTS, can
from staff.models import StaffMember

from ..scheduling.attendance import visit_by_plan
from ..scheduling.booking import when
from ..vocabulary import CLASS_CANCELLED
from .bookings import _deliver_soon, _locked
from .models import ClassBooking, ClassOccurrence

MARKS = (ClassBooking.Status.ATTENDED, ClassBooking.Status.NO_SHOW)


def runs_classes(user) -> bool:
    """The front desk (and the director): works with every client's records."""
    return can(user, WORK_WITH_CLIENTS) and can(user, SEE_ALL_CLIENTS)


def may_mark(user, occurrence: ClassOccurrence) -> bool:
    return runs_classes(user) or StaffMember.objects.filter(user=user, pk=occurrence.specialist_id).exists()


@transaction.atomic
def class_mark(*, booking: ClassBooking, status: str, user, now: datetime.datetime | None = None) -> ClassBooking:
    """Mark a booked client attended or no-show (the module's docstring)."""
    now = now or timezone.now()
    if status not in MARKS:
        raise ValidationError({"status": _("Choose attended or no-show.")})
    occurrence = _locked(booking.occurrence_id)
    if not may_mark(user, occurrence):
        raise ValidationError({"status": _("Only the front desk and the class's specialist mark who came.")})
    if occurrence.cancelled:
        raise ValidationError({"status": _("This class is cancelled.")})
    if occurrence.starts_at > now:
        raise ValidationError({"status": _(
            "This class starts on %(when)s: who came can be marked once it has started.") % {
            "when": when(occurrence.starts_at)}})
    booking = ClassBooking.objects.select_for_update(of=("self",)).select_related(
        "client", "membership__plan").get(pk=booking.pk)
    booking.occurrence = occurrence
    if booking.status != ClassBooking.Status.BOOKED:
        raise ValidationError({"status": _("Only a booked place can be marked, once.")})
    if status == ClassBooking.Status.ATTENDED:
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Group class: %(class)s") % {"class": "{}, {}".format(
                occurrence.group_class.service.name,
                formats.date_format(timezone.localtime(occurrence.starts_at), "SHORT_DATETIME_FORMAT"))}
        try:
            with transaction.atomic():
                visit_check_in(client=booking.client, user=user, at=min(occurrence.starts_at, now),
                               membership=booking.membership, note=note[:255], kind=Visit.Kind.ATTENDED)
        except AlreadyCheckedIn:
            pass  # checked in at the desk that day: the one visit counts
        except ValidationError as error:
            raise ValidationError({"status": error.messages}) from None
    else:
        visit_by_plan(client=booking.client, kind=Visit.Kind.NO_SHOW, card=booking.membership, user=user,
                      at=min(occurrence.starts_at, now), what=occurrence.group_class.service.name,
                      starts_at=occurrence.starts_at)
    booking.status = status
    booking.save(update_fields=["status", "updated_at"])
    return booking


def _cancelled_message(booking: ClassBooking, occurrence: ClassOccurrence, reason: str):
    with translation.override(booking.client.language or settings.LANGUAGE_CODE):
        moment = formats.date_format(timezone.localtime(occurrence.starts_at), "SHORT_DATETIME_FORMAT")
    return message_for_client(
        client=booking.client, kind=CLASS_CANCELLED, dedup_key=f"class-cancelled:{booking.pk}",
        template="class_cancelled", related=booking,
        context={"service": occurrence.group_class.service.name, "when": moment, "reason": reason},
    )


@transaction.atomic
def class_occurrence_cancel(*, occurrence: ClassOccurrence, reason: str, user,
                            now: datetime.datetime | None = None) -> int:
    """Cancel the whole dated class (the module's docstring); how many clients are told."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Say why the class is cancelled.")})
    if not runs_classes(user):
        raise ValidationError({"cancel_reason": _("Only the front desk or the director cancels a class.")})
    occurrence = _locked(occurrence.pk)
    if occurrence.cancelled:
        raise ValidationError({"cancel_reason": _("This class is cancelled.")})
    if occurrence.starts_at <= now:
        raise ValidationError({"cancel_reason": _("The class has started: mark who came instead.")})
    occurrence.cancelled, occurrence.cancel_reason = True, reason[:255]
    occurrence.save(update_fields=["cancelled", "cancel_reason"])
    holding = list(ClassBooking.objects.select_for_update(of=("self",))
                   .filter(occurrence=occurrence, status__in=ClassBooking.HOLDING).select_related("client"))
    ClassBooking.objects.filter(pk__in=[b.pk for b in holding]).update(
        status=ClassBooking.Status.CANCELLED, waitlist_position=None, cancel_reason=reason[:255],
        cancelled_at=now, updated_at=now)
    outbox_write([_cancelled_message(b, occurrence, reason[:255]) for b in holding])
    if holding:
        transaction.on_commit(_deliver_soon)
    return len(holding)
