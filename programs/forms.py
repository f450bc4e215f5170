from django import forms
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from core.dates import outside_dates_message, validate_club_date, within_dates
from core.forms import DataSelect, DateInput
from staff.models import Room, Service, StaffMember
from staff.rules import contraindications_conflict, not_provided_message, provides

from .models import ProgramTemplate


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    # Chosen with "Start from a template" above the form (one selector, not two); kept here.
    template = forms.ModelChoiceField(
        queryset=ProgramTemplate.objects.filter(is_active=True), required=False, widget=forms.HiddenInput,
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

    def __init__(self, *args, services, specialists, choices, option_data, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["specialist"].queryset = specialists
        # Choices are read from the database once per formset, not once per line.
        self.fields["service"].choices = choices["service"]
        self.fields["specialist"].choices = choices["specialist"]
        # For the page's script: each service's contraindications for this client, each
        # specialist's services (the line offers only those who provide the chosen one).
        self.fields["service"].widget = DataSelect(
            choices=choices["service"], data_by_value=option_data["service"], attrs={"data-program-service": ""})
        self.fields["specialist"].widget = DataSelect(
            choices=choices["specialist"], data_by_value=option_data["specialist"], attrs={"data-program-specialist": ""})


class BaseItemFormSet(forms.BaseFormSet):
    """The program's lines for ``client``: a service contraindicated for them is marked in the
    list with the flags it conflicts with (before anything is sent); each specialist carries the
    services they provide."""

    def __init__(self, *args, client=None, **kwargs):
        if client is not None:
            prefetch_related_objects([client], "contraindications")
        self.services = (
            Service.objects.filter(is_active=True)
            .select_related("department")
            .prefetch_related("contraindications")
        )
        self.specialists = StaffMember.objects.filter(
            is_active=True, role__in=StaffMember.SPECIALIST_ROLES
        ).select_related("department").prefetch_related("services")
        conflicts = {s.pk: contraindications_conflict(client, s) for s in self.services}
        blank = [("", "---------")]
        self.choices = {
            "service": blank + [(s.pk, self.service_label(s, conflicts[s.pk])) for s in self.services],
            "specialist": blank + [(m.pk, f"{m.full_name} · {m.department}") for m in self.specialists],
        }
        self.data_of_choices = {
            "service": {
                str(s.pk): {"contraindicated": ", ".join(str(flag) for flag in conflicts[s.pk])}
                for s in self.services if conflicts[s.pk]
            },
            "specialist": {
                str(m.pk): {"services": " ".join(str(service.pk) for service in m.services.all())}
                for m in self.specialists
            },
        }
        super().__init__(*args, **kwargs)

    @staticmethod
    def service_label(service, conflicts) -> str:
        label = f"{service.name} · {service.department}"
        if conflicts:
            label = "⚠ " + _("%(service)s — contraindicated: %(flags)s") % {
                "service": label, "flags": ", ".join(str(flag) for flag in conflicts),
            }
        return label

    def get_form_kwargs(self, index):
        return {
            "services": self.services, "specialists": self.specialists, "choices": self.choices,
            "option_data": self.data_of_choices,
        }

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


class SessionMoveForm(forms.Form):
    """A new start for a planned session (the booking service checks it)."""

    start = forms.DateTimeField(
        label=_("New start"), validators=[validate_club_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class SessionCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=255)


class CalendarMoveForm(forms.Form):
    """A session dragged or resized on the calendar: its new start and end (club-local wall-clock
    times, as the calendar sends them) and, when dropped in another column, the column's id."""

    start = forms.DateTimeField(label=_("Start"), validators=[validate_club_date])
    end = forms.DateTimeField(label=_("End"), validators=[validate_club_date])
    resource = forms.IntegerField(label=_("Column"), required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data

    @property
    def minutes(self) -> int:
        return int((self.cleaned_data["end"] - self.cleaned_data["start"]).total_seconds() // 60)


class CalendarBookForm(forms.Form):
    """A single session booked on an empty slot of the calendar: the client (among those the user
    sees), the service, the specialist (the column's, by specialist) and the start; by room, the
    room of the column (by specialist none: a free room of the kind the service needs is found)."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=None,
                                    error_messages={"invalid_choice": _("Choose a client from the list.")})
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.filter(is_active=True))
    specialist = forms.ModelChoiceField(
        label=_("Specialist"),
        queryset=StaffMember.objects.filter(is_active=True, role__in=StaffMember.SPECIALIST_ROLES),
    )
    start = forms.DateTimeField(label=_("Start"), validators=[validate_club_date])
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.filter(is_active=True), required=False)

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients

    def clean(self):
        data = super().clean()
        service, specialist = data.get("service"), data.get("specialist")
        if service and specialist and not provides(specialist, service):
            self.add_error("specialist", not_provided_message(specialist, service))
        return data
