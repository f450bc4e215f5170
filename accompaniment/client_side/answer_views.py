"""The page a reminder's confirm or cancel link opens (``programs.answer_links``): it asks, a
button answers, once; the same link later says it was done."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from clients.languages import speak_the_clients_language
from core.capabilities import public
from programs.answer_links import CANCEL, CONFIRM, answer_read, answer_state
from programs.models import Session
from programs.scheduling import is_late_cancel

from . import actions


@public
@never_cache
def session_answer(request, token):
    """GET: the session and a button; POST: the answer, when the link is still open."""
    try:
        session_pk, answer, sent_for = answer_read(token)
    except signing.BadSignature:
        session = None
    else:
        session = (Session.objects.select_related("client", "item__service", "specialist", "room")
                   .filter(pk=session_pk, client__erased_at__isnull=True).first())
    if session is None:
        return render(request, "accompaniment/personal_page_invalid.html", {"reason": "invalid"}, status=404)
    speak_the_clients_language(request, session.client.language)
    state, done, error = answer_state(session, answer, sent_for), False, ""
    if request.method == "POST" and state == "open":
        act = actions.session_confirm if answer == CONFIRM else actions.session_cancel
        try:
            session = act(client=session.client, session_pk=session.pk, channel=Session.Confirmation.PAGE)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            done = True
        state = answer_state(session, answer, sent_for)
    return render(request, "accompaniment/session_answer.html", {
        "session": session, "state": state, "done": done, "error": error, "confirm": answer == CONFIRM,
        "late": state == "open" and answer == CANCEL and is_late_cancel(session, timezone.now()),
    })
