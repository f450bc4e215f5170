"""Finding a client record the user may see, and a safe address to return to after an action
(who may open which page is declared with ``core.capabilities.requires``)."""

from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from .models import Client
from .selectors import clients_visible_to


def local_next_url(request) -> str | None:
    """The ``next`` address posted with an action (or given in the address of its form: a
    "Log call" from Today returns to Today), when it is a path of this site (a browser reads
    ``/\\host`` or ``/<tab>/host`` as another site: those are refused)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None


def visible_client_or_404(user, pk, queryset=None) -> Client:
    """The client if this user may see them; 404 otherwise (another manager's client does not
    even admit to existing)."""
    queryset = clients_visible_to(user) if queryset is None else queryset & clients_visible_to(user)
    return get_object_or_404(queryset, pk=pk)
