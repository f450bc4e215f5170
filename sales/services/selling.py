"""Selling: cards and one-off services into the ledger, with promotions and the manual discount.
Each validates and runs in one transaction."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.capabilities import EDIT_LEDGER, SET_PRICES, can
from clients.models import Client, Membership, MembershipPlan
from clients.services import client_for_new_record, membership_create
from staff.models import Department

from ..models import Offer, Promotion, Sale


# --- the ledger -----------------------------------------------------------------------------
def department_for_plan(plan) -> Department:
    """The department a plan's sale is booked to: the plan's own (``department_code``, checked
    where the plan is entered). Should it be gone anyway, the sale is refused with the reason."""
    department = Department.objects.filter(code=plan.department_code).first() if plan.department_code else None
    if department is None:
        raise ValidationError(_(
            "The plan “%(plan)s” belongs to no department of the club: choose its department on the "
            "plan's page in the admin site, then sell it."
        ) % {"plan": plan.name})
    return department


def promotion_discount(promotion: Promotion | None, price: Decimal) -> Decimal:
    """The discount a promotion gives on ``price`` today: its percent of the price plus its fixed
    amount, at most the price; nothing when there is no promotion or it is not running."""
    if promotion is None or not promotion.is_running():
        return Decimal("0")
    discount = price * promotion.discount_percent / Decimal(100) + promotion.discount_amount
    return min(discount, price).quantize(Decimal("0.01"))


@transaction.atomic
def sale_record(
    *,
    client: Client,
    kind: str,
    user,
    seller=None,
    service=None,
    product=None,
    membership: Membership | None = None,
    department: Department | None = None,
    quantity: int = 1,
    unit_price: Decimal | None = None,
    discount: Decimal = Decimal("0"),
    promotion: Promotion | None = None,
    sold_at: datetime.datetime | None = None,
    note: str = "",
) -> Sale:
    """A row the director enters in the ledger by hand: a service or a product sold outside an
    offer, or a refund (a negative row). A membership is sold with ``membership_sell``, which
    writes its own row. The department and the unit price come from the item unless given; a
    running promotion's discount applies as on an offer."""
    if not can(user, EDIT_LEDGER):
        raise ValidationError(_("Only the director enters rows in the ledger by hand."))
    if kind == Sale.Kind.MEMBERSHIP:
        raise ValidationError({"kind": _(
            "A membership is sold on the membership's page, which writes its row in the ledger."
        )})
    if kind != Sale.Kind.REFUND:
        client = client_for_new_record(client)
    item = service or product
    if department is None:
        department = item.department if item is not None else (
            department_for_plan(membership.plan) if membership is not None else None
        )
    if unit_price is None and item is not None:
        unit_price = item.price
    if promotion is not None:
        if discount:
            raise ValidationError({"discount": _("Give either a promotion or a discount, not both.")})
        discount = promotion_discount(promotion, (unit_price or 0) * (quantity or 0))
    sale = Sale(
        client=client, kind=kind, department=department, service=service, product=product,
        membership=membership, seller=seller or user, quantity=quantity, unit_price=unit_price,
        discount=discount, promotion=promotion, sold_at=sold_at or timezone.now(), note=note,
        created_by=user,
    )
    sale.full_clean()
    sale.save()
    return sale


# --- selling a membership -------------------------------------------------------------------
# A discount typed by hand (no promotion) is at most this share of the price, unless the director
# gives it: the front desk and the managers cannot give cards away.
MANUAL_DISCOUNT_MAX_PERCENT = Decimal("10")


def manual_discount_limit(price: Decimal) -> Decimal:
    """The largest discount typed by hand that anyone but the director may give on ``price``:
    MANUAL_DISCOUNT_MAX_PERCENT % of it, to the cent."""
    return (price * MANUAL_DISCOUNT_MAX_PERCENT / Decimal(100)).quantize(Decimal("0.01"))


class AlreadySold(ValidationError):
    """The same sell form was sent twice (a double click, a reload): the first one sold the card
    (``membership``) or the service (``sale``); the second sells nothing."""

    def __init__(self, membership: Membership | None = None, sale: Sale | None = None):
        self.membership, self.sale = membership, sale
        if membership is not None:
            message = _("This membership was sold already: card %(card)s.") % {"card": membership.card_number}
        else:
            message = _("This sale was recorded already: %(item)s.") % {"item": sale.service or sale.product}
        super().__init__(message, code="already_sold")


def _discount_and_promotion(
    *, list_price: Decimal, discount: Decimal, promotion, includes: bool, not_included: str, user,
    imported: bool = False,
) -> tuple[Decimal, Promotion | None]:
    """The discount of a sale at ``list_price`` and the promotion that gives it: the promotion
    chosen (running today and including the item: ``includes``; ``not_included`` says it does
    not), else the manual discount, at
    most MANUAL_DISCOUNT_MAX_PERCENT % of the price unless the director (or an import) gives it;
    never both, never below zero or above the price."""
    discount = discount or Decimal("0")
    if promotion is not None:
        if discount:
            raise ValidationError({"discount": _("Give either a promotion or a discount, not both.")})
        if not promotion.is_running():
            raise ValidationError({"promotion": _("The promotion %(name)s is not running today.") % {
                "name": promotion.name,
            }})
        if not includes:
            raise ValidationError({"promotion": not_included})
        return promotion_discount(promotion, list_price), promotion
    if discount < 0:
        raise ValidationError({"discount": _("A discount cannot be negative.")})
    if discount > list_price:
        raise ValidationError({"discount": _("The discount cannot exceed the price.")})
    limit = manual_discount_limit(list_price)
    if discount > limit and not imported and not can(user, SET_PRICES):
        raise ValidationError({"discount": _(
            "A discount above %(percent)s%% of the price (%(limit)s) is the director's decision."
        ) % {"percent": f"{MANUAL_DISCOUNT_MAX_PERCENT:g}", "limit": formats.number_format(limit, 2)}})
    return discount, None


def _membership_discount(
    *, plan: MembershipPlan, list_price: Decimal, discount: Decimal, promotion, offer, user, imported: bool
) -> tuple[Decimal, Promotion | None]:
    """The discount of a card and the promotion that gives it: the promotion chosen (running
    today and including the plan), else the accepted offer's promotion if it still runs, else
    the manual discount."""
    if promotion is None and offer is not None and not discount and offer.promotion_id and offer.promotion.is_running():
        return promotion_discount(offer.promotion, list_price), offer.promotion
    return _discount_and_promotion(
        list_price=list_price, discount=discount, promotion=promotion, user=user, imported=imported,
        includes=promotion is not None and promotion.plans.filter(pk=plan.pk).exists(),
        not_included=promotion and _("The promotion %(name)s does not include the plan %(plan)s.") % {
            "name": promotion.name, "plan": plan.name,
        },
    )


@transaction.atomic
def membership_sell(
    *,
    client: Client,
    plan: MembershipPlan,
    start_date: datetime.date,
    seller,
    card_number: str = "",
    price: Decimal | None = None,
    discount: Decimal = Decimal("0"),
    promotion: Promotion | None = None,
    offer: Offer | None = None,
    idempotency_key: str = "",
    user=None,
    imported: bool = False,
) -> Membership:
    """Sell ``plan`` to ``client`` from ``start_date``, in one transaction: the card (numbered,
    its end date and visits from the plan: ``clients.services.membership_create``) and its row in
    the ledger (booked to the plan's department), with its discount. Every door sells through
    here: the card's sell page, the accepted offer of a plan, the admin site and the import.

    - ``price``: the plan's, unless the director (``user``, who records the sale; the seller
      unless given) sells at another; an import records the price paid in the club's previous
      system. The card's price paid is the price less the discount.
    - the discount: a running promotion's (``promotion``, or the accepted ``offer``'s), or one
      typed by hand, up to MANUAL_DISCOUNT_MAX_PERCENT % of the price (any, up to the price, by
      the director); never both.
    - the plan must be on sale (an import may record cards of plans no longer sold).
    - ``idempotency_key``: the sell form's token. A second sale with the same token (a double
      submit) raises ``AlreadySold`` naming the card the first one sold, and sells nothing; the
      client's row is locked first, so that even simultaneous submits sell once.

    Refusals are ValidationErrors naming the field at fault; a client whose data were erased
    buys nothing.
    """
    user = user or seller
    client = client_for_new_record(client)
    if idempotency_key:
        earlier = Sale.objects.filter(idempotency_key=idempotency_key).select_related("membership").first()
        if earlier is not None and earlier.membership is not None:
            raise AlreadySold(earlier.membership)
    if not imported and not plan.is_active:
        raise ValidationError({"plan": _("This plan is no longer on sale.")})
    if offer is not None and offer.plan_id != plan.pk:
        raise ValidationError({"plan": _("The offer was of another plan.")})
    if price is not None and price != plan.price and not imported and not can(user, SET_PRICES):
        raise ValidationError({"price": _(
            "Only the director sells a card at another price than the plan's; give a discount instead."
        )})
    list_price = plan.price if price is None else price
    discount, promotion = _membership_discount(
        plan=plan, list_price=list_price, discount=discount, promotion=promotion, offer=offer, user=user,
        imported=imported,
    )
    membership = membership_create(
        client=client, plan=plan, start_date=start_date, price=list_price - discount,
        sold_by=seller, user=user, card_number=card_number,
    )
    sale = membership_sale_row(
        membership=membership, seller=seller, user=user, unit_price=list_price, discount=discount,
        promotion=promotion, offer=offer, idempotency_key=idempotency_key,
    )
    sale.full_clean()
    sale.save()
    return membership


def membership_sale_row(
    *,
    membership: Membership,
    seller,
    user,
    unit_price: Decimal,
    discount: Decimal = Decimal("0"),
    promotion: Promotion | None = None,
    offer: Offer | None = None,
    sold_at: datetime.datetime | None = None,
    department: Department | None = None,
    idempotency_key: str = "",
) -> Sale:
    """The ledger row of a card sold (not saved): booked to the plan's department
    (``department_for_plan``, or ``department`` when the caller looked it up already), the card's
    number as its note, its amount computed as ``Sale.save`` would. ``membership_sell`` saves
    it; a bulk writer (the demo club) writes the very same rows with ``bulk_create``."""
    sale = Sale(
        client_id=membership.client_id, department=department or department_for_plan(membership.plan),
        kind=Sale.Kind.MEMBERSHIP, membership=membership, seller=seller, unit_price=unit_price, quantity=1,
        discount=discount, promotion=promotion, offer=offer, sold_at=sold_at or timezone.now(),
        created_by=user, note=membership.card_number, idempotency_key=idempotency_key,
    )
    sale.amount = Sale.compute_amount(kind=sale.kind, quantity=1, unit_price=unit_price, discount=discount)
    return sale


@transaction.atomic
def service_sell(
    *,
    client: Client,
    service,
    seller,
    quantity: int = 1,
    discount: Decimal = Decimal("0"),
    promotion: Promotion | None = None,
    idempotency_key: str = "",
    user=None,
) -> Sale:
    """Sell ``quantity`` of a one-off ``service`` (a massage, a sauna visit) to ``client`` at
    the front desk or on the card: a row in the ledger, booked to the service's department, at
    the service's price, less a running promotion's discount (one that includes the service) or
    a manual one within the limit (``_discount_and_promotion``, as for a card). The form's token
    (``idempotency_key``) sells once however often the form is sent (``AlreadySold``)."""
    user = user or seller
    client = client_for_new_record(client)
    if idempotency_key:
        earlier = Sale.objects.filter(idempotency_key=idempotency_key).select_related("service", "product").first()
        if earlier is not None:
            raise AlreadySold(sale=earlier)
    if service is None or not service.is_active:
        raise ValidationError({"service": _("This service is no longer offered.")})
    if quantity is None or quantity < 1:
        raise ValidationError({"quantity": _("Sell at least one.")})
    list_price = service.price * quantity
    discount, promotion = _discount_and_promotion(
        list_price=list_price, discount=discount, promotion=promotion, user=user,
        includes=promotion is not None and promotion.services.filter(pk=service.pk).exists(),
        not_included=promotion and _("The promotion %(name)s does not include the service %(service)s.") % {
            "name": promotion.name, "service": service.name,
        },
    )
    sale = Sale(
        client=client, department=service.department, kind=Sale.Kind.SERVICE, service=service, seller=seller,
        quantity=quantity, unit_price=service.price, discount=discount, promotion=promotion,
        sold_at=timezone.now(), created_by=user, idempotency_key=idempotency_key,
    )
    sale.full_clean()
    sale.save()
    return sale


# --- the upsell policy ----------------------------------------------------------------------
