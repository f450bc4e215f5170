from django import forms
from django.utils.translation import gettext_lazy as _

from staff.models.schedule import Weekday

from .models import GroupClass


class ClassBookForm(forms.Form):
    """The client found by the search on the class's page (among those the user sees)."""

    client = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": _("Find the client and press “Book”.")})


class ClassCancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_("Reason for cancelling"), max_length=255)


class GroupClassForm(forms.ModelForm):
    """The admin's form: the weekdays as boxes to tick."""

    weekdays = forms.MultipleChoiceField(label=_("weekdays"), choices=Weekday.choices,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = GroupClass
        fields = ("service", "specialist", "room", "capacity", "waitlist_size", "weekdays", "starts_at",
                  "duration_minutes", "start_date", "end_date", "booking_closes_minutes", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["weekdays"] = [str(d) for d in self.instance.weekday_numbers()]

    def clean_weekdays(self):
        return "".join(sorted(set(self.cleaned_data["weekdays"])))
