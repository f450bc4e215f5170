"""The club's admin site: who may enter it, and the rules every admin in it keeps.

It is Django's default site (``accompaniment.apps.ClubAdminConfig``), so the admins of the
third-party apps (users, login attempts, periodic tasks) are registered here too and keep the
same rules:

- only the roles that may ``enter_data`` (the director and the front desk) get in; managers and
  specialists work in the product's pages;
- every admin of a model whose rows belong to a client (a membership, a visit, a session of a
  program item…) lists, opens, changes, deletes, exports, searches and autocompletes only the
  rows of clients the user sees (``clients.selectors.client_rows_visible_to``, the pages' rule);
  the path from the row to its client is found from the model's foreign keys;
- the *History* of any row is for directors only (``core.admin.HistoryForDirectorsMixin``).
"""

from collections import deque

from django.contrib import admin
from django.db.models.base import ModelBase
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from clients.selectors import client_rows_visible_to
from core.admin import HistoryForDirectorsMixin

from .security import AdminLoginForm
from core.capabilities import ENTER_DATA, can

CLIENT_PATH_DEPTH = 3


def client_path(model) -> str | None:
    """The lookup from a row of ``model`` to the client it belongs to (``""`` for Client itself,
    ``"membership__client"`` for a freeze…), following foreign keys at most three deep; None
    when its rows belong to no client. The shortest path wins; among equals, the field named
    ``client``."""
    if model is Client:
        return ""
    queue = deque([(model, "", 0)])
    seen = {model}
    while queue:
        current, prefix, depth = queue.popleft()
        fields = sorted(
            (f for f in current._meta.get_fields() if f.many_to_one or (f.one_to_one and f.concrete)),
            key=lambda f: f.name != "client",
        )
        for field in fields:
            target = field.related_model
            path = f"{prefix}{field.name}"
            if target is Client:
                return path
            if target is not None and target not in seen and depth + 1 < CLIENT_PATH_DEPTH:
                seen.add(target)
                queue.append((target, f"{path}__", depth + 1))
    return None


class ClientRowsAdminMixin:
    """Narrows an admin's rows to those of the clients the user sees (``client_path``)."""

    client_path: str = "client"

    def get_queryset(self, request):
        return client_rows_visible_to(request.user, super().get_queryset(request), self.client_path)


class ClubAdminSite(admin.AdminSite):
    login_form = AdminLoginForm
    site_header = _("Accompaniment CRM administration")
    # The sidebar repeats the index and takes a third of a laptop's width from the lists.
    enable_nav_sidebar = False
    site_title = _("Accompaniment CRM")
    index_title = _("Club data")

    def has_permission(self, request) -> bool:
        """The roles that enter data (director, front desk); ``is_staff`` alone is not enough."""
        return request.user.is_active and can(request.user, ENTER_DATA)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every admin registered here keeps the club's rules (see the module's docstring)."""
        admin_class = admin_class or admin.ModelAdmin
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        for model in models:
            bases, attrs = [], {"__module__": admin_class.__module__}
            if not issubclass(admin_class, HistoryForDirectorsMixin):
                bases.append(HistoryForDirectorsMixin)
            path = getattr(admin_class, "client_path", None)
            path = client_path(model) if path is None else path
            if path is not None and not issubclass(admin_class, ClientRowsAdminMixin):
                bases.append(ClientRowsAdminMixin)
                attrs["client_path"] = path
            ruled = type(admin_class.__name__, (*bases, admin_class), attrs) if bases else admin_class
            super().register(model, ruled, **options)
