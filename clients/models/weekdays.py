"""Days of the week kept as a short text of ISO weekday numbers, in order ("135": Monday,
Wednesday, Friday; "": any day). One field type for the model, its form and the admin site:
ticked boxes on a form, the digits in the database and in an exported file."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

CHOICES = [(str(n), WEEKDAYS[n - 1]) for n in range(1, 8)]


def weekdays_of(value: str) -> list[int]:
    """The ISO weekday numbers (1 Monday … 7 Sunday) in ``value``."""
    return sorted({int(c) for c in value or "" if c in "1234567"})


def weekdays_text(value: str) -> str:
    """"Mon, Wed, Fri" in the active language."""
    return ", ".join(str(WEEKDAYS_ABBR[n - 1]) for n in weekdays_of(value))


def weekdays_value(numbers) -> str:
    return "".join(str(n) for n in sorted(set(int(n) for n in numbers)))


def on_weekdays(day: datetime.date, value: str) -> bool:
    return not value or str(day.isoweekday()) in value


def validate_weekdays(value: str) -> None:
    if value and (any(c not in "1234567" for c in value) or value != weekdays_value(value)):
        raise ValidationError(_("Days of the week are numbers from 1 (Monday) to 7 (Sunday), each once."))


class WeekdaysFormField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(choices=CHOICES, **kwargs)

    def prepare_value(self, value):
        return list(value) if isinstance(value, str) else value

    def clean(self, value):
        return weekdays_value(super().clean(value))


class WeekdaysField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("validators", [validate_weekdays])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return WeekdaysFormField(required=not self.blank, label=capfirst(self.verbose_name),
                                 help_text=self.help_text, initial=self.default)
