import json
import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.dates import outside_dates_message, within_dates
from core.forms import DataSelect, DateInput
from core.templatetags.crm import money
from clients.models import MembershipPlan
from staff.models import Department, Service

from .models import Offer, Product, Promotion
from .services import MANUAL_DISCOUNT_MAX_PERCENT


# --- selling a membership -------------------------------------------------------------------
def _price(item) -> dict:
    return {"price": f"{item.price:.2f}"}


def _discount(promotion) -> dict:
    """What the sell forms' script needs of a promotion: its percent, its amount and the ids of
    the plans and services it includes (``promotion_discount`` is the rule; the page only shows
    it)."""
    return {
        "percent": f"{promotion.discount_percent:.2f}",
        "amount": f"{promotion.discount_amount:.2f}",
        "plans": " ".join(str(plan.pk) for plan in promotion.plans.all()),
        "services": " ".join(str(service.pk) for service in promotion.services.all()),
    }


class PlanChoiceField(forms.ModelChoiceField):
    """The plans on sale, each with its price: the seller sees the price before selling (and
    the sell forms' script the total after the discount)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Plan"))
        kwargs.setdefault("widget", DataSelect(data_of=_price, attrs={"data-sell-item": ""}))
        super().__init__(queryset=MembershipPlan.objects.filter(is_active=True), **kwargs)

    def label_from_instance(self, plan):
        return f"{plan.name} · {money(plan.price)}"


class PromotionChoiceField(forms.ModelChoiceField):
    """A promotion running today (the form sets ``running_promotions``), each with what it
    takes off (for the total shown)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Promotion"))
        kwargs.setdefault("widget", DataSelect(data_of=_discount, attrs={"data-sell-promotion": ""}))
        super().__init__(queryset=Promotion.objects.none(), **kwargs)

    def label_from_instance(self, promotion):
        return str(promotion)


def running_promotions(includes: str = "plans"):
    """Promotions running today that include membership plans (``includes="plans"``) or
    services (``"services"``), with the ids of what they include."""
    today = timezone.localdate()
    return (
        Promotion.objects.filter(is_active=True, starts_on__lte=today, ends_on__gte=today)
        .filter(**{f"{includes}__isnull": False})
        .distinct()
        .prefetch_related("plans", "services")
    )


def new_form_token() -> str:
    """A sell form's token (``membership_sell``'s idempotency key): sent twice, it sells once."""
    return uuid.uuid4().hex


def _manual_discount_help() -> str:
    """Formatted when shown, in the language of the request (a lazy text formatted at import
    would be frozen in the default language)."""
    return gettext(
        "An amount off the price, without a promotion: up to %(percent)s%% of it (more only by the director)."
    ) % {"percent": f"{MANUAL_DISCOUNT_MAX_PERCENT:g}"}


class SellTermsFields(forms.Form):
    """What a seller decides besides the plan and the dates: the price (the director only; the
    plan's when empty), a promotion or a manual discount, and the form's token."""

    price = forms.DecimalField(
        label=_("Price"), required=False, min_value=0, max_digits=10, decimal_places=2,
        help_text=_("Leave empty for the plan's price. Only the director sells at another price."),
    )
    promotion = PromotionChoiceField(required=False, help_text=_("A running promotion: its discount applies."))
    discount = forms.DecimalField(
        label=_("Discount"), required=False, min_value=0, max_digits=10, decimal_places=2,
        help_text=lazy(_manual_discount_help, str)(),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    promotions_of = "plans"  # the promotions offered: those that include plans (or "services")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promotion"].queryset = running_promotions(self.promotions_of)
        self.fields["discount"].widget.attrs.update({
            "data-sell-discount": "", "data-currency": settings.CURRENCY,
            "data-sell-labels": json.dumps({
                "price": gettext("Price"), "discount": gettext("Discount"), "total": gettext("To pay"),
            }, ensure_ascii=False),
        })
        if "price" in self.fields:
            self.fields["price"].widget.attrs["data-sell-price"] = ""
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_form_token())

    def sell_terms(self) -> dict:
        """The keyword arguments of ``membership_sell`` that this form decides."""
        data = self.cleaned_data
        return {
            "price": data.get("price"),
            "promotion": data.get("promotion"),
            "discount": data.get("discount") or 0,
            "idempotency_key": data.get("idempotency_key") or "",
        }


class MembershipSellForm(SellTermsFields):
    """Sell a card from the client's page; the price field is the director's."""

    plan = PlanChoiceField()
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    card_number = forms.CharField(
        label=_("Card number"), max_length=32, required=False, help_text=_("Leave empty to generate one."),
    )
    field_order = ["plan", "start_date", "card_number", "price", "promotion", "discount"]

    def __init__(self, *args, can_set_price: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_price:
            del self.fields["price"]


class ServiceChoiceField(forms.ModelChoiceField):
    """The services offered, each with its department and price."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Service"))
        kwargs.setdefault("widget", DataSelect(data_of=_price, attrs={"data-sell-item": "services"}))
        super().__init__(
            queryset=Service.objects.filter(is_active=True).select_related("department").order_by("department__name", "name"),
            **kwargs,
        )

    def label_from_instance(self, service):
        return f"{service.name} · {service.department} · {money(service.price)}"


class ServiceSellForm(SellTermsFields):
    """Sell a one-off service (``services.service_sell``): the service's price, a quantity, a
    running promotion that includes the service or a discount within the limit."""

    service = ServiceChoiceField()
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=50, initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "max": 50, "data-sell-quantity": ""}),
    )
    price = None  # a service sells at its price
    promotions_of = "services"
    field_order = ["service", "quantity", "promotion", "discount"]

    def sell_terms(self) -> dict:
        terms = super().sell_terms()
        terms.pop("price")
        return terms


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
