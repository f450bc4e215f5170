from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import outside_dates_message, validate_club_date, within_dates
from core.forms import DateInput

from .models import (
    DEFAULT_TOOL,
    AssessmentTool,
    Competency,
    CompetencyAssessment,
    Feedback,
    Service,
    StaffMember,
)


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["kind", "staff_member", "service", "rating", "channel", "received_at", "text"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "rating": forms.Select(choices=[("", "—")] + [(n, n) for n in range(1, 6)]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["received_at"].required = False
        self.fields["staff_member"].queryset = StaffMember.objects.filter(is_active=True).select_related("department")
        self.fields["service"].queryset = Service.objects.filter(is_active=True).select_related("department")
        self.fields["channel"].choices = [
            c for c in Feedback.Channel.choices if c[0] != Feedback.Channel.SURVEY
        ]

    def clean_received_at(self):
        received_at = self.cleaned_data.get("received_at")
        if received_at and received_at > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("Feedback cannot be received in the future."))
        if received_at and not within_dates(received_at.date()):
            raise forms.ValidationError(outside_dates_message())
        return received_at


class RelayForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the staff member"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you ask of them: apologise to the client, call them, explain what happened…"),
    )


class AnswerForm(forms.Form):
    staff_response = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done; the client is told if they agreed to messages."),
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(), required=False, validators=[validate_club_date])
    end = forms.DateField(label=_("To"), widget=DateInput(), required=False, validators=[validate_club_date])
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False,
        choices=[("complaints", _("Complaints")), ("rating", _("Rating")), ("thanks", pgettext_lazy("how many", "Thanks")), ("nps", _("NPS"))],
    )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        cleaned["start"] = cleaned.get("start") or today.replace(day=1)
        cleaned["end"] = cleaned.get("end") or today
        if cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return cleaned


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend the club to a friend?"),
        choices=[(n, str(n)) for n in range(11)], coerce=int, widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What could we do better?"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = CompetencyAssessment
        fields = ["staff_member", "candidate_name", "position", "occasion", "assessed_on", "decision", "summary"]
        widgets = {"assessed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for competency in Competency:
            self.fields[f"score_{competency.value}"] = forms.TypedChoiceField(
                label=competency.label, choices=[(n, n) for n in range(1, 6)], coerce=int,
            )
            self.fields[f"tool_{competency.value}"] = forms.ChoiceField(
                label=_("Tool"), choices=AssessmentTool.choices,
                initial=DEFAULT_TOOL[competency],
            )
            self.fields[f"notes_{competency.value}"] = forms.CharField(
                label=_("Notes"), required=False, max_length=2000,
            )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("staff_member") and not (cleaned.get("candidate_name") or "").strip():
            raise forms.ValidationError(_("Choose a staff member or name the candidate."))
        return cleaned

    def competency_rows(self):
        return [
            (c, self[f"score_{c.value}"], self[f"tool_{c.value}"], self[f"notes_{c.value}"])
            for c in Competency
        ]

    def scores(self) -> list[dict]:
        return [
            {
                "competency": c.value,
                "score": self.cleaned_data[f"score_{c.value}"],
                "tool": self.cleaned_data[f"tool_{c.value}"],
                "notes": self.cleaned_data[f"notes_{c.value}"],
            }
            for c in Competency
        ]
