import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.capabilities import SEE_ALL_CLIENTS, can
from .forms import ManagerChoiceField, managers_queryset
from .models import Client, Membership
from .selectors import (
    at_risk_q,
    client_search_q,
    freeze_covering,
    has_running_membership,
    memberships_active_on,
)


class ManagerFilter(django_filters.ModelChoiceFilter):
    field_class = ManagerChoiceField


class ClientFilter(django_filters.FilterSet):
    """The client list's search box, filters and sorting."""

    MEMBERSHIP_STATES = [
        ("active", _("Active")),
        ("frozen", _("Frozen")),
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
    at_risk = django_filters.BooleanFilter(
        label=_("At risk only"),
        method="filter_at_risk",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("last_name", "name"),
            ("membership_end", "membership_end"),
            ("last_visit", "last_visit"),
            ("created_at", "created"),
        ),
        field_labels={
            "name": pgettext_lazy("person", "Name"),
            "membership_end": _("Membership end"),
            "last_visit": _("Last visit"),
            "created": _("Date added"),
        },
    )

    class Meta:
        model = Client
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        if not can(user, SEE_ALL_CLIENTS):
            del self.filters["manager"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(client_search_q(value))

    def filter_membership(self, queryset, name, value):
        today = self.today
        running = has_running_membership(today)
        frozen = Exists(
            memberships_active_on(today).filter(client=OuterRef("pk")).filter(
                freeze_covering(today)
            )
        )
        any_membership = Exists(
            Membership.objects.filter(client=OuterRef("pk")).exclude(
                status=Membership.Status.CANCELLED
            )
        )
        if value == "active":
            return queryset.filter(running).exclude(frozen)
        if value == "frozen":
            return queryset.filter(frozen)
        if value == "expired":
            return queryset.filter(any_membership).exclude(running)
        if value == "none":
            return queryset.exclude(any_membership)
        return queryset

    def filter_expires_within(self, queryset, name, value):
        if value is None:
            return queryset
        ending = memberships_active_on(self.today).filter(
            client=OuterRef("pk"),
            end_date__lte=self.today + timezone.timedelta(days=int(value)),
        )
        return queryset.filter(Exists(ending))

    def filter_at_risk(self, queryset, name, value):
        return queryset.filter(at_risk_q(self.today)) if value else queryset
