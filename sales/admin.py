"""The admin site for products, recommendations, offers, the sales ledger and expenses."""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import CreatedByAdminMixin, DirectorHistoryAdmin
from staff.rules import contraindication_form_check

from .models import (
    DepartmentExpense,
    Offer,
    Product,
    Promotion,
    Recommendation,
    Sale,
    UpsellPolicy,
)
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
    """An offer typed in the admin site follows ``sales.services.offer_record``'s rule
    (``staff.rules``): a service contraindicated for the client is refused, the flags named
    next to the reason, unless a reason is given; the reason is kept only then."""

    class Meta:
        model = Offer
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        contraindication_form_check(
            self, client=cleaned.get("client"), service=cleaned.get("service"),
            field="contraindication_reason", given_by={"client", "service"},
        )
        return cleaned


@admin.register(Offer)
class OfferAdmin(ItemColumnMixin, CreatedByAdminMixin, DirectorHistoryAdmin):
    form = OfferAdminForm
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
    readonly_fields = ("policy_override_reason", "overridden_by")


@admin.register(Sale)
class SaleAdmin(ItemColumnMixin, CreatedByAdminMixin, DirectorHistoryAdmin):
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


@admin.register(DepartmentExpense)
class DepartmentExpenseAdmin(CreatedByAdminMixin, admin.ModelAdmin):
    list_display = ("incurred_on", "department", "kind", "amount", "description")
    list_filter = ("department", "kind")
    list_select_related = ("department",)
    search_fields = ("description", "department__name")
    date_hierarchy = "incurred_on"
