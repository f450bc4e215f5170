"""Writes of the sales app: the ledger, offers under the upsell policy, recommendations,
promotion sends. Each validates and runs in one transaction."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.capabilities import EDIT_LEDGER, OVERRIDE_UPSELL_POLICY, SET_PRICES, can
from clients.messaging.outbox import message_for_client, outbox_write
from clients.models import Client, Membership, MembershipPlan
from clients.services import client_for_new_record, membership_create, renewal_start_date
from staff.models import Department
from staff.rules import contraindication_check, provides

from .models import Offer, Promotion, Recommendation, Sale, UpsellPolicy
from .vocabulary import PROMOTION

OFFER_WINDOW_DAYS = 30


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
def policy_for(stage: str) -> UpsellPolicy | None:
    return UpsellPolicy.objects.filter(stage=stage).first()


def offer_allowance(client: Client, on: datetime.datetime | None = None, stage: str | None = None) -> dict:
    """How many offers the policy of the client's stage (computed now unless given) still
    allows in the last 30 days, and from when the next one is allowed (None: now)."""
    from .stages import stage_with_reasons

    now = on or timezone.now()
    stage = stage or stage_with_reasons(client)[0]
    policy = policy_for(stage)
    if policy is None:
        return {"policy": None, "left": None, "next_allowed": None, "window_days": OFFER_WINDOW_DAYS}
    window_start = now - datetime.timedelta(days=OFFER_WINDOW_DAYS)
    recent = list(
        Offer.objects.filter(client=client, offered_at__gt=window_start)
        .order_by("offered_at")
        .values_list("offered_at", flat=True)
    )
    left = max(policy.max_offers_per_30_days - len(recent), 0)
    next_allowed = None
    if left == 0:
        if policy.max_offers_per_30_days == 0:
            next_allowed = "never"
        else:
            oldest_counted = recent[len(recent) - policy.max_offers_per_30_days]
            next_allowed = oldest_counted + datetime.timedelta(days=OFFER_WINDOW_DAYS)
    last_decline = (
        Offer.objects.filter(client=client, outcome=Offer.Outcome.DECLINED)
        .order_by("-offered_at")
        .values_list("offered_at", flat=True)
        .first()
    )
    if last_decline and policy.min_days_after_decline:
        after_decline = last_decline + datetime.timedelta(days=policy.min_days_after_decline)
        if after_decline > now and next_allowed != "never":
            next_allowed = max(next_allowed or after_decline, after_decline)
    return {"policy": policy, "left": left, "next_allowed": next_allowed, "stage": stage, "window_days": OFFER_WINDOW_DAYS}


def _policy_refusal(client: Client, allowance: dict) -> str:
    stage = Client.Stage(allowance["stage"]).label.lower()
    if allowance["next_allowed"] == "never":
        return _("At the %(stage)s stage the policy allows no offers.") % {"stage": stage}
    return _(
        "At the %(stage)s stage the policy allows no more offers now; the next one is allowed "
        "from %(date)s."
    ) % {"stage": stage, "date": formats.date_format(timezone.localtime(allowance["next_allowed"]), "SHORT_DATE_FORMAT")}


@transaction.atomic
def offer_record(
    *,
    client: Client,
    manager,
    service=None,
    product=None,
    plan=None,
    source: str = Offer.Source.MANAGER,
    outcome: str = Offer.Outcome.PENDING,
    outcome_reason: str = "",
    recommendation: Recommendation | None = None,
    promotion=None,
    override_reason: str = "",
    contraindication_reason: str = "",
) -> Offer:
    """Record an upsell attempt. Beyond the client's stage policy it is refused with the date
    the next offer is allowed, unless a director overrides it with a reason (kept); a service
    contraindicated for the client is refused unless a reason is given (kept, ``staff.rules``)."""
    client = client_for_new_record(client)
    contraindication_reason = contraindication_check(
        client=client, service=service, reason=contraindication_reason
    )
    allowance = offer_allowance(client)
    overridden = False
    if allowance["policy"] is not None and allowance["next_allowed"] is not None:
        if not override_reason.strip():
            raise ValidationError(_policy_refusal(client, allowance))
        if not can(manager, OVERRIDE_UPSELL_POLICY):
            raise ValidationError(_("Only the director may override the upsell policy."))
        overridden = True
    offer = Offer(
        client=client, manager=manager, service=service, product=product, plan=plan,
        source=source, recommendation=recommendation, promotion=promotion,
        outcome=outcome, outcome_reason=outcome_reason, created_by=manager,
        policy_override_reason=override_reason.strip() if overridden else "",
        overridden_by=manager if overridden else None,
        contraindication_reason=contraindication_reason,
    )
    offer.full_clean()
    offer.save()
    if outcome == Offer.Outcome.ACCEPTED:
        _offer_sell(offer=offer, seller=manager)
    return offer


@transaction.atomic
def offer_set_outcome(*, offer: Offer, outcome: str, reason: str, user) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.outcome == Offer.Outcome.ACCEPTED:
        raise ValidationError(_("This offer is already accepted and sold."))
    if outcome == Offer.Outcome.DECLINED and not reason.strip():
        raise ValidationError({"outcome_reason": _("Write down why the client declined.")})
    offer.outcome = outcome
    offer.outcome_reason = reason.strip()
    offer.save(update_fields=["outcome", "outcome_reason", "updated_at"])
    if outcome == Offer.Outcome.ACCEPTED:
        _offer_sell(offer=offer, seller=user)
    return offer


def _offer_sell(*, offer: Offer, seller) -> None:
    """An accepted offer is sold: a plan as a membership from the day after the client's current
    card ends (``membership_sell``, linked to the offer); a service or a product as a row in the
    ledger, with the offer's promotion's discount while it runs."""
    if offer.plan_id:
        membership_sell(
            client=offer.client, plan=offer.plan, start_date=renewal_start_date(offer.client),
            seller=seller, offer=offer,
        )
        return
    item = offer.service or offer.product
    sale = Sale(
        client=offer.client, department=item.department,
        kind=Sale.Kind.SERVICE if offer.service_id else Sale.Kind.PRODUCT,
        service=offer.service, product=offer.product, offer=offer, promotion=offer.promotion,
        seller=seller, unit_price=item.price, discount=promotion_discount(offer.promotion, item.price),
        created_by=seller,
    )
    sale.full_clean()
    sale.save()


# --- recommendations ------------------------------------------------------------------------
@transaction.atomic
def recommendation_create(*, specialist, client: Client, reason: str, service=None, product=None, session=None) -> Recommendation:
    client = client_for_new_record(client)
    recommendation = Recommendation(
        specialist=specialist, client=client, service=service, product=product,
        session=session, reason=reason, created_by=specialist.user,
    )
    recommendation.full_clean()
    recommendation.save()
    return recommendation


@transaction.atomic
def recommendation_decide(
    *, recommendation: Recommendation, accept: bool, reason: str, user, offer_outcome: str | None = None,
    override_reason: str = "", add_to_program: bool = False, contraindication_reason: str = "",
) -> Recommendation:
    """Accept (and record the offer made from it when an outcome is given, or add the service to
    the client's active program) or decline with a reason. Offering or adding a service
    contraindicated for the client needs a reason, kept with the offer or the program item
    (``staff.rules``)."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.status != Recommendation.Status.PENDING:
        raise ValidationError(_("This recommendation has already been decided."))
    if not accept and not reason.strip():
        raise ValidationError({"decision_reason": _("Give the reason for declining.")})
    if accept and (add_to_program or offer_outcome):
        contraindication_check(
            client=recommendation.client, service=recommendation.service, reason=contraindication_reason
        )
    recommendation.status = Recommendation.Status.ACCEPTED if accept else Recommendation.Status.DECLINED
    recommendation.decided_by = user
    recommendation.decided_at = timezone.now()
    recommendation.decision_reason = reason.strip()
    recommendation.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    if accept and add_to_program:
        from programs.models import Program
        from programs.services import ItemDraft, program_add_item

        program = Program.objects.filter(client=recommendation.client, status=Program.Status.ACTIVE).first()
        if program is None or recommendation.service is None:
            raise ValidationError(_("Only a service can be added, and only to an active program."))
        specialist = recommendation.specialist
        if specialist and not provides(specialist, recommendation.service):
            specialist = None  # any specialist who provides it (staff.rules.provides)
        program_add_item(
            program=program, user=user,
            draft=ItemDraft(service=recommendation.service, specialist=specialist, sessions_count=4,
                            sessions_per_week=1, notes=recommendation.reason[:255],
                            override_reason=contraindication_reason),
        )
    if accept and offer_outcome:
        offer_record(
            client=recommendation.client, manager=user, service=recommendation.service,
            product=recommendation.product, source=Offer.Source.RECOMMENDATION,
            recommendation=recommendation, outcome=offer_outcome, override_reason=override_reason,
            contraindication_reason=contraindication_reason,
        )
    return recommendation


# --- promotions -----------------------------------------------------------------------------
def promotion_send(*, promotion, clients, dry_run: bool = False) -> int:
    """Queue the promotion to the given clients (its segment), once per client per promotion."""
    rows = [
        message_for_client(
            client=client,
            kind=PROMOTION,
            dedup_key=f"promo:{promotion.pk}:{client.pk}",
            template="promotion",
            context={"promotion": promotion},
            related=promotion,
        )
        for client in clients
    ]
    queued = outbox_write(rows, dry_run=dry_run)
    if queued and not dry_run:
        from clients.tasks import deliver_outbox

        transaction.on_commit(deliver_outbox.delay)
    return queued
