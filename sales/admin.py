"""The admin site for memberships, products, recommendations, offers, the sales ledger and
expenses.

What is sold is written by the same services as the pages (``core.admin.ServiceSaveAdminMixin``):
a membership added here is sold (``membership_sell``: card number, end date and visits from the
plan, the sale in the ledger), an offer goes through the upsell policy (``offer_record``) and its
outcome through ``offer_set_outcome`` (accepted: sold), and the ledger is the director's alone
(``sale_record``). The membership admin lives here, not in clients, because selling is this
app's act.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clients.admin import (
    FreezeDaysMixin,
    FreezeInline,
    ImportExportAllOrNothingMixin,
    ValidityListFilter,
)
from clients.models import Freeze, Membership
from clients.services import frozen_days, membership_end_shift, renewal_start_date
from core.capabilities import EDIT_LEDGER, OVERRIDE_UPSELL_POLICY, SET_PRICES, can
from core.admin import RECORD_FIELDS, CreatedByAdminMixin, DirectorHistoryAdmin, ServiceSaveAdminMixin

from . import services
from .selectors import sale_defaults
from .forms import PlanChoiceField, SellTermsFields, new_form_token
from .models import (
    DepartmentExpense,
    Offer,
    Product,
    Promotion,
    Recommendation,
    Sale,
    UpsellPolicy,
)
from .resources import MembershipResource
from .segments import segment_clean

CLIENT_SEARCH = ("client__first_name", "client__last_name", "client__phone")


class ItemColumnMixin:
    """An "item" column: the service, product or membership plan a row is about."""

    @admin.display(description=_("item"))
    def item(self, obj):
        return (
            obj.service
            or obj.product
            or getattr(obj, "plan", None)
            or getattr(obj, "membership", None)
        )


@admin.register(Product)
class ProductAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("name", "sku", "department", "price", "stock", "is_active")
    list_filter = ("department", "is_active")
    list_select_related = ("department",)
    search_fields = ("name", "sku", "description")


@admin.register(Recommendation)
class RecommendationAdmin(ItemColumnMixin, CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "client", "item", "specialist", "status", "decided_by")
    list_filter = ("status", "specialist__department")
    list_select_related = ("client", "specialist", "service", "product", "decided_by")
    search_fields = (*CLIENT_SEARCH, "specialist__last_name", "service__name", "product__name")
    date_hierarchy = "created_at"
    autocomplete_fields = (
        "client",
        "specialist",
        "session",
        "service",
        "product",
        "decided_by",
    )


class PromotionAdminForm(forms.ModelForm):
    class Meta:
        model = Promotion
        fields = "__all__"

    def clean_segment(self):
        """The segment typed as JSON is checked as the promotion's page checks its filters."""
        try:
            return segment_clean(self.cleaned_data.get("segment"))
        except ValidationError as error:
            raise ValidationError([
                message if name == NON_FIELD_ERRORS else f"{name}: {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            ]) from None


@admin.register(Promotion)
class PromotionAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    form = PromotionAdminForm
    list_display = (
        "name",
        "starts_on",
        "ends_on",
        "discount_percent",
        "discount_amount",
        "is_active",
        "running",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    date_hierarchy = "starts_on"
    filter_horizontal = ("services", "plans", "products")

    @admin.display(description=_("running today"), boolean=True)
    def running(self, obj):
        return obj.is_running()


@admin.register(UpsellPolicy)
class UpsellPolicyAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("stage", "max_offers_per_30_days", "min_days_after_decline")


class OfferAdminForm(forms.ModelForm):
    """An offer recorded by hand: checked against the upsell policy of the client's stage, as on
    the card (a director may override the policy with a reason), and a service contraindicated
    for the client only with a reason (``staff.rules``), kept with the offer."""

    override_reason = forms.CharField(
        label=_("Override the upsell policy because…"), required=False,
        help_text=_("Directors only: recorded with the offer."), widget=forms.Textarea(attrs={"rows": 1}),
    )

    class Meta:
        model = Offer
        fields = "__all__"


class OfferDeskForm(OfferAdminForm):
    override_reason = None


@admin.register(Offer)
class OfferAdmin(ServiceSaveAdminMixin, ItemColumnMixin, CreatedByAdminMixin, DirectorHistoryAdmin):
    """An offer added here goes through the upsell policy (``offer_record``), made by the user
    who records it; its outcome changes through ``offer_set_outcome`` (accepted: sold, in the
    ledger). What was offered, to whom and by whom stays as recorded."""

    list_display = ("offered_at", "client", "item", "source", "outcome", "manager")
    list_filter = ("outcome", "source", ("manager", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("client", "manager", "service", "product", "plan")
    search_fields = (*CLIENT_SEARCH, "service__name", "product__name", "plan__name")
    date_hierarchy = "offered_at"
    autocomplete_fields = (
        "client",
        "manager",
        "recommendation",
        "promotion",
        "service",
        "product",
        "plan",
    )
    ADD_FIELDS = (
        "client", "service", "product", "plan", "source", "recommendation", "promotion",
        "outcome", "outcome_reason", "contraindication_reason", "override_reason",
    )
    OUTCOME_FIELDS = ("outcome", "outcome_reason")
    add_form, full_add_form, full_add_form_capability = OfferDeskForm, OfferAdminForm, OVERRIDE_UPSELL_POLICY

    def get_fields(self, request, obj=None):
        if obj is None:
            return [f for f in self.ADD_FIELDS if f != "override_reason" or can(request.user, OVERRIDE_UPSELL_POLICY)]
        return [
            "client", "service", "product", "plan", "source", "recommendation", "promotion",
            "offered_at", "manager", *self.OUTCOME_FIELDS, "contraindication_reason",
            "policy_override_reason", "overridden_by",
            *RECORD_FIELDS,
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        editable = () if obj.outcome == Offer.Outcome.ACCEPTED else self.OUTCOME_FIELDS
        return readonly + tuple(f for f in self.get_fields(request, obj) if f not in editable)

    def saves_through_service(self, request, obj):
        return True

    def service_save(self, request, form, change):
        data = form.cleaned_data
        if not change:
            return services.offer_record(
                client=data["client"], manager=request.user, service=data.get("service"),
                product=data.get("product"), plan=data.get("plan"), source=data["source"],
                outcome=data["outcome"], outcome_reason=data.get("outcome_reason", ""),
                recommendation=data.get("recommendation"), promotion=data.get("promotion"),
                override_reason=data.get("override_reason", ""),
                contraindication_reason=data.get("contraindication_reason", ""),
            )
        if not set(form.changed_data) & set(self.OUTCOME_FIELDS):
            return form.instance
        return services.offer_set_outcome(
            offer=form.instance, outcome=data["outcome"], reason=data.get("outcome_reason", ""),
            user=request.user,
        )


class SaleAdminForm(forms.ModelForm):
    class Meta:
        model = Sale
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, help_text in (
            ("department", _("Leave empty: the department of the service or product.")),
            ("unit_price", _("Leave empty: the price of the service or product.")),
        ):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = help_text


@admin.register(Sale)
class SaleAdmin(ServiceSaveAdminMixin, ItemColumnMixin, CreatedByAdminMixin, DirectorHistoryAdmin):
    """The ledger: read only for everybody but the director. Memberships and accepted offers
    write their rows themselves; the director adds a row by hand (a service or a product sold
    outside an offer, a refund) through ``sale_record``, and corrects one."""

    form = SaleAdminForm
    list_display = (
        "sold_at",
        "client",
        "kind",
        "item",
        "department",
        "quantity",
        "unit_price",
        "discount",
        "amount",
        "seller",
    )
    list_filter = ("kind", "department", ("seller", admin.RelatedOnlyFieldListFilter))
    list_select_related = (
        "client",
        "department",
        "service",
        "product",
        "membership__plan",
        "seller",
    )
    search_fields = (*CLIENT_SEARCH, "membership__card_number", "note")
    date_hierarchy = "sold_at"
    autocomplete_fields = (
        "client",
        "membership",
        "service",
        "product",
        "offer",
        "promotion",
        "seller",
    )
    readonly_fields = ("amount",)
    fieldsets = (
        (None, {"fields": ("client", "department", "kind", "sold_at", "seller")}),
        (_("What was sold"), {"fields": ("membership", "service", "product")}),
        (
            _("Money"),
            {"fields": (("quantity", "unit_price"), "discount", "amount", "promotion", "offer")},
        ),
        (None, {"fields": ("note",)}),
    )

    def has_add_permission(self, request):
        return can(request.user, EDIT_LEDGER) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return can(request.user, EDIT_LEDGER) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can(request.user, EDIT_LEDGER) and super().has_delete_permission(request, obj)

    def service_save(self, request, form, change):
        data = form.cleaned_data
        return services.sale_record(
            client=data["client"], kind=data["kind"], user=request.user, seller=data.get("seller"),
            service=data.get("service"), product=data.get("product"), membership=data.get("membership"),
            department=data.get("department"), quantity=data["quantity"], unit_price=data.get("unit_price"),
            discount=data.get("discount") or 0, promotion=data.get("promotion"), sold_at=data.get("sold_at"),
            note=data.get("note", ""),
        )


@admin.register(DepartmentExpense)
class DepartmentExpenseAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("incurred_on", "department", "kind", "amount", "description")
    list_filter = ("department", "kind")
    list_select_related = ("department",)
    search_fields = ("description", "department__name")
    date_hierarchy = "incurred_on"


# ---------------------------------------------------------------------------------------------
# Memberships: adding one is selling it
# ---------------------------------------------------------------------------------------------
class MembershipSellAdminForm(SellTermsFields, forms.ModelForm):
    """A card sold at the front desk in one submit: the client, the plan (with its price), the
    start (the renewal's start when left empty), a card number if the client has one already;
    the price (the director's), a promotion or a discount. The end date and the visits are the
    plan's, never typed."""

    plan = PlanChoiceField()
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=AdminDateWidget,
        help_text=_("Leave empty: the day after the client's current card ends, or today."),
    )
    card_number = forms.CharField(
        label=_("Card number"), max_length=32, required=False, help_text=_("Leave empty to generate one."),
    )

    class Meta:
        model = Membership
        fields = ["client", "plan", "sold_by"]

    def _post_clean(self):
        """The sale is checked by ``membership_sell`` itself (the admin runs it, see
        ``ServiceSaveAdminMixin``), not field by field against a card it has not built yet."""


class MembershipSellDeskForm(MembershipSellAdminForm):
    """The same without the price: only the director sells at another price than the plan's."""

    price = None


@admin.register(Membership)
class MembershipAdmin(
    ServiceSaveAdminMixin, ImportExportAllOrNothingMixin, FreezeDaysMixin, CreatedByAdminMixin,
    DirectorHistoryAdmin,
):
    """Adding a membership sells it (``membership_sell``), as the card's sell page does. A
    card's client, plan, price and seller are the sale's and stay as sold; its dates, visits and
    status can be corrected, and freezes entered inline move its end date."""

    resource_classes = [MembershipResource]
    club_date_fields = ("start_date", "end_date", "cancelled_on")
    list_display = (
        "card_number",
        "client",
        "plan",
        "start_date",
        "end_date",
        "days_left",
        "status",
        "visits",
    )
    list_filter = (ValidityListFilter, "status", "plan")
    list_select_related = ("client", "plan")
    search_fields = (
        "card_number",
        "client__first_name",
        "client__last_name",
        "client__phone",
        "client__email",
    )
    date_hierarchy = "end_date"
    autocomplete_fields = ("client", "sold_by")
    inlines = (FreezeInline,)
    add_fieldsets = (
        (None, {"fields": ("client", "plan", "start_date", "card_number", "sold_by")}),
        (_("Price"), {"fields": ("price", "promotion", "discount", "idempotency_key")}),
    )
    fieldsets = (
        (None, {"fields": ("client", "plan", "card_number", "price", "sold_by")}),
        (_("Validity"), {"fields": (("start_date", "end_date"), ("visit_limit", "visits_used"))}),
        (_("Status"), {"fields": ("status", "cancelled_on", "cancel_reason", "notes")}),
    )
    sold_fields = ("client", "plan", "price", "sold_by")
    add_form, full_add_form, full_add_form_capability = MembershipSellDeskForm, MembershipSellAdminForm, SET_PRICES

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return super().get_fieldsets(request, obj)
        fieldsets = self.add_fieldsets
        if not can(request.user, SET_PRICES):
            fieldsets = [(name, {"fields": tuple(f for f in options["fields"] if f != "price")})
                         for name, options in fieldsets]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is None:
            return tuple(name for name in readonly if name not in RECORD_FIELDS)
        return readonly + self.sold_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def get_changeform_initial_data(self, request):
        """A sale opened from a client (``?client=<id>``) fills what the card's page and the front
        desk fill (``sales.selectors.sale_defaults``): their latest plan, the start when their
        current card ends; the seller is whoever sells."""
        initial = super().get_changeform_initial_data(request)
        initial["idempotency_key"] = new_form_token()
        initial.setdefault("sold_by", request.user.pk)
        client_id = str(initial.get("client", ""))
        if client_id.isdigit():
            from clients.models import Client

            client = Client.objects.filter(pk=client_id).first()
            if client is not None:
                initial.update({key: value for key, value in sale_defaults(client).items() if value is not None})
        return initial

    class Media:
        js = ("js/sell-total.js",)

    def service_save(self, request, form, change):
        data = form.cleaned_data
        client = data["client"]
        return services.membership_sell(
            client=client, plan=data["plan"], start_date=data.get("start_date") or renewal_start_date(client),
            seller=data.get("sold_by") or request.user, user=request.user,
            card_number=(data.get("card_number") or "").strip(), **form.sell_terms(),
        )

    def service_refused(self, request, form, error):
        if isinstance(error, services.AlreadySold):
            raise error  # answered by refused_response: the page of the card sold
        return False

    def refused_response(self, request, error):
        if isinstance(error, services.AlreadySold):
            self.message_user(
                request,
                _("Already sold: this form sold the membership %(card)s a moment ago.")
                % {"card": error.membership.card_number},
                level=messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:clients_membership_change", args=[error.membership.pk]))
        return None

    def save_formset(self, request, form, formset, change):
        """Freezes added, changed or deleted inline move the end date (after the membership's
        own fields are saved)."""
        if formset.model is not Freeze:
            return super().save_formset(request, form, formset, change)
        before = {
            f.instance.pk: frozen_days(f.initial.get("start_date"), f.initial.get("end_date"))
            for f in formset.initial_forms
        }
        super().save_formset(request, form, formset, change)
        for freeze in formset.new_objects + [obj for obj, _fields in formset.changed_objects]:
            self.shift_for(freeze, before.get(freeze.pk, 0))
        for freeze in formset.deleted_objects:
            membership_end_shift(membership_id=form.instance.pk, days=-before.get(freeze.pk, 0))

    @admin.display(description=_("days left"), ordering="end_date")
    def days_left(self, obj):
        return max(obj.days_left(), 0)

    @admin.display(description=_("visits used"))
    def visits(self, obj):
        limit = "∞" if obj.visit_limit is None else obj.visit_limit
        return f"{obj.visits_used} / {limit}"
