"""The pages a reminder's links open (``programs.answer_links``): confirm or cancel a personal
session, confirm or give up a place in a group class. Each asks, a button answers, once; the same
link later says it was done, or why it no longer can be. One flow (``_answer``) for both."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.capabilities import public
from clients.languages import speak_the_clients_language
from programs.answer_links import CANCEL, CONFIRM, PLACE_LINKS, SESSION_LINKS, answer_state, place_answer_state
from programs.classes.models import ClassBooking
from programs.models import Session
from programs.scheduling import is_late_cancel

from . import actions


def _answer(request, token, *, links, bookings, state_of, act, template, starts_at):
    """GET: the booking and a button; POST: the answer, when the link is still open. A link that
    is not ours (made up, altered, another kind's) or whose client was erased: the "not valid" page."""
    try:
        pk, answer, sent_for = links.read(token)
    except signing.BadSignature:
        booking = None
    else:
        booking = bookings.filter(pk=pk, client__erased_at__isnull=True).first()
    if booking is None:
        return render(request, "accompaniment/personal_page_invalid.html", {"reason": "invalid"}, status=404)
    speak_the_clients_language(request, booking.client.language)
    state, done, error = state_of(booking, answer, sent_for), False, ""
    if request.method == "POST" and state == "open":
        try:
            booking = act(booking, answer)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            done = True
        state = state_of(booking, answer, sent_for)
    late = (state == "open" and answer == CANCEL
            and is_late_cancel(Session(scheduled_at=starts_at(booking)), timezone.now()))
    return render(request, template, {
        "booking": booking, "state": state, "done": done, "error": error, "confirm": answer == CONFIRM, "late": late,
    })


def _session_act(session: Session, answer: str) -> Session:
    act = actions.session_confirm if answer == CONFIRM else actions.session_cancel
    return act(client=session.client, session_pk=session.pk, channel=Session.Confirmation.PAGE)


@public
@never_cache
def session_answer(request, token):
    """A personal session's confirm or cancel link."""
    return _answer(
        request, token, links=SESSION_LINKS, state_of=answer_state, act=_session_act,
        bookings=Session.objects.select_related("client", "item__service", "specialist", "room"),
        template="accompaniment/session_answer.html", starts_at=lambda session: session.scheduled_at,
    )


def _place_act(booking: ClassBooking, answer: str) -> ClassBooking:
    if answer == CONFIRM:
        booking = actions.class_place_confirm_by_client(client=booking.client, booking_pk=booking.pk)
    else:
        booking = actions.class_place_give_up(client=booking.client, booking_pk=booking.pk,
                                              channel=Session.Confirmation.PAGE)
    return ClassBooking.objects.select_related(*PLACE_RELATED).get(pk=booking.pk)


PLACE_RELATED = ("client", "occurrence__group_class__service", "occurrence__specialist", "occurrence__room")


@public
@never_cache
def class_place_answer(request, token):
    """A booked place's confirm or give-up link (the class reminder's)."""
    return _answer(
        request, token, links=PLACE_LINKS, state_of=place_answer_state, act=_place_act,
        bookings=ClassBooking.objects.select_related(*PLACE_RELATED),
        template="accompaniment/class_place_answer.html", starts_at=lambda booking: booking.occurrence.starts_at,
    )
