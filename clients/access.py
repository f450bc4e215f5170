"""Access to the client workspace, decided in one place (see also selectors.clients_visible_to)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from core import roles
from .models import Client
from .selectors import clients_visible_to


def can_use_client_workspace(user) -> bool:
    """Managers, directors and the front desk work with client records; specialists do not."""
    return bool(
        roles.is_director(user) or roles.is_manager(user) or roles.is_administrator(user)
    )


def client_workspace(view):
    """Log in first; then only roles that work with client records may open the page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_use_client_workspace(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def local_next_url(request) -> str | None:
    """The ``next`` address posted with an action, when it is a path of this site (a browser
    reads ``/\\host`` or ``/<tab>/host`` as another site: those are refused)."""
    next_url = request.POST.get("next", "")
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
