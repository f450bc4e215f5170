"""The dashboard's filter: a preset period (this month, quarter, year…) or a range of dates,
and a department."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import outside_dates_message, within_dates
from staff.models import Department

from .period import Period

LONGEST_DAYS = 10 * 366

PRESETS = [
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("this_year", _("This year")),
    ("last_12_months", _("Last 12 months")),
    ("custom", _("Custom range")),
]
DEFAULT_PRESET = "this_month"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All departments"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        preset = cleaned.get("period") or ("custom" if start or end else DEFAULT_PRESET)
        cleaned["period"] = preset
        if preset != "custom" or "start" in self.errors or "end" in self.errors:
            return cleaned
        if start is None or end is None:
            raise forms.ValidationError(_("Enter both the first and the last day of the period."))
        if start > end:
            self.add_error("end", _("The end of the period cannot be before its start."))
        elif not (within_dates(start) and within_dates(end)):
            self.add_error("start", outside_dates_message())
        elif (end - start).days >= LONGEST_DAYS:
            self.add_error("end", _("Choose a period of at most ten years."))
        return cleaned

    def period_for(self, today: datetime.date) -> tuple[str, Period]:
        """The chosen period, or this month when the form is unbound or invalid."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            if data["period"] == "custom":
                return "custom", Period(data["start"], data["end"], data["department"])
            return data["period"], Period.of_preset(data["period"], today, data["department"])
        return DEFAULT_PRESET, Period.of_preset(DEFAULT_PRESET, today)
