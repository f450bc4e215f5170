"""Advice and outreach: offers under the upsell policy (an accepted offer is sold through
``selling``), specialists' recommendations, promotion sends. Each validates and runs in one
transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.capabilities import OVERRIDE_UPSELL_POLICY, can
from clients.messaging.outbox import message_for_client, outbox_write
from clients.models import Client
from clients.services import client_for_new_record, renewal_start_date
from staff.rules import contraindication_check, provides

from ..models import Offer, Recommendation, Sale, UpsellPolicy
from ..vocabulary import PROMOTION
from .selling import membership_sell, promotion_discount

OFFER_WINDOW_DAYS = 30


# --- offers under the upsell policy ----------------------------------------------------------
def policy_for(stage: str) -> UpsellPolicy | None:
    return UpsellPolicy.objects.filter(stage=stage).first()


def offer_allowance(client: Client, on: datetime.datetime | None = None, stage: str | None = None) -> dict:
    """How many offers the policy of the client's stage (computed now unless given) still
    allows in the last 30 days, and from when the next one is allowed (None: now)."""
    from ..stages import stage_with_reasons

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

        program = Program.objects.filter(client=recommendation.client, status=Program.Status.ACTIVE,
                                         one_off=False).first()
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
