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
    """GET asks to confirm; POST turns that channel off — for marketing, for service messages,
    or (a link from before the two were told apart) for both — and says so."""
    try:
        client_id, channel, purpose = read_unsubscribe_token(token)
        fields = [getattr(Channel(channel), name) for name, scope in
                  (("consent_field", "marketing"), ("service_field", "service")) if purpose in ("", scope)]
        client = Client.objects.get(pk=client_id)
    except (signing.BadSignature, KeyError, ValueError, Client.DoesNotExist):
        return render(
            request, "clients/unsubscribe.html",
            {"invalid": True, "title": _("This link is not valid")}, status=400,
        )
    speak_the_clients_language(request, client.language)
    channel_label = Channel(channel).label
    on = [field for field in fields if getattr(client, field)]
    if request.method == "POST":
        if on:
            for field in on:
                setattr(client, field, False)
            client.save(update_fields=[*on, "updated_at"])
        return render(
            request, "clients/unsubscribe.html",
            {"done": True, "channel": channel_label, "title": _("You are unsubscribed")},
        )
    return render(
        request, "clients/unsubscribe.html",
        {"channel": channel_label, "title": _("Unsubscribe"), "already": not on},
    )
