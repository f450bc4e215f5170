from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import outside_dates_message, within_dates
from core.forms import DateInput
from staff.models import Service, StaffMember

from .models import ProgramTemplate


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=ProgramTemplate.objects.filter(is_active=True),
        required=False,
        help_text=_("Optional: the ready-made program this one is based on."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    goal = forms.CharField(label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_start_date(self):
        start_date = self.cleaned_data["start_date"]
        if not within_dates(start_date):
            raise forms.ValidationError(outside_dates_message())
        return start_date


class ProgramItemForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    specialist = forms.ModelChoiceField(
        label=_("Specialist"), queryset=StaffMember.objects.none(), required=False
    )
    sessions_count = forms.IntegerField(label=_("Sessions"), min_value=1, max_value=200, initial=8)
    sessions_per_week = forms.IntegerField(
        label=_("Per week"), min_value=1, max_value=14, initial=1
    )
    notes = forms.CharField(label=_("Notes"), max_length=255, required=False)
    override_reason = forms.CharField(
        label=_("Reason to go ahead despite contraindications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, *args, services, specialists, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["specialist"].queryset = specialists
        # Choices are read from the database once per formset, not once per line.
        self.fields["service"].choices = choices["service"]
        self.fields["specialist"].choices = choices["specialist"]


class BaseItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        self.services = (
            Service.objects.filter(is_active=True)
            .select_related("department")
            .prefetch_related("contraindications")
        )
        self.specialists = StaffMember.objects.filter(
            is_active=True, role__in=StaffMember.SPECIALIST_ROLES
        ).select_related("department")
        blank = [("", "---------")]
        self.choices = {
            "service": blank
            + [(s.pk, f"{s.name} · {s.department}") for s in self.services],
            "specialist": blank
            + [(m.pk, f"{m.full_name} · {m.department}") for m in self.specialists],
        }
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"services": self.services, "specialists": self.specialists, "choices": self.choices}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            **self.get_form_kwargs(None),
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


ProgramItemFormSet = forms.formset_factory(
    ProgramItemForm, formset=BaseItemFormSet, extra=0, min_num=1, validate_min=True,
    can_delete=True, max_num=30, validate_max=True, absolute_max=30,  # a forged count builds no more
)
