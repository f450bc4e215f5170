"""What a client may do about themselves, from the chat or the personal page: one set of
functions for both doors. None of them reads health data or anybody else's records."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients import rules
from clients.models import Client, Interaction, Notification
from clients.selectors import current_membership, memberships_for_card
from programs import scheduling
from programs.classes.bookings import class_cancel, class_place_confirm
from programs.classes.models import ClassBooking
from programs.classes.selectors import upcoming_bookings_for_client
from programs.models import Session
from programs.selectors import sessions_upcoming_for
from staff import vocabulary as staff_vocabulary
from staff.models import SurveyResponse
from staff.services import SurveyLinkError, survey_answer, survey_read


@dataclass
class CardSummary:
    """The client's current card as the client may see it."""

    plan: str
    state: str
    state_label: str
    end_date: datetime.date | None
    days_left: int | None
    visits_left: int | None
    frozen_until: datetime.date | None


STATE_LABELS = {
    "active": gettext_lazy("running"), "used_up": gettext_lazy("no visits left"), "frozen": gettext_lazy("frozen"),
    "not_started": gettext_lazy("not started yet"), "expired": gettext_lazy("ended"),
    "cancelled": gettext_lazy("cancelled"),
}


def card_summary(client: Client) -> CardSummary | None:
    """The membership that matters today (``clients.selectors.current_membership``)."""
    memberships = memberships_for_card(client)
    current = current_membership(memberships)
    if current is None:
        return None
    today = timezone.localdate()
    frozen_until = None
    if current.state == "frozen":
        covering = [f for f in current.freezes.all() if rules.freeze_covers(f, today)]
        frozen_until = max((f.end_date for f in covering if f.end_date), default=None)
    return CardSummary(
        plan=current.plan.name, state=current.state, state_label=str(STATE_LABELS.get(current.state, current.state)),
        end_date=current.end_date, days_left=current.days_left_today if current.state != "expired" else 0,
        visits_left=current.visits_left, frozen_until=frozen_until,
    )


def upcoming_sessions(client: Client, limit: int = 10) -> list[Session]:
    """The client's coming sessions (``confirmed_at`` says whether they confirmed them)."""
    return list(sessions_upcoming_for(client, limit=limit))


def upcoming_class_places(client: Client, limit: int = 10) -> list[ClassBooking]:
    """The client's places and waiting-list turns in group classes still to come (one query)."""
    return list(upcoming_bookings_for_client(client, now=timezone.now())[:limit])


def _client_session(client: Client, session_pk) -> Session:
    """One of the client's own planned sessions still to come; ValidationError otherwise (an id
    of somebody else's session reads as not found)."""
    session = sessions_upcoming_for(client, limit=None).filter(pk=session_pk).first() if str(session_pk).isdigit() else None
    if session is None:
        raise ValidationError(_("This session is not among your coming sessions."))
    return session


def _booking_words(service, starts_at) -> str:
    from django.utils import formats

    when = formats.date_format(timezone.localtime(starts_at), "SHORT_DATETIME_FORMAT")
    return f"{service.name}, {when}"


def _session_words(session: Session) -> str:
    return _booking_words(session.item.service, session.scheduled_at)


def _client_reason(channel: str) -> str:
    """The reason the schedule records for a client's own cancel, in the club's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(CANCEL_REASONS[channel])


def _told_the_club(client: Client, channel: str, summary: str) -> None:
    """What the client did, among the manager's messages from them."""
    Interaction.objects.create(
        client=client, kind=Interaction.Kind.MESSAGE, direction=Interaction.Direction.INBOUND, channel=channel,
        summary=summary, occurred_at=timezone.now(),
    )


# The reason the schedule records for a client's own cancel, by the door they used.
CANCEL_REASONS = {
    Session.Confirmation.TELEGRAM: gettext_lazy("cancelled by the client (Telegram)"),
    Session.Confirmation.PAGE: gettext_lazy("cancelled by the client (personal page)"),
}


@transaction.atomic
def session_confirm(*, client: Client, session_pk, channel: str) -> Session:
    """The client confirms they will come: kept on the session (``programs.scheduling.session_confirm``),
    once (a second press says so)."""
    session = _client_session(client, session_pk)
    return _once(lambda: scheduling.session_confirm(session=session, channel=channel),
                 _("You have confirmed this session already."))


def _once(confirm, already: str):
    """Run ``confirm``; a second confirmation is told in the client's words (``already``)."""
    try:
        return confirm()
    except ValidationError as error:
        if error.code == "confirmed_already":
            raise ValidationError(already) from None
        raise


@transaction.atomic
def session_cancel(*, client: Client, session_pk, channel: str) -> Session:
    """The client cancels: through the booking service's cancel (``programs.scheduling``) with the
    reason in the club's language, and the manager finds it among the messages waiting."""
    session = _client_session(client, session_pk)
    words = _session_words(session)
    session = scheduling.session_cancel(session=session, reason=_client_reason(channel), user=None)
    _told_the_club(client, channel, _("Cancelled the session: %(session)s") % {"session": words})
    return session


# --- A booked place in a group class (the reminder's links) ----------------------------------------
def _client_place(client: Client, booking_pk) -> ClassBooking:
    """One of the client's own class bookings; ValidationError otherwise."""
    booking = (ClassBooking.objects.filter(pk=booking_pk, client=client)
               .select_related("occurrence__group_class__service").first() if str(booking_pk).isdigit() else None)
    if booking is None:
        raise ValidationError(_("This place is not among your bookings."))
    return booking


@transaction.atomic
def class_place_confirm_by_client(*, client: Client, booking_pk) -> ClassBooking:
    """The client confirms they will come to their place (``class_place_confirm``), once."""
    booking = _client_place(client, booking_pk)
    return _once(lambda: class_place_confirm(booking=booking), _("You have confirmed this place already."))


@transaction.atomic
def class_place_give_up(*, client: Client, booking_pk, channel: str) -> ClassBooking:
    """The client gives up their place: through ``class_cancel`` (its late-cancel rule; the first
    on the waiting list takes the place and is told), and the manager finds it among the messages."""
    booking = _client_place(client, booking_pk)
    words = _booking_words(booking.occurrence.group_class.service, booking.occurrence.starts_at)
    was_waiting = booking.status == ClassBooking.Status.WAITLISTED
    booking = class_cancel(booking=booking, reason=_client_reason(channel), user=None, by_client=True)
    if was_waiting:
        summary = _("Left the waiting list of the group class: %(place)s")
    else:
        summary = _("Gave up the place in the group class: %(place)s")
    _told_the_club(client, channel, summary % {"place": words})
    booking.was_waiting = was_waiting
    return booking


# --- The survey ---------------------------------------------------------------------------------
def _survey_path() -> re.Pattern:
    """A survey link in a message's text: SITE_URL + ``/s/<token>/`` (read when used)."""
    prefix = settings.SITE_URL + reverse("survey", args=["TOKEN"]).split("TOKEN")[0]
    return re.compile(re.escape(prefix) + r"([^/\s]+)/")


def open_survey_token(client: Client) -> str | None:
    """The token of the latest survey the club sent the client that is still open (not
    answered, not expired), or None: the chat's and the page's 0–10 buttons answer that one."""
    since = timezone.now() - datetime.timedelta(days=settings.SURVEY_LINK_DAYS)
    for body in (Notification.objects.filter(client=client, kind=staff_vocabulary.SURVEY, created_at__gte=since)
                 .exclude(status=Notification.Status.SKIPPED).order_by("-created_at").values_list("body", flat=True)[:3]):
        found = _survey_path().search(body)
        if not found:
            continue
        try:
            survey_read(found.group(1))
        except SurveyLinkError:
            continue
        return found.group(1)
    return None


def survey_give(*, client: Client, score) -> SurveyResponse:
    """Answer the client's open survey (``staff.services.survey_answer``: once per survey; a low
    score opens a complaint, as on the web)."""
    token = open_survey_token(client)
    if token is None:
        raise ValidationError(_("There is no survey to answer right now."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose a score from 0 to 10.")) from None
    try:
        return survey_answer(token=token, score=score)
    except SurveyLinkError:
        raise ValidationError(_("This survey has been answered already.")) from None
