"""One chunk of the bench's clients with their history, written with bulk inserts through the
product's own pieces where it has them, so that the measured pages read data that keeps the
product's rules:

- each card's row in the ledger is ``sales.services.membership_sale_row``'s (the plan's
  department, the card's number); a freeze moves the card's end date;
- visits are check-ins the rule allows: at most one a day, on days the card runs and is not
  frozen, never past its visit limit, counted in ``visits_used``;
- service and product rows outside an offer are entered by the director (``sale_record``);
- feedback is relayed only to a staff member and never later than now; a detractor's survey
  answer becomes a complaint (``staff.services.detractor_complaint``).
"""

import datetime
from decimal import Decimal

from clients import rules
from clients.models import Client, Freeze, Interaction, Membership, Task, Visit
from sales.models import Offer, Sale
from sales.services import membership_sale_row
from staff.models import Feedback, SurveyResponse
from staff.services import detractor_complaint

FIRST_NAMES = ["Olena", "Iryna", "Oksana", "Natalia", "Tetiana", "Yulia", "Kateryna", "Mariia",
               "Oleksandr", "Andrii", "Dmytro", "Serhii", "Volodymyr", "Ihor", "Taras", "Yurii"]
LAST_NAMES = ["Kovalenko", "Bondarenko", "Tkachenko", "Shevchenko", "Kravchenko", "Melnyk",
              "Boyko", "Koval", "Oliinyk", "Shevchuk", "Polishchuk", "Lysenko", "Marchenko",
              "Savchenko", "Rudenko", "Moroz", "Pavlenko", "Petrenko", "Kravets", "Honchar"]
EMAIL_DOMAIN = "bench.club"  # marks the bench's clients
FREEZE_DAYS = 8  # a business trip: from 3 days ago to 4 days ahead
VISITS_FLUSH = 20_000


def write_chunk(club, indices: range) -> None:
    clients = write_clients(club, indices)
    write_memberships(club, clients)
    write_purchases(club, clients)
    write_relationship(club, clients)


# The bench clients' phones: no 091 number is in the import samples, whose floor inserts every row.
PHONE_PREFIX = "+38091"


def write_clients(club, indices: range) -> list[Client]:
    rng, today = club.rng, club.today
    clients = []
    for i in indices:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        created = club.moment(today - datetime.timedelta(days=rng.randint(0, 3 * 365)))
        clients.append(Client(
            first_name=first, last_name=last, phone=f"{PHONE_PREFIX}{i:07d}", email=f"bench{i}@{EMAIL_DOMAIN}",
            birth_date=datetime.date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28)),
            gender=rng.choice("fm"), source=rng.choice([s for s, _ in Client.Source.choices]),
            assigned_manager=club.manager_for(i), consent_email=rng.random() < 0.8,
            consent_sms=rng.random() < 0.5, created_at=created,
            referred_by_id=rng.choice(club.referrers) if club.referrers and rng.random() < 0.08 else None,
        ))
    clients = club.add("clients", Client, clients)
    if not club.referrers:
        club.referrers = [c.pk for c in clients]
    return clients


def write_memberships(club, clients: list[Client]) -> None:
    """Each client's card (and, for some, an earlier one), a freeze for a few running ones, the
    visits checked in on each, and each card's row in the ledger."""
    rng, today = club.rng, club.today
    memberships, by_client = [], {}
    for client in clients:
        plan = rng.choice(club.plans)
        bucket = rng.random()
        if bucket < 0.15:
            end = today - datetime.timedelta(days=rng.randint(1, 300))
        elif bucket < 0.25:
            end = today + datetime.timedelta(days=rng.randint(0, 30))
        else:
            end = today + datetime.timedelta(days=rng.randint(31, plan.duration_days + 30))
        start = end - datetime.timedelta(days=plan.duration_days - 1)
        cancelled = rng.random() < 0.02
        cards = [Membership(
            client_id=client.pk, plan=plan, card_number=f"BN{client.pk:08d}A", start_date=start, end_date=end,
            visit_limit=plan.visit_limit, visits_used=0, price=plan.price,
            sold_by=client.assigned_manager, created_by=client.assigned_manager,
            created_at=club.moment(min(start, today)),
            status=Membership.Status.CANCELLED if cancelled else Membership.Status.ACTIVE,
            cancelled_on=start if cancelled else None, cancel_reason="Moved away" if cancelled else "",
        )]
        if rng.random() < 0.2:  # an earlier card: renewed within 14 days or after a gap
            previous_end = start - datetime.timedelta(days=rng.choice((1, 1, 3, 7, 14, 15, 30, 60)))
            previous_start = previous_end - datetime.timedelta(days=plan.duration_days - 1)
            cards.insert(0, Membership(
                client_id=client.pk, plan=plan, card_number=f"BN{client.pk:08d}B", start_date=previous_start,
                end_date=previous_end, visit_limit=plan.visit_limit, visits_used=0, price=plan.price,
                sold_by=client.assigned_manager, created_by=client.assigned_manager,
                created_at=club.moment(previous_start),
            ))
        for card in cards:
            card.freezes_planned = []
            if rules.is_running(card, today) and rng.random() < 0.03:
                freeze = Freeze(start_date=today - datetime.timedelta(days=3),
                                end_date=today + datetime.timedelta(days=FREEZE_DAYS - 4), reason="Business trip")
                card.freezes_planned.append(freeze)
                card.end_date += datetime.timedelta(days=FREEZE_DAYS)  # a freeze moves the end date
        plan_visits(club, cards)
        memberships += cards
        by_client[client.pk] = cards
    club.add("memberships", Membership, memberships)

    freezes, sales, visits = [], [], []
    for card in memberships:
        for freeze in card.freezes_planned:
            freeze.membership_id = card.pk
            freezes.append(freeze)
        sold = club.moment(min(card.start_date, today), 11)
        sale = membership_sale_row(
            membership=card, seller=card.sold_by, user=card.sold_by, unit_price=card.price,
            department=club.plan_departments[card.plan_id], sold_at=sold,
        )
        sale.created_at = sold
        sales.append(sale)
        visits += [Visit(client_id=card.client_id, membership_id=card.pk, checked_in_at=moment)
                   for moment in card.visits_planned]
        if len(visits) >= VISITS_FLUSH:
            club.add("visits", Visit, visits)
            visits = []
    club.add("freezes", Freeze, freezes)
    club.add("sales", Sale, sales)
    club.add("visits", Visit, visits)


def plan_visits(club, cards: list[Membership]) -> None:
    """A client's check-ins on their cards: at most one a day, at the client's own pace (0.7 to
    3 visits a week, spread over the days the cards ran; a card with a visit limit stops at it:
    about 1,000,000 visits for 50,000 clients), each on a day the check-in rule allows
    (``clients.rules.membership_state``: running, not frozen, a visit left), counted in
    ``visits_used``."""
    rng, today = club.rng, club.today
    for card in cards:
        card.visits_planned = []
    running = [(card, (min(card.end_date, today) - card.start_date).days + 1) for card in cards
               if card.status == Membership.Status.ACTIVE]
    running = [(card, days) for card, days in running if days > 0]
    if not running:
        return
    lapsed = rng.random() < 0.1
    pace = rng.uniform(0.095, 0.43)
    for card, days in running:
        for offset in sorted(rng.sample(range(days), min(days, round(days * pace)))):
            day = card.start_date + datetime.timedelta(days=offset)
            if lapsed and day > today - datetime.timedelta(days=20):
                continue
            if rules.membership_state(card, day, freezes=card.freezes_planned) == "active":
                card.visits_planned.append(club.moment(day))
                card.visits_used += 1


def write_purchases(club, clients: list[Client]) -> None:
    """Services and products bought outside an offer, and refunds: rows the director enters."""
    rng, today = club.rng, club.today
    sales = []
    for client in clients:
        for _ in range(rng.randint(1, 5)):
            when = club.moment(today - datetime.timedelta(days=rng.randint(0, 364)))
            roll = rng.random()
            if roll < 0.65:
                item, kind, quantity = rng.choice(club.services), Sale.Kind.SERVICE, 1
                discount = Decimal(50) if rng.random() < 0.1 else Decimal(0)
                seller_id = client.assigned_manager_id
            elif roll < 0.98:
                item, kind, quantity = rng.choice(club.products), Sale.Kind.PRODUCT, rng.randint(1, 3)
                discount, seller_id = Decimal(0), client.assigned_manager_id
            else:
                item, kind, quantity = rng.choice(club.services), Sale.Kind.REFUND, 1
                discount, seller_id = Decimal(0), None
            sales.append(Sale(
                client_id=client.pk, department_id=item.department_id, kind=kind,
                service=item if kind != Sale.Kind.PRODUCT else None, product=item if kind == Sale.Kind.PRODUCT else None,
                unit_price=item.price, quantity=quantity, discount=discount, seller_id=seller_id,
                amount=Sale.compute_amount(kind=kind, quantity=quantity, unit_price=item.price, discount=discount),
                sold_at=when, created_at=when, created_by=club.director, note="Refund" if kind == Sale.Kind.REFUND else "",
            ))
    club.add("sales", Sale, sales)


def write_relationship(club, clients: list[Client]) -> None:
    """Intro visits, a few tasks, offers (one per client: within any upsell policy), feedback
    and survey answers; a detractor's answer is a complaint."""
    rng, today = club.rng, club.today
    interactions, tasks, offers, feedback, surveys = [], [], [], [], []
    now = club.now
    for client in clients:
        manager_id = client.assigned_manager_id
        when = max(client.created_at, now - datetime.timedelta(days=400))
        interactions.append(Interaction(client_id=client.pk, manager_id=manager_id, kind=Interaction.Kind.INTRO_VISIT,
                                        direction="in", occurred_at=when, created_at=when,
                                        summary="Intro visit: tour of the club, goals discussed"))
        if rng.random() < 0.02 and manager_id:
            tasks.append(Task(client_id=client.pk, assigned_to_id=manager_id, title="Call about the program",
                              due_date=today - datetime.timedelta(days=rng.randint(0, 3))))
        if rng.random() < 0.2:
            when = now - datetime.timedelta(hours=rng.randint(1, 365 * 24))
            item = rng.random()
            offers.append(Offer(
                client_id=client.pk, manager_id=manager_id, offered_at=when, created_at=when,
                service=rng.choice(club.services) if item < 0.5 else None,
                product=rng.choice(club.products) if 0.5 <= item < 0.8 else None,
                plan=rng.choice(club.plans) if item >= 0.8 else None,
                outcome=rng.choice(["accepted", "declined", "pending", "postponed", "accepted"]),
            ))
        if rng.random() < 0.06:
            when = now - datetime.timedelta(hours=rng.randint(2, 365 * 24))
            kind = rng.choice(["complaint", "thanks", "thanks", "suggestion"])
            status = rng.choice(["new", "relayed", "resolved"] if kind == "complaint" else ["new", "relayed"])
            feedback.append(Feedback(
                client_id=client.pk, staff_member=rng.choice(club.specialists), kind=kind,
                rating={"complaint": rng.randint(1, 3), "thanks": 5}.get(kind, 4), text="Bench feedback",
                received_at=when, created_at=when, status=status,
                relayed_at=min(when + datetime.timedelta(hours=3), now) if status != "new" else None,
                resolution="Apologised" if status == "resolved" else "",
                resolved_at=min(when + datetime.timedelta(hours=30), now) if status == "resolved" else None,
            ))
        if rng.random() < 0.1:
            when = now - datetime.timedelta(hours=rng.randint(1, 365 * 24))
            surveys.append(SurveyResponse(client_id=client.pk, staff_member=rng.choice(club.specialists),
                                          score=rng.choice([10, 10, 9, 9, 8, 7, 6, 3]), answered_at=when,
                                          created_at=when))
    for answer in surveys:
        complaint = detractor_complaint(answer)
        if complaint is not None:
            complaint.created_at = answer.answered_at
            feedback.append(complaint)
    club.add("interactions", Interaction, interactions)
    club.add("tasks", Task, tasks)
    club.add("offers", Offer, offers)
    club.add("feedback", Feedback, feedback)
    club.add("survey answers", SurveyResponse, surveys)
