"""Whether the client comes: the client's confirmation of a planned session (from the chat, the
personal page or a call taken by staff), late cancels and no-shows.

- **Late cancel** (``is_late_cancel``): cancelling, by anyone, less than ``LATE_CANCEL_HOURS``
  (settings, default 12) before the start records ``Session.Status.LATE_CANCELLED`` instead of
  cancelled; the time is freed all the same (``Session.FREED``).
- **No-show**: a session marked missed.
- **Whether it uses a visit** (``use_visit``): the plan of the card a check-in would count against
  that day (``clients.rules.check_in_cards``) decides — ``MembershipPlan.late_cancel_uses_visit``
  (default no) and ``no_show_uses_visit`` (default yes). A used visit is a visit row written by the
  check-in service itself (``clients.services.visit_check_in``: counted against the card's limit,
  never past it) and kept on the session (``Session.visit``), once. No usable card: nothing is used.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from clients import rules
from clients.models import Visit
from clients.services import visit_check_in

from ..models import Session

# Which plan field decides whether a late cancel or a no-show uses a visit.
PLAN_RULES = {Visit.Kind.LATE_CANCEL: "late_cancel_uses_visit", Visit.Kind.NO_SHOW: "no_show_uses_visit"}
# The kind of the visit it uses: it counts against the card, never as the client coming.
VISIT_KINDS = {Session.Status.LATE_CANCELLED: Visit.Kind.LATE_CANCEL, Session.Status.MISSED: Visit.Kind.NO_SHOW}


@transaction.atomic
def session_confirm(*, session: Session, channel: str) -> Session:
    """Record that the client will come to a planned session, once, with the time and the channel
    (``Session.Confirmation``). A second confirmation is refused with ``code="confirmed_already"``."""
    if channel not in Session.Confirmation.values:
        raise ValidationError(_("Unknown confirmation channel."))
    now = timezone.now()
    updated = Session.objects.filter(pk=session.pk, status=Session.Status.PLANNED, confirmed_at__isnull=True).update(
        confirmed_at=now, confirmed_via=channel, updated_at=now)
    if not updated:
        current = Session.objects.filter(pk=session.pk).values_list("status", "confirmed_at").first()
        if current and current[0] == Session.Status.PLANNED and current[1] is not None:
            raise ValidationError(_("This session is confirmed already."), code="confirmed_already")
        raise ValidationError(_("Only a planned session can be confirmed."), code="not_planned")
    session.refresh_from_db()
    return session


def is_late_cancel(session: Session, now: datetime.datetime) -> bool:
    """Cancelling ``session`` at ``now`` is late: less than ``LATE_CANCEL_HOURS`` before it starts."""
    return session.scheduled_at - now < datetime.timedelta(hours=settings.LATE_CANCEL_HOURS)


def cancelled_status(session: Session, now: datetime.datetime) -> str:
    return Session.Status.LATE_CANCELLED if is_late_cancel(session, now) else Session.Status.CANCELLED


def visit_by_plan(*, client, kind: str, what: str, starts_at: datetime.datetime, user, at: datetime.datetime,
                  card=None) -> Visit | None:
    """A late cancel or a no-show (``kind``: ``Visit.Kind.LATE_CANCEL`` / ``NO_SHOW``) of ``what``
    (a service's name) starting at ``starts_at``: the visit it uses up when the plan of ``card`` (or
    else of the card a check-in would count against that day) says so, written at ``at`` through the
    check-in service; None when the plan does not count it or no card is usable. Sessions and group
    classes both charge through here."""
    rule = PLAN_RULES[kind]
    if card is None:
        card = rules.check_in_cards(client.pk, timezone.localdate(at)).select_related("plan").first()
    if card is None or not getattr(card.plan, rule):
        return None
    with translation.override(settings.LANGUAGE_CODE):
        note = (_("Late cancel: %(session)s") if kind == Visit.Kind.LATE_CANCEL
                else _("No-show: %(session)s")) % {"session": "{}, {}".format(
                    what, formats.date_format(timezone.localtime(starts_at), "SHORT_DATETIME_FORMAT"))}
    try:
        with transaction.atomic():
            return visit_check_in(client=client, user=user, at=at, membership=card, again=True,
                                  note=note[:255], kind=kind)
    except ValidationError:  # used up or erased meanwhile: the booking is marked all the same
        return None


def use_visit(session: Session, *, user, at: datetime.datetime) -> Visit | None:
    """After a late cancel or a no-show (``session.status`` already saved): the visit it uses up on
    the client's card when the card's plan says so (``visit_by_plan``), kept on the session; None
    when the plan does not count it or no card is usable that day."""
    if session.status not in VISIT_KINDS or session.visit_id:
        return None
    visit = visit_by_plan(client=session.client, kind=VISIT_KINDS[session.status], what=session.item.service.name,
                          starts_at=session.scheduled_at, user=user, at=at)
    if visit is None:
        return None
    Session.objects.filter(pk=session.pk).update(visit=visit)
    session.visit = visit
    return visit


def planned_cancel(sessions, *, user, late_rule: bool) -> int:
    """Cancel the planned ``sessions`` (a queryset) at once, e.g. those of a program cancelled or
    completed; with ``late_rule`` (a cancel, not a completion) those within the late-cancel window
    are late cancels and use a visit by the plan's rule, one by one (``use_visit``). How many."""
    now = timezone.now()
    planned = sessions.filter(status=Session.Status.PLANNED)
    late = []
    if late_rule:
        late = list(planned.filter(scheduled_at__lt=now + datetime.timedelta(hours=settings.LATE_CANCEL_HOURS))
                    .select_related("item__service", "client"))
        Session.objects.filter(pk__in=[s.pk for s in late]).update(
            status=Session.Status.LATE_CANCELLED, completed_at=now, updated_at=now)
    count = planned.exclude(pk__in=[s.pk for s in late]).update(
        status=Session.Status.CANCELLED, completed_at=now, updated_at=now)
    for session in late:
        session.status, session.completed_at = Session.Status.LATE_CANCELLED, now
        use_visit(session, user=user, at=now)
    return count + len(late)


__all__ = ["cancelled_status", "is_late_cancel", "planned_cancel", "session_confirm", "use_visit", "visit_by_plan"]
