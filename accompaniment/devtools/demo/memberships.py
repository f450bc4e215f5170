"""The demo clients written, and the cards they bought: each card sold as the product sells one
(the same card and the same ledger row, written in bulk), its freezes and its check-ins."""

import bisect
import datetime
import itertools

from clients.models import Client, Freeze, Membership, Visit
from sales.models import Sale
from sales.services import department_for_plan, membership_sale_row

from .catalog import DEMO_EMAIL_DOMAIN
from .lives import Life
from .rows import ZERO


def write_clients(history, lives: list[Life]):
    rng = history.rng
    referred = [life for life in lives
                if life.scenario != "lead" and life.joined > history.today - datetime.timedelta(days=700)
                and rng.random() < 0.15]
    referred_ids = {id(life) for life in referred}
    first_wave = [life for life in lives if id(life) not in referred_ids]
    history.bulk(Client, [life.client for life in first_wave], "clients")
    # Referrals come from a minority of enthusiastic clients who joined earlier.
    fans = sorted((life for life in first_wave if life.scenario != "lead" and rng.random() < 0.25),
                  key=lambda life: life.joined)
    fan_days = [life.joined for life in fans]
    for life in referred:
        eligible = bisect.bisect_right(fan_days, life.joined - datetime.timedelta(days=14))
        if eligible:
            life.client.referred_by_id = fans[rng.randrange(eligible)].client.pk
            life.client.source = Client.Source.REFERRAL
    history.bulk(Client, [life.client for life in referred], "clients")
    # Rows remember when the client joined, not when the demo was seeded.
    # Each wave was inserted in order of joining, so the clients of a day are one range of
    # pks: one UPDATE per day for the last two months, per week before (fewer statements).
    recent = history.today - datetime.timedelta(days=60)
    for wave in (first_wave, referred):
        for day, group in itertools.groupby(
            wave, key=lambda life: life.joined if life.joined >= recent
            else life.joined - datetime.timedelta(days=life.joined.weekday())
        ):
            pks = [life.client.pk for life in group]
            Client.objects.filter(
                pk__gte=pks[0], pk__lte=pks[-1], email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
            ).update(created_at=history.past(day, 10))
    through = Client.contraindications.through
    history.bulk(through, [through(client_id=life.client.pk, contraindication_id=history.club.flags[code].pk)
                            for life in lives for code in life.flags], "client health flags")


def write_memberships(history, lives: list[Life]):
    """Each planned card sold as ``sales.services.membership_sell`` sells one: the card, issued
    as ``membership_create`` issues it (end date and visits from the plan, the price paid), and
    its row in the ledger built by ``membership_sale_row`` (the plan's department, the card's
    number); a refund of a cancelled card as the director enters one (``sale_record``). Then
    the freezes (their days already moved the end date) and the visits checked in."""
    rng, director = history.rng, history.club.users["director"]
    departments = {plan.pk: department_for_plan(plan) for plan in history.plans}
    memberships = []
    for life in lives:
        for card in life.cards:
            card.seller = card.seller or life.manager
            card.row = history.new_membership(
                client_id=life.client.pk, plan_id=card.plan.pk, card_number=card.number,
                start_date=card.start, end_date=card.end, visit_limit=card.plan.visit_limit,
                visits_used=card.visits_used, price=card.plan.price - card.discount,
                status=card.status, sold_by_id=card.seller.pk, created_by_id=card.seller.pk,
                cancelled_on=card.cancelled_on, cancel_reason=card.cancel_reason,
            )
            card.row.plan = card.plan
            memberships.append(card.row)
    history.bulk(Membership, memberships, "memberships")
    sales = []
    for life in lives:
        for card in life.cards:
            department = departments[card.plan.pk]
            sales.append(membership_sale_row(
                membership=card.row, seller=card.seller, user=card.seller, unit_price=card.plan.price,
                discount=card.discount, department=department,
                sold_at=history.past(card.sold_on, rng.randint(9, 20), rng.randrange(60)),
            ))
            if card.refund:
                sales.append(refund_row(
                    membership=card.row, department=department, amount=card.refund, seller=history.frontdesk,
                    user=director, sold_at=history.past(card.cancelled_on, 12), note=card.cancel_reason,
                ))
    history.bulk(Sale, sales, "sales")
    freezes, visits = [], []
    for life in lives:
        for card in life.cards:
            freezes.extend(
                Freeze(membership_id=card.row.pk, start_date=start, end_date=end, reason=reason,
                       created_by_id=card.seller.pk)
                for start, end, reason in card.freezes
            )
            visits.extend(
                history.new_visit(client_id=life.client.pk, membership_id=card.row.pk,
                                  checked_in_at=checked_in, checked_out_at=checked_out)
                for checked_in, checked_out in card.visits
            )
    history.bulk(Freeze, freezes, "freezes")
    history.bulk(Visit, visits, "visits")


def refund_row(*, membership, department, amount, seller, user, sold_at, note) -> Sale:
    """A card's refund as the director enters it in the ledger (``sale_record``): a row of kind
    refund, booked to the card's department, with a negative amount."""
    sale = Sale(client_id=membership.client_id, department=department, kind=Sale.Kind.REFUND,
                membership=membership, seller=seller, unit_price=amount, quantity=1, sold_at=sold_at,
                created_by=user, note=note)
    sale.amount = Sale.compute_amount(kind=sale.kind, quantity=1, unit_price=amount, discount=ZERO)
    return sale
