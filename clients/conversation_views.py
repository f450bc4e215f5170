"""The card's conversation: the manager answers the client, gives them the bot's start link (with
a QR code) or their personal page's link, and unties or revokes them."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.capabilities import ACCOMPANY_CLIENTS, requires

from . import services
from .access import visible_client_or_404
from .messaging.telegram import start_url
from .models import Channel
from .services.conversations import MESSAGE_MAX_LENGTH


def _card(client, anchor="conversation") -> str:
    return reverse("client-card", args=[client.pk]) + f"#{anchor}"


class ReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Answer"), max_length=MESSAGE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PageLinkForm(forms.Form):
    send_by = forms.ChoiceField(
        label=gettext_lazy("Send it by"), required=False,
        choices=[("", gettext_lazy("Do not send: show it to me")), (Channel.EMAIL, Channel.EMAIL.label),
                 (Channel.SMS, Channel.SMS.label), (Channel.TELEGRAM, Channel.TELEGRAM.label)],
    )


@require_POST
@requires(ACCOMPANY_CLIENTS)
def conversation_reply(request, pk):
    """The manager's answer, through the outbox (quiet hours, retries, the audit)."""
    client = visible_client_or_404(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.conversation_reply(client=client, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Answer queued for %(name)s.") % {"name": client.first_name})
    else:
        messages.error(request, " ".join(form.errors.get("text", [])))
    return redirect(_card(client))


@require_POST
@requires(ACCOMPANY_CLIENTS)
def telegram_link(request, pk):
    """A fresh start link (single use, TELEGRAM_LINK_MINUTES) and its QR code, shown once."""
    client = visible_client_or_404(request.user, pk)
    if not settings.TELEGRAM_BOT_USERNAME:
        messages.error(request, _("The club's bot is not set up yet (TELEGRAM_BOT_USERNAME)."))
        return redirect(_card(client))
    return _issue_and_show(request, client, lambda: services.telegram_link_issue(client=client, by=request.user),
                           start_url, kind="telegram", title=_("Connect Telegram"))


def _issue_and_show(request, client, issue, url_of, *, kind: str, title: str):
    """Make a link (``issue()`` → (link, token)); a refusal back on the card, else the link shown
    once with its QR code (``url_of(token)``: its address; None: sent, not shown)."""
    try:
        link, token = issue()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_card(client))
    url = url_of(token)
    if url is None:
        return redirect(_card(client))
    return render(request, "clients/link_issued.html",
                  {"client": client, "url": url, "link": link, "kind": kind, "title": title})


@require_POST
@requires(ACCOMPANY_CLIENTS)
def telegram_unlink(request, pk):
    client = visible_client_or_404(request.user, pk)
    services.telegram_unlink(client=client)
    messages.success(request, _("The Telegram chat is no longer tied to this card."))
    return redirect(_card(client))


@require_POST
@requires(ACCOMPANY_CLIENTS)
def page_link(request, pk):
    """A link to the client's personal page, sent by the chosen channel or shown."""
    client = visible_client_or_404(request.user, pk)
    form = PageLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to send the link."))
        return redirect(_card(client))
    send_by = form.cleaned_data["send_by"]

    def url_of(token):
        if send_by:
            messages.success(request, _("The link to the personal page is on its way by %(channel)s.")
                             % {"channel": Channel(send_by).label})
            return None
        return settings.SITE_URL + reverse("personal-page", args=[token])

    return _issue_and_show(request, client,
                           lambda: services.page_link_issue(client=client, by=request.user, send_by=send_by),
                           url_of, kind="page", title=_("The client's personal page"))


@require_POST
@requires(ACCOMPANY_CLIENTS)
def page_links_revoke(request, pk):
    client = visible_client_or_404(request.user, pk)
    count = services.page_links_revoke(client=client)
    messages.success(request, _("Links to the personal page revoked: %(count)d.") % {"count": count})
    return redirect(_card(client))
