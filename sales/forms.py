from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import outside_dates_message, within_dates
from clients.models import MembershipPlan
from staff.models import Department, Service

from .models import Offer, Product


def contraindication_reason_field() -> forms.CharField:
    """The reason to offer a service contraindicated for the client (``staff.rules``): the
    refusal naming the flags is shown under it."""
    return forms.CharField(
        label=_("Reason to go ahead despite contraindications"), required=False,
        help_text=_("Required when the service lists a contraindication the client has."),
        widget=forms.Textarea(attrs={"rows": 1}),
    )


class OfferForm(forms.Form):
    """One upsell attempt: exactly one item, where it came from, and what the client said."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), required=False)
    plan = forms.ModelChoiceField(label=_("Membership plan"), queryset=MembershipPlan.objects.none(), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Offer.Outcome.choices, initial=Offer.Outcome.PENDING)
    outcome_reason = forms.CharField(label=_("Client's reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    contraindication_reason = contraindication_reason_field()
    override_reason = forms.CharField(
        label=_("Override the upsell policy because…"), required=False,
        help_text=_("Directors only: recorded with the offer."), widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, *args, can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(is_active=True).select_related("department")
        self.fields["product"].queryset = Product.objects.filter(is_active=True)
        self.fields["plan"].queryset = MembershipPlan.objects.filter(is_active=True)
        if not can_override:
            del self.fields["override_reason"]

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("service", "product", "plan") if cleaned.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("Choose exactly one service, product or membership plan."))
        if cleaned.get("outcome") == Offer.Outcome.DECLINED and not cleaned.get("outcome_reason", "").strip():
            self.add_error("outcome_reason", _("Write down why the client declined."))
        return cleaned


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in Offer.Outcome.choices if c[0] != Offer.Outcome.PENDING]
    )
    outcome_reason = forms.CharField(label=_("Client's reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), required=False)
    reason = forms.CharField(label=_("Why the client needs it"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(is_active=True).select_related("department")
        self.fields["product"].queryset = Product.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("service")) == bool(cleaned.get("product")):
            raise forms.ValidationError(_("Recommend either a service or a product."))
        return cleaned


class DecisionForm(forms.Form):
    DECISIONS = [
        ("offer_accepted", _("Accept: the client bought it")),
        ("offer_pending", _("Accept: offer it to the client")),
        ("program", _("Accept: add the service to the active program")),
        ("accept", _("Accept without an offer yet")),
        ("decline", _("Decline")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    contraindication_reason = contraindication_reason_field()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for declining."))
        return cleaned


class PayReportForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(), to_field_name="code")

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > timezone.localdate():
            raise forms.ValidationError(_("Choose a month that has begun."))
        if not within_dates(month):
            raise forms.ValidationError(outside_dates_message())
        return month
