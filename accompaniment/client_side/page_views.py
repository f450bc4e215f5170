"""The client's personal page behind a signed link (for clients who do not use Telegram): their
card, coming sessions with confirm/cancel, the open survey and a message box to their manager.
Phone-first; it shows nothing of their health and nothing of anybody else."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from clients.languages import speak_the_clients_language
from clients.models import ClientLink, Interaction
from clients.services import LinkError, client_request, conversation_receive, link_read
from clients.services.conversations import MESSAGE_MAX_LENGTH
from core.capabilities import public

from . import actions

CHANNEL = "page"
THREAD_ROWS = 20


class MessageForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Message to your manager"), max_length=MESSAGE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}))


@public
@never_cache
def personal_page(request, token):
    """GET shows the page; POST does one thing (``action``) and comes back (PRG)."""
    try:
        link = link_read(token, ClientLink.Purpose.PAGE)
    except LinkError as error:
        return render(request, "accompaniment/personal_page_invalid.html",
                      {"reason": error.reason}, status=410 if error.reason in ("expired", "revoked") else 404)
    client = link.client
    speak_the_clients_language(request, client.language)
    form = MessageForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "message":
                form = MessageForm(request.POST)
                if form.is_valid():
                    conversation_receive(client=client, text=form.cleaned_data["text"], channel=CHANNEL)
                    messages.success(request, _("Your manager has your message and will answer soon."))
                    return redirect("personal-page", token=token)
            elif action == "confirm":
                actions.session_confirm(client=client, session_pk=request.POST.get("session"), channel=CHANNEL)
                messages.success(request, _("Thank you! We look forward to seeing you."))
                return redirect("personal-page", token=token)
            elif action == "cancel":
                actions.session_cancel(client=client, session_pk=request.POST.get("session"), channel=CHANNEL)
                messages.success(request, _("The session is cancelled. Your manager will get in touch to find another time."))
                return redirect("personal-page", token=token)
            elif action == "class_confirm":
                actions.class_place_confirm_by_client(client=client, booking_pk=request.POST.get("booking"))
                messages.success(request, _("Thank you! Your place in the class is confirmed."))
                return redirect("personal-page", token=token)
            elif action == "class_give_up":
                booking = actions.class_place_give_up(client=client, booking_pk=request.POST.get("booking"),
                                                      channel=CHANNEL)
                messages.success(request, _("You have left the waiting list.") if booking.was_waiting
                                 else _("You have given up your place. Thank you for telling us in time."))
                return redirect("personal-page", token=token)
            elif action == "survey":
                actions.survey_give(client=client, score=request.POST.get("score"))
                messages.success(request, _("Thank you for your answer!"))
                return redirect("personal-page", token=token)
            elif action in ("renew", "freeze"):
                client_request(client=client, what=action, channel=_("the personal page"))
                messages.success(request, _("Your manager has your request and will get in touch."))
                return redirect("personal-page", token=token)
            else:
                messages.error(request, _("Choose what to do."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    thread = list(client.interactions.filter(kind=Interaction.Kind.MESSAGE).exclude(channel="")
                  .select_related("manager").order_by("-occurred_at", "-id")[:THREAD_ROWS])[::-1]
    return render(request, "accompaniment/personal_page.html", {
        "client": client,
        "card": actions.card_summary(client),
        "sessions": actions.upcoming_sessions(client),
        "class_places": actions.upcoming_class_places(client),
        "survey_open": actions.open_survey_token(client) is not None,
        "scores": range(11),
        "thread": thread,
        "form": form,
        "expires_at": link.expires_at,
    })
