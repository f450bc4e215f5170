"""Booking, moving and cancelling a session: one service every door calls (the pages, the admin
site, program planning), which refuses

- the specialist in another session (until its end and buffer) — ``Refusal.in_the_way`` names it;
- the client in another session;
- a room over its capacity, or no free room of the kind the service needs;
- a time outside the specialist's working hours or the club's opening hours, or on a holiday
  (``staff.schedule``);

and proposes the nearest free slots (``slots.nearest_slots``). The check runs inside the write's
transaction, after locking the specialist's and the room's rows (``select_for_update``), so two
bookings of the same specialist or room wait for each other; on PostgreSQL the exclusion
constraints (``programs.constraints``) refuse an overlap that slipped past anyway, and that
refusal is turned into the same ``Refusal``. SQLite serialises writers, so the check alone holds.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from staff.models import Room, StaffMember
from staff.schedule import covers

from ..models import ProgramItem, Session
from .attendance import cancelled_status, use_visit
from .slots import Board, Slot, nearest_slots, overlaps

ALTERNATIVE_DAYS = 7
MIN_MINUTES, MAX_MINUTES = 5, 600  # a session's length (the model's constraint)


def when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


class Refusal(ValidationError):
    """A booking that cannot be made: why, the session in the way (if any) and free slots near it."""

    def __init__(self, message: str, *, in_the_way: Session | None = None, alternatives=()):
        self.in_the_way = in_the_way
        self.alternatives: list[Slot] = list(alternatives)
        if self.alternatives:
            message = "{} {}".format(message, _("Free nearby: %(slots)s.") % {
                "slots": ", ".join(when(slot.start) for slot in self.alternatives)})
        else:
            message = "{} {}".format(message, _("No free time nearby."))
        super().__init__({"scheduled_at": [message]})
        self.reason = message


def _class_in_the_way(session: Session, *, start, end, until) -> str:
    """Why a group class keeps the session from [start, end): its specialist or its room taken by a
    class (``programs.classes.busy``), or the client booked into one; "" when none does."""
    from ..classes.busy import bookings_taking, occurrences_taking

    for occurrence in occurrences_taking(start=start, end=until, specialist_ids=[session.specialist_id],
                                         room_ids=[session.room_id]):
        who = occurrence.specialist if occurrence.specialist_id == session.specialist_id else occurrence.room
        return _("%(who)s is taken by the group class %(service)s at %(when)s.") % {
            "who": who, "service": occurrence.group_class.service, "when": when(occurrence.starts_at)}
    for booking in bookings_taking(start=start, end=end, client_ids=[session.client_id]):
        return _("The client is booked into the group class %(service)s at %(when)s.") % {
            "service": booking.occurrence.group_class.service, "when": when(booking.occurrence.starts_at)}
    return ""


def _in_the_way(session: Session, *, start, end, until) -> tuple[str, Session | None]:
    """Why the session cannot take [start, end) (busy until ``until``), or ("", None)."""
    problem = _class_in_the_way(session, start=start, end=end, until=until)
    if problem:
        return problem, None
    others = Session.objects.exclude(status__in=Session.FREED).exclude(pk=session.pk)
    others = others.select_related("item__service").order_by("scheduled_at", "pk")
    if session.specialist_id:
        clash = others.filter(specialist=session.specialist_id, scheduled_at__lt=until, busy_until__gt=start).first()
        if clash:
            return _("%(specialist)s is busy with %(service)s at %(when)s.") % {
                "specialist": session.specialist, "service": clash.item.service, "when": when(clash.scheduled_at),
            }, clash
    clash = others.filter(client=session.client_id, scheduled_at__lt=end, ends_at__gt=start).first()
    if clash:
        return _("The client has %(service)s at %(when)s.") % {
            "service": clash.item.service, "when": when(clash.scheduled_at)}, clash
    if session.room_id:
        room = session.room
        in_room = list(others.filter(room=room, scheduled_at__lt=until, busy_until__gt=start))
        board = Board(calendar=None, rooms=[room])
        for other in in_room:
            board.take(None, room.pk, None, other.scheduled_at, other.ends_at, other.busy_until)
        if not board.room_free(room, start, until):
            return _("%(room)s is full (%(capacity)s at once): %(service)s at %(when)s.") % {
                "room": room, "capacity": room.capacity, "service": in_room[0].item.service,
                "when": when(in_room[0].scheduled_at)}, in_room[0]
    return "", None


def _outside_hours(board: Board, session: Session, start, end) -> str:
    day = timezone.localtime(start).date()
    if session.specialist_id:
        if not covers(board.calendar.working_hours(session.specialist_id, day), start, end):
            return _("%(specialist)s does not work then (working hours, days off, the club's hours).") % {
                "specialist": session.specialist}
    elif not covers(board.calendar.club_hours(day), start, end):
        return _("The club is closed then.")
    return ""


def _lock(specialist_id, room_id) -> None:
    """Bookings of one specialist or one room wait for each other (rows locked until commit)."""
    if specialist_id:
        list(StaffMember.objects.select_for_update().filter(pk=specialist_id).values_list("pk"))
    if room_id:
        list(Room.objects.select_for_update().filter(pk=room_id).values_list("pk"))


def _refuse(session: Session, message: str, in_the_way=None) -> Refusal:
    service = session.item.service
    start = session.scheduled_at.astimezone(datetime.timezone.utc)
    board = Board.load(
        specialist_ids=[session.specialist_id], client_ids=[session.client_id], room_kinds=[service.room_kind],
        first=timezone.localtime(start).date() - datetime.timedelta(days=1),
        last=timezone.localtime(start).date() + datetime.timedelta(days=ALTERNATIVE_DAYS),
        exclude_pk=session.pk,
    )
    alternatives = nearest_slots(board, service=service, specialist_ids=[session.specialist_id],
                                 client_id=session.client_id, near=start, days=ALTERNATIVE_DAYS,
                                 not_before=timezone.now())
    return Refusal(message, in_the_way=in_the_way, alternatives=alternatives)


def _place(session: Session, *, start: datetime.datetime) -> Session:
    """Check and save ``session`` at ``start`` (the caller holds the transaction)."""
    service = session.item.service
    start = start.astimezone(datetime.timezone.utc)  # arithmetic in UTC (see ``staff.schedule.at``)
    _lock(session.specialist_id, session.room_id)
    end = start + datetime.timedelta(minutes=service.duration_minutes if not session.pk else session.duration_minutes)
    until = end + datetime.timedelta(minutes=service.buffer_minutes)
    day = timezone.localtime(start).date()
    board = Board.load(specialist_ids=[session.specialist_id], client_ids=[], room_kinds=[service.room_kind],
                       first=day, last=day, exclude_pk=session.pk)
    session.scheduled_at, session.ends_at, session.busy_until = start, end, until
    session.duration_minutes = int((end - start).total_seconds() // 60)
    problem = _outside_hours(board, session, start, end)
    if problem:
        raise _refuse(session, problem)
    if session.room_id and service.room_kind and session.room.kind != service.room_kind:
        raise ValidationError({"room": _("%(service)s needs a room of the kind: %(kind)s.") % {
            "service": service, "kind": service.get_room_kind_display().lower()}})
    problem, clash = _in_the_way(session, start=start, end=end, until=until)
    if problem:
        raise _refuse(session, problem, clash)
    if service.room_kind and not session.room_id:
        room = board.free_room(service, start, until)
        if not room:
            clash = Session.objects.filter(
                room__kind=service.room_kind, scheduled_at__lt=until, busy_until__gt=start,
            ).exclude(status__in=Session.FREED).order_by("scheduled_at", "pk").first()
            raise _refuse(session, _("No %(kind)s is free then.") % {
                "kind": service.get_room_kind_display().lower()}, clash)
        _lock(None, room.pk)
        session.room = room
        problem, clash = _in_the_way(session, start=start, end=end, until=until)  # under the room's lock
        if problem:
            raise _refuse(session, problem, clash)
    session.room_exclusive = bool(session.room_id and session.room.capacity == 1)
    session.full_clean(exclude=["item", "client", "specialist", "room"])
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:  # PostgreSQL's exclusion constraints: a booking committed meanwhile
        problem, clash = _in_the_way(session, start=start, end=end, until=until)
        raise _refuse(session, problem or _("This time was just taken."), clash) from None
    return session


@transaction.atomic
def session_book(*, item: ProgramItem, start: datetime.datetime, user, specialist: StaffMember | None = None,
                 room: Room | None = None) -> Session:
    """Book one session of ``item`` at ``start`` (the item's specialist unless another is given; a
    free room of the kind the service needs unless one is given), or raise ``Refusal``."""
    item = ProgramItem.objects.select_related("service", "program").get(pk=item.pk)
    session = Session(item=item, client_id=item.program.client_id, specialist=specialist or item.specialist,
                      room=room, duration_minutes=item.service.duration_minutes, created_by=user)
    return _place(session, start=start)


@transaction.atomic
def session_move(*, session: Session, start: datetime.datetime, user, specialist: StaffMember | None = None,
                 room: Room | None = None, minutes: int | None = None) -> Session:
    """Move a planned session to ``start`` (and another specialist or room), or raise ``Refusal``;
    ``minutes`` resizes it too (the calendar's drag of its end), checked by the same rules."""
    session = Session.objects.select_for_update().select_related("item__service").get(pk=session.pk)
    if session.status != Session.Status.PLANNED:
        raise ValidationError({"scheduled_at": _("Only a planned session can be moved.")})
    if minutes is not None:
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise ValidationError({"duration_minutes": _("A session lasts between 5 and 600 minutes.")})
        session.duration_minutes = minutes
    if specialist is not None:
        session.specialist = specialist
    session.room = room  # None: a free room of the kind is found at the new time
    return _place(session, start=start)


@transaction.atomic
def session_cancel(*, session: Session, reason: str, user) -> Session:
    """Cancel a planned session with the reason; its time is free again at once. Less than
    ``LATE_CANCEL_HOURS`` before the start it is a late cancel, which may use a visit of the
    client's card by the plan's rule (``attendance``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Say why the session is cancelled.")})
    now = timezone.now()
    session = Session.objects.select_for_update().select_related("item__service", "client").get(pk=session.pk)
    if session.status != Session.Status.PLANNED:
        raise ValidationError({"cancel_reason": _("This session is already marked.")})
    session.status, session.cancel_reason, session.completed_at = cancelled_status(session, now), reason[:255], now
    session.save(update_fields=["status", "cancel_reason", "completed_at", "updated_at"])
    use_visit(session, user=user, at=now)
    return session


__all__ = ["Refusal", "overlaps", "session_book", "session_cancel", "session_move"]
