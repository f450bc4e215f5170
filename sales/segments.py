"""Promotion segments: a few filters, stored as JSON on the promotion, turned into one query.

Keys (all optional, combined with AND): ``department`` (a department code the client has
bought from or has a program in), ``stages`` (list of relationship stages),
``expiring_within`` (a running membership ends within N days), ``no_visit_days`` (no visit for
N days), ``age_min``/``age_max`` (years), ``birthday_month`` (1–12), ``channel`` (has consented
to e-mail, sms or telegram).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from clients import rules
from clients.models import Channel, Client, Visit
from core.dates import since_days_ago
from programs.models import ProgramItem
from staff.models import Department

from .models import Sale

def _years_ago(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def segment_q(segment: dict, on: datetime.date | None = None) -> Q:
    """The clients a segment selects, as one Q. The segment is checked as SegmentForm checks
    what is typed (it may have been stored by other means): ValidationError when it is wrong."""
    segment = segment_clean(segment)
    on = on or timezone.localdate()
    query = Q()
    if segment.get("department"):
        code = segment["department"]
        query &= Q(Exists(Sale.objects.filter(client=OuterRef("pk"), department__code=code))) | Q(
            Exists(ProgramItem.objects.filter(program__client=OuterRef("pk"), service__department__code=code))
        )
    if segment.get("stages"):
        query &= Q(stage__in=segment["stages"])
    if segment.get("expiring_within") is not None:
        query &= rules.clients_with(rules.expiring_soon(on, within=int(segment["expiring_within"])))
    if segment.get("no_visit_days"):
        since = since_days_ago(on, int(segment["no_visit_days"]))
        query &= ~Q(Exists(Visit.objects.attended().filter(client=OuterRef("pk"), checked_in_at__gte=since)))
    if segment.get("age_min") is not None:
        query &= Q(birth_date__lte=_years_ago(on, int(segment["age_min"])))
    if segment.get("age_max") is not None:
        # younger than age_max + 1 years: born after that many years ago
        query &= Q(birth_date__gt=_years_ago(on, int(segment["age_max"]) + 1))
    if segment.get("birthday_month"):
        query &= Q(birth_date__month=int(segment["birthday_month"]))
    if segment.get("channel"):
        query &= Q(**{Channel(segment["channel"]).consent_field: True})
    return query


def segment_clients(segment: dict, on: datetime.date | None = None):
    return Client.objects.filter(segment_q(segment, on))


def segment_form(segment) -> "SegmentForm":
    """The form bound to a stored segment, as if its filters had been typed: its errors say
    what is wrong with the segment, next to each filter."""
    data = MultiValueDict()
    if isinstance(segment, dict):
        for key, value in segment.items():
            values = value if key == "stages" and isinstance(value, list) else [value]
            data.setlist(key, ["" if item is None else str(item) for item in values])
    form = SegmentForm(data)
    if not isinstance(segment, dict) or set(segment) - set(form.fields):
        form.add_error(None, _("The saved segment is not one this page can read; choose its filters again."))
    return form


def segment_clean(segment) -> dict:
    """The segment's filters, checked and typed (a stored ``"5"`` becomes 5); ValidationError
    with the message for each filter at fault when it is not a segment."""
    form = segment_form(segment)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.segment()


class SegmentForm(forms.Form):
    """Edits a promotion's segment; cleaned_data (without empty values) is the stored JSON."""

    department = forms.ChoiceField(label=_("Interest in department"), required=False)
    stages = forms.MultipleChoiceField(
        label=_("Relationship stages"), choices=Client.Stage.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expiring_within = forms.IntegerField(label=_("Membership ends within, days"), min_value=0, max_value=366, required=False)
    no_visit_days = forms.IntegerField(label=_("No visit for, days"), min_value=1, max_value=3650, required=False)
    age_min = forms.IntegerField(label=_("Age from"), min_value=0, max_value=120, required=False)
    age_max = forms.IntegerField(label=_("Age to"), min_value=0, max_value=120, required=False)
    birthday_month = forms.TypedChoiceField(
        label=_("Birthday month"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + [(month, name) for month, name in MONTHS.items()],
    )
    channel = forms.ChoiceField(
        label=_("Agreed to messages by"), required=False, choices=[("", "—"), *Channel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—")] + list(
            Department.objects.values_list("code", "name")
        )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("age_min"), cleaned.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age cannot be below the lower one."))
        return cleaned

    def segment(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "", [])}
