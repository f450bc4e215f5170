"""Pages a client opens from a message, without logging in."""

from django.core import signing
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.capabilities import public

from .languages import speak_the_clients_language
from .messaging.links import read_unsubscribe_token
from .models import Channel, Client

@public
@csrf_exempt  # the signed token is the credential; mail providers POST for one-click (RFC 8058)
def unsubscribe(request, token):
    """GET asks to confirm; POST turns the consent for that channel off and says so."""
    try:
        client_id, channel = read_unsubscribe_token(token)
        field = Channel(channel).consent_field
        client = Client.objects.get(pk=client_id)
    except (signing.BadSignature, KeyError, ValueError, Client.DoesNotExist):
        return render(
            request, "clients/unsubscribe.html",
            {"invalid": True, "title": _("This link is not valid")}, status=400,
        )
    speak_the_clients_language(request, client.language)
    channel_label = Channel(channel).label
    if request.method == "POST":
        if getattr(client, field):
            setattr(client, field, False)
            client.save(update_fields=[field, "updated_at"])
        return render(
            request, "clients/unsubscribe.html",
            {"done": True, "channel": channel_label, "title": _("You are unsubscribed")},
        )
    return render(
        request, "clients/unsubscribe.html",
        {"channel": channel_label, "title": _("Unsubscribe"), "already": not getattr(client, field)},
    )
