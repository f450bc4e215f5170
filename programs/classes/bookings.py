"""Booking clients into group classes, written once for every door (the pages, the admin site).

- **Who books**: the accompaniment manager their own clients, the front desk anyone
  (``clients.selectors.clients_visible_to``); never a client whose data were erased.
- **Against a card** (``group_class_cards``): the client's card usable for a check-in on the
  class's day (``clients.rules.usable_q``: running, not frozen, visits left) whose plan allows
  group classes (``GROUP_CLASS_CATEGORIES``: a group-training or an all-inclusive plan).
- **A place or a turn**: while the class has places left the client is booked; once it is full,
  the client takes the next turn on its waiting list (unless the class keeps no waiting list, or
  it is full too: refused). The occurrence's row is locked (``select_for_update``) while places
  are counted, so two bookings of the last place count one after the other.
- **Refused**: after booking closes (``GroupClass.closes_minutes`` before the start), for a
  cancelled class, a client already booked or waiting, or a client who is elsewhere then (a
  personal session or another class).
- **Confirming** (``class_place_confirm``): the client says, through the reminder's link, that
  they will come; once, while the place is booked and the class still to come.
- **Cancelling** (``class_cancel``) needs a reason; the client gives up their own place through
  the reminder's signed link (``by_client``) under the same rules. A booked place cancelled less than
  ``LATE_CANCEL_HOURS`` before the start is a late cancel, and uses a visit of the card when its
  plan says so (``MembershipPlan.late_cancel_uses_visit``, as for sessions). A freed place goes at
  once to the first on the waiting list who is free then, who gets a message (the outbox, their
  language and channel); the others move up one turn.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from clients import rules
from clients.messaging.outbox import message_for_client, outbox_write
from clients.models import Client, Membership, MembershipPlan, Visit
from clients.selectors import clients_visible_to

from ..models import Session
from ..scheduling.attendance import is_late_cancel, visit_by_plan
from ..scheduling.booking import when
from ..vocabulary import CLASS_PLACE
from .models import ClassBooking, ClassOccurrence

GROUP_CLASS_CATEGORIES = (MembershipPlan.Category.GROUP, MembershipPlan.Category.ALL_INCLUSIVE)


def group_class_cards(client, day: datetime.date):
    """The client's cards a class on ``day`` may be booked against, the earliest-starting first."""
    return (Membership.objects.filter(rules.usable_q(day), client=client, plan__category__in=GROUP_CLASS_CATEGORIES)
            .select_related("plan").order_by("start_date", "id"))


def booking_closes_at(occurrence: ClassOccurrence) -> datetime.datetime:
    return occurrence.starts_at - datetime.timedelta(minutes=occurrence.group_class.closes_minutes)


def _locked(occurrence_pk) -> ClassOccurrence:
    return (ClassOccurrence.objects.select_for_update(of=("self",))
            .select_related("group_class__service", "specialist", "room").get(pk=occurrence_pk))


def _elsewhere(occurrence: ClassOccurrence, client_id) -> str:
    session = (Session.objects.filter(client=client_id, scheduled_at__lt=occurrence.ends_at,
                                      ends_at__gt=occurrence.starts_at)
               .exclude(status__in=Session.FREED).select_related("item__service").first())
    if session:
        return _("The client has %(service)s at %(when)s.") % {
            "service": session.item.service, "when": when(session.scheduled_at)}
    other = (ClassBooking.objects.filter(client=client_id, status=ClassBooking.Status.BOOKED,
                                         occurrence__cancelled=False, occurrence__starts_at__lt=occurrence.ends_at,
                                         occurrence__ends_at__gt=occurrence.starts_at)
             .exclude(occurrence=occurrence.pk).select_related("occurrence__group_class__service").first())
    if other:
        return _("The client is booked into the group class %(service)s at %(when)s.") % {
            "service": other.occurrence.group_class.service, "when": when(other.occurrence.starts_at)}
    return ""


@transaction.atomic
def class_book(*, occurrence: ClassOccurrence, client: Client, user,
               now: datetime.datetime | None = None) -> ClassBooking:
    """Book ``client`` into the class, or put them on its waiting list; refuse by the rules above."""
    now = now or timezone.now()
    if not clients_visible_to(user).filter(pk=client.pk).exists():
        raise ValidationError({"client": _("You can book only the clients you work with.")})
    client = Client.objects.get(pk=client.pk)
    if client.erased_at:
        raise ValidationError({"client": _("This client's data were erased.")})
    occurrence = _locked(occurrence.pk)
    if occurrence.cancelled:
        raise ValidationError({"client": _("This class is cancelled.")})
    if now >= booking_closes_at(occurrence):
        raise ValidationError({"client": _("Booking for this class closed at %(when)s.") % {
            "when": when(booking_closes_at(occurrence))}})
    holding = ClassBooking.objects.filter(occurrence=occurrence, status__in=ClassBooking.HOLDING)
    mine = holding.filter(client=client).first()
    if mine:
        raise ValidationError({"client": _("%(client)s is already booked into this class.") % {"client": client}
                               if mine.status == ClassBooking.Status.BOOKED else
                               _("%(client)s is already on the waiting list (turn %(turn)s).") % {
                                   "client": client, "turn": mine.waitlist_position}})
    problem = _elsewhere(occurrence, client.pk)
    if problem:
        raise ValidationError({"client": problem})
    day = timezone.localtime(occurrence.starts_at).date()
    card = group_class_cards(client, day).first()
    if card is None:
        raise ValidationError({"client": _(
            "%(client)s has no membership for group classes usable on %(day)s (running, not frozen, "
            "with visits left).") % {"client": client, "day": formats.date_format(day, "SHORT_DATE_FORMAT")}})
    booking = ClassBooking(occurrence=occurrence, client=client, membership=card, created_by=user)
    counts = holding.aggregate(booked=_count(ClassBooking.Status.BOOKED), waiting=_count(ClassBooking.Status.WAITLISTED),
                               last=Max("waitlist_position"))
    size = occurrence.group_class.waitlist_size
    if counts["booked"] < occurrence.group_class.capacity:
        booking.status = ClassBooking.Status.BOOKED
    elif size is None or counts["waiting"] < size:
        booking.status = ClassBooking.Status.WAITLISTED
        booking.waitlist_position = (counts["last"] or 0) + 1
    else:
        raise ValidationError({"client": _("The class is full, and so is its waiting list.") if size else
                               _("The class is full.")})
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise ValidationError({"client": _("%(client)s is already booked into this class.") % {"client": client}}) \
            from None
    return booking


def _count(status):
    from django.db.models import Count

    return Count("pk", filter=Q(status=status))


def _place_message(booking: ClassBooking):
    occurrence = booking.occurrence
    with translation.override(booking.client.language or settings.LANGUAGE_CODE):
        moment = formats.date_format(timezone.localtime(occurrence.starts_at), "SHORT_DATETIME_FORMAT")
    return message_for_client(
        client=booking.client, kind=CLASS_PLACE, dedup_key=f"class-place:{booking.pk}", template="class_place",
        context={"service": occurrence.group_class.service.name, "when": moment,
                 "specialist": occurrence.specialist.first_name, "room": occurrence.room.name},
        related=booking,
    )


def _promote(occurrence: ClassOccurrence, now) -> ClassBooking | None:
    """The first on the waiting list takes the freed place (the occurrence's row is locked)."""
    if occurrence.cancelled or occurrence.starts_at <= now:
        return None
    booked = ClassBooking.objects.filter(occurrence=occurrence, status=ClassBooking.Status.BOOKED).count()
    if booked >= occurrence.group_class.capacity:
        return None
    waiting = (ClassBooking.objects.filter(occurrence=occurrence, status=ClassBooking.Status.WAITLISTED)
               .select_related("client").order_by("waitlist_position", "pk"))
    # A client who took a personal session or another class at that time meanwhile keeps their turn.
    first = next((b for b in waiting if not _elsewhere(occurrence, b.client_id)), None)
    if first is None:
        return None
    position = first.waitlist_position
    first.status, first.waitlist_position, first.promoted_at = ClassBooking.Status.BOOKED, None, now
    first.save(update_fields=["status", "waitlist_position", "promoted_at", "updated_at"])
    _move_up(occurrence, position)
    first.occurrence = occurrence
    outbox_write([_place_message(first)])
    transaction.on_commit(_deliver_soon)
    return first


def _deliver_soon():
    from clients.tasks import deliver_outbox

    deliver_outbox.delay()


def _move_up(occurrence, after: int) -> None:
    ClassBooking.objects.filter(occurrence=occurrence, status=ClassBooking.Status.WAITLISTED,
                                waitlist_position__gt=after).update(waitlist_position=F("waitlist_position") - 1)


def _use_visit(booking: ClassBooking, *, user, at) -> None:
    """A late cancel uses a visit of the booking's card when its plan says so (never past its limit)."""
    if booking.membership is not None:
        visit_by_plan(client=booking.client, kind=Visit.Kind.LATE_CANCEL, card=booking.membership, user=user, at=at,
                      what=booking.occurrence.group_class.service.name, starts_at=booking.occurrence.starts_at)


def class_place_confirm(*, booking: ClassBooking, now: datetime.datetime | None = None) -> ClassBooking:
    """Record that the client will come to their booked place, once (a second confirmation is
    refused with ``code="confirmed_already"``), while the class is still to come."""
    now = now or timezone.now()
    updated = ClassBooking.objects.filter(
        pk=booking.pk, status=ClassBooking.Status.BOOKED, confirmed_at__isnull=True,
        occurrence__cancelled=False, occurrence__starts_at__gt=now,
    ).update(confirmed_at=now, updated_at=now)
    booking.refresh_from_db()
    if not updated:
        if booking.status == ClassBooking.Status.BOOKED and booking.confirmed_at is not None:
            raise ValidationError(_("This place is confirmed already."), code="confirmed_already")
        raise ValidationError(_("Only a booked place in a class still to come can be confirmed."), code="not_booked")
    return booking


@transaction.atomic
def class_cancel(*, booking: ClassBooking, reason: str, user, now: datetime.datetime | None = None,
                 by_client: bool = False) -> ClassBooking:
    """Cancel a place or a turn with the reason; a freed place goes to the first on the waiting list.
    ``by_client``: the client gives up their own place (the reminder's signed link said whose it
    is; no staff user, ``user`` is None)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Say why the booking is cancelled.")})
    if by_client and user is not None:
        raise ValueError("A client's own cancel has no staff user.")
    if not by_client and not clients_visible_to(user).filter(pk=booking.client_id).exists():
        raise ValidationError({"cancel_reason": _("You can cancel only the bookings of the clients you work with.")})
    occurrence = _locked(booking.occurrence_id)
    booking = ClassBooking.objects.select_for_update(of=("self",)).select_related(
        "client", "membership__plan").get(pk=booking.pk)
    booking.occurrence = occurrence
    if booking.status not in ClassBooking.HOLDING:
        raise ValidationError({"cancel_reason": _("This booking is already cancelled or marked.")})
    if occurrence.starts_at <= now:
        raise ValidationError({"cancel_reason": _("The class has started: mark it instead.")})
    was, position = booking.status, booking.waitlist_position
    late = was == ClassBooking.Status.BOOKED and is_late_cancel(Session(scheduled_at=occurrence.starts_at), now)
    booking.status = ClassBooking.Status.LATE_CANCELLED if late else ClassBooking.Status.CANCELLED
    booking.waitlist_position, booking.cancel_reason, booking.cancelled_at = None, reason[:255], now
    booking.save(update_fields=["status", "waitlist_position", "cancel_reason", "cancelled_at", "updated_at"])
    if was == ClassBooking.Status.WAITLISTED:
        _move_up(occurrence, position)
    else:
        if late:
            _use_visit(booking, user=user, at=now)
        _promote(occurrence, now)
    return booking
