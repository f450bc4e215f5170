import django_filters
from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.capabilities import SEE_ALL_CLIENTS, can

from . import rules
from .forms import ClubManagerChoiceField, managers_queryset
from .models import Client
from .selectors import client_search_q


def _lapsed_label() -> str:
    return ngettext(
        "Lapsed only (no visit for %(days)d day)", "Lapsed only (no visit for %(days)d days)", rules.LAPSED_DAYS
    ) % {"days": rules.LAPSED_DAYS}


class ManagerFilter(django_filters.ModelChoiceFilter):
    field_class = ClubManagerChoiceField


class ClientFilter(django_filters.FilterSet):
    """The client list's search box, filters and sorting; each filter is a rule of
    ``clients.rules``."""

    # Each client is in exactly one of these on a day (``rules.client_state_q``).
    MEMBERSHIP_STATES = [
        ("active", _("Active")),
        ("frozen", _("Frozen")),
        ("not_started", _("Not started yet")),
        ("expired", _("Expired")),
        ("none", _("No membership")),
    ]

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, phone, e-mail or card number"), "autofocus": True}
        ),
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Client.Stage.choices)
    manager = ManagerFilter(
        label=_("Manager"), field_name="assigned_manager", queryset=managers_queryset()
    )
    membership = django_filters.ChoiceFilter(
        label=_("Membership"), choices=MEMBERSHIP_STATES, method="filter_membership"
    )
    expires_within = django_filters.NumberFilter(
        label=_("Expires within, days"),
        method="filter_expires_within",
        min_value=0,
        max_value=366,
        widget=forms.NumberInput(attrs={"min": 0, "max": 366}),
    )
    lapsed = django_filters.BooleanFilter(
        label=lazy(_lapsed_label, str)(),
        method="filter_lapsed",
        widget=forms.CheckboxInput,
    )
    # The labels are keyed by the model's field names for the ascending order and by the
    # parameter for the descending one (django-filter's rule); each is lazy, so that it speaks
    # the language of the request (django-filter's own "(descending)" suffix is formatted once,
    # at import, in the default language).
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("last_name", "name"),
            ("membership_end", "membership_end"),
            ("last_visit", "last_visit"),
            ("created_at", "created"),
        ),
        field_labels={
            "last_name": _("Name, A–Z"),
            "-name": _("Name, Z–A"),
            "membership_end": _("Membership end, soonest first"),
            "-membership_end": _("Membership end, latest first"),
            "last_visit": _("Last visit, longest ago first"),
            "-last_visit": _("Last visit, most recent first"),
            "created_at": _("Date added, oldest first"),
            "-created": _("Date added, newest first"),
        },
    )

    # Filters that only order the rows (the others narrow them).
    ORDER_ONLY = frozenset({"sort"})
    # The form's class, built by django-filter anew for each list (a field made per filter, then a
    # class of them): built once per set of filters shown (with or without the manager). Its
    # fields depend on nothing of a request — their labels are lazy, the managers' choices are
    # read when the select is written — and each form works on its own copies of them.
    _form_classes: dict[tuple[str, ...], type] = {}

    class Meta:
        model = Client
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        if not can(user, SEE_ALL_CLIENTS):
            del self.filters["manager"]

    def get_form_class(self):
        key = tuple(self.filters)
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = self._form_classes[key] = super().get_form_class()
        return form_class

    def filter_search(self, queryset, name, value):
        return queryset.filter(client_search_q(value))

    def filter_membership(self, queryset, name, value):
        if value in rules.CLIENT_STATES:
            return queryset.filter(rules.client_state_q(value, self.today))
        return queryset

    def filter_expires_within(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(rules.clients_with(rules.expiring_soon(self.today, within=int(value))))

    def filter_lapsed(self, queryset, name, value):
        return queryset.filter(rules.lapsed_q(self.today)) if value else queryset
