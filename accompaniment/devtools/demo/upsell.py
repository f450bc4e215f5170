"""What the demo clients are offered and buy beyond their cards: specialists' recommendations,
the manager's upsell offers within the upsell policy, and the ledger's service and product rows."""

import datetime
from collections import defaultdict

from sales.models import Offer, Recommendation, Sale, UpsellPolicy
from sales.services import OFFER_WINDOW_DAYS

from . import people
from .lives import Life, profile_department
from .rows import ZERO, Mix, money, weighted

# Services or products a client bought beyond their cards.
EXTRA_PURCHASES = Mix(((0, 40), (1, 30), (2, 18), (3, 12)))


def write_recommendations(history, lives, done_sessions) -> list:
    rng, now = history.rng, history.now
    active = [life for life in lives if life.scenario in ("running", "frozen", "expiring", "new")]
    wanted = min(max(len(lives) // 30, 6), 80)
    rows = []
    for life in rng.sample(active, min(len(active), wanted)):
        sessions = done_sessions.get(life.client.pk)
        session = rng.choice(sessions) if sessions else None
        specialist = session.specialist if session and session.specialist else rng.choice(history.specialists)
        if rng.random() < 0.6:
            options = [s for s in history.services if s.department_id == specialist.department_id
                       and not history.club.service_flags.get(s.pk, set()) & set(life.flags)]
            service, product = (rng.choice(options) if options else None), None
        else:
            service = None
            product = rng.choice([p for p in history.products if p.department_id == specialist.department_id]
                                 or history.products)
        if service is None and product is None:
            continue
        status = weighted(rng, (("pending", 40), ("accepted", 40), ("declined", 20)))
        made_at = now - datetime.timedelta(hours=rng.randint(2, 24 * 20))
        decided_at = made_at + (now - made_at) * rng.uniform(0.1, 0.9) if status != "pending" else None
        rows.append(Recommendation(
            client_id=life.client.pk, specialist=specialist, session_id=session.pk if session else None,
            service=service, product=product, reason=rng.choice(people.RECOMMENDATION_REASONS),
            status=status, decided_by=life.manager if decided_at else None, decided_at=decided_at,
            decision_reason=rng.choice(people.DECLINE_REASONS) if status == "declined" else "",
            created_by=specialist.user,
        ))
        rows[-1].life, rows[-1].made_at = life, made_at
    history.bulk(Recommendation, rows, "recommendations")
    for row in rows:  # a handful: when the specialist made it, not when the demo was seeded
        Recommendation.objects.filter(pk=row.pk).update(created_at=row.made_at)
    return rows


def pick_item(history, life: Life):
    """A service (or product) that suits the client: mostly from their block, never one
    their health flags rule out."""
    rng = history.rng
    department = profile_department(history, life.profile)
    if rng.random() < 0.3:
        department = rng.choice(list(history.club.departments.values()))
    if rng.random() < 0.25:
        return None, rng.choice([p for p in history.products if p.department_id == department.pk])
    flags = set(life.flags)
    options = [s for s in history.services
               if s.department_id == department.pk and not history.club.service_flags.get(s.pk, set()) & flags]
    return (rng.choice(options), None) if options else (None, rng.choice(history.products))


def write_offers_and_sales(history, lives, recommendations):
    """The manager's upsell offers, as many as the upsell policy lets through (``paced``), then
    the ledger's service and product rows: those sold outside an offer as the director enters
    them (``sale_record``), and the accepted offers' as ``offer_record`` sells them."""
    rng, today, now = history.rng, history.today, history.now
    offers = []
    for recommendation in recommendations:
        if recommendation.status == Recommendation.Status.ACCEPTED:
            offers.append(Offer(
                client_id=recommendation.client_id, manager=recommendation.life.manager,
                source=Offer.Source.RECOMMENDATION, recommendation_id=recommendation.pk,
                service=recommendation.service, product=recommendation.product,
                offered_at=min(recommendation.decided_at + datetime.timedelta(hours=2), now),
                outcome=weighted(rng, (("accepted", 65), ("pending", 20), ("postponed", 15))),
                created_by=recommendation.life.manager,
            ))
            offers[-1].life = recommendation.life
    promotion = history.club.renewal_promotion
    promoted_plans = set(promotion.plans.values_list("pk", flat=True)) if promotion.is_running(today) else set()
    for life in lives:
        current = life.current
        if current is None:
            continue
        if life.scenario == "expiring" and current.start <= today and rng.random() < 0.45:
            promoted = current.plan.pk in promoted_plans
            offers.append(Offer(
                client_id=life.client.pk, manager=life.manager, plan=current.plan,
                source=Offer.Source.PROMOTION if promoted else Offer.Source.MANAGER,
                promotion=promotion if promoted else None,
                offered_at=now - datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8)),
                outcome=weighted(rng, (("pending", 60), ("postponed", 40))), created_by=life.manager,
            ))
            offers[-1].life = life
        elif life.scenario in ("running", "frozen", "expiring") and rng.random() < 0.08 * history.density:
            service, product = pick_item(history, life)
            tenure = max((today - life.joined).days, 1)
            outcome = weighted(rng, (("accepted", 45), ("declined", 30), ("postponed", 15), ("pending", 10)))
            offers.append(Offer(
                client_id=life.client.pk, manager=life.manager, service=service, product=product,
                offered_at=now - datetime.timedelta(days=rng.randint(0, min(tenure, 90)), hours=rng.randint(0, 6)),
                outcome=outcome,
                outcome_reason=rng.choice(people.OFFER_DECLINES) if outcome == "declined" else "",
                created_by=life.manager,
            ))
            offers[-1].life = life
    offers = paced(offers, list(UpsellPolicy.objects.all()))
    history.bulk(Offer, offers, "offers")

    director = history.club.users["director"]
    sales = []

    def sale(*, kind, unit_price, quantity=1, discount=ZERO, **values):
        amount = Sale.compute_amount(kind=kind, quantity=quantity, unit_price=unit_price, discount=discount)
        sales.append(history.new_sale(kind=kind, unit_price=unit_price, quantity=quantity, discount=discount,
                                      amount=amount, **values))

    for life in lives:
        if life.current is None:
            continue
        client_id = life.client.pk
        first_day = max(life.joined, today - datetime.timedelta(days=365))
        span = (min(life.current.end, today) - first_day).days
        purchases = EXTRA_PURCHASES.draw(rng) if span >= 0 and rng.random() < history.density else 0
        for _ in range(purchases):
            service, product = pick_item(history, life)
            day = first_day + datetime.timedelta(days=rng.randint(0, span))
            seller = life.manager if rng.random() < 0.65 else history.frontdesk
            when = history.past(day, rng.randint(10, 20), rng.randrange(60))
            if service is not None:
                course = rng.random() < 0.15
                quantity = 5 if course else 1
                sale(client_id=client_id, department_id=service.department_id, kind=Sale.Kind.SERVICE,
                     service_id=service.pk, seller_id=seller.pk, sold_at=when, quantity=quantity,
                     unit_price=service.price, created_by_id=director.pk,
                     discount=money(service.price * quantity / 10) if course else ZERO,
                     note="Курс із 5 сеансів, −10%" if course else "")
            else:
                sale(client_id=client_id, department_id=product.department_id, kind=Sale.Kind.PRODUCT,
                     product_id=product.pk, seller_id=seller.pk, sold_at=when, created_by_id=director.pk,
                     quantity=rng.choice((1, 1, 1, 2)), unit_price=product.price)
    for offer in offers:
        if offer.outcome == Offer.Outcome.ACCEPTED and (offer.service or offer.product):
            item = offer.service or offer.product
            sale(client_id=offer.client_id, department_id=item.department_id,
                 kind=Sale.Kind.SERVICE if offer.service else Sale.Kind.PRODUCT,
                 service_id=offer.service_id, product_id=offer.product_id, offer_id=offer.pk,
                 seller_id=offer.manager_id, created_by_id=offer.manager_id, unit_price=item.price,
                 sold_at=min(offer.offered_at + datetime.timedelta(minutes=15), now))
    history.bulk(Sale, sales, "sales")


def paced(offers: list[Offer], policies: list[UpsellPolicy]) -> list[Offer]:
    """The offers the upsell policy lets through whatever the client's stage then
    (``sales.services.offer_allowance`` counts the same way): by the strictest policy, at most
    its number of offers in any OFFER_WINDOW_DAYS days, and none within its longest wait after
    a declined one. Oldest first; the others are not made."""
    if not policies:
        return offers
    most = min(policy.max_offers_per_30_days for policy in policies)
    wait = datetime.timedelta(days=max(policy.min_days_after_decline for policy in policies))
    window = datetime.timedelta(days=OFFER_WINDOW_DAYS)
    kept, made = [], defaultdict(list)
    for offer in sorted(offers, key=lambda offer: offer.offered_at):
        earlier = made[offer.client_id]
        recent = [o for o in earlier if o.offered_at > offer.offered_at - window]
        declined = [o for o in earlier if o.outcome == Offer.Outcome.DECLINED and offer.offered_at < o.offered_at + wait]
        if len(recent) < most and not declined:
            earlier.append(offer)
            kept.append(offer)
    return kept
