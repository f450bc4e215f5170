"""What the front desk reads: who a search finds, one client at the counter, and the day
(who is booked, who has arrived)."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from clients import rules
from clients.models import Client, Visit
from clients.selectors import client_search_q, current_membership, memberships_for_card
from clients.services import check_in_refusal
from core.dates import day_bounds
from programs.selectors import sessions_of_the_day

SEARCH_ROWS = 12
DAY_ROWS = 60
# A card with this many visits left or fewer is worth a word at the desk.
FEW_VISITS_LEFT = 2


def desk_search(clients: QuerySet[Client], text: str) -> tuple[list[Client], Client | None]:
    """The clients ``text`` finds (a card number, a name, a phone however typed), and the one
    the desk opens at once: the holder of that card number, or the only one found."""
    text = (text or "").strip()
    if not text:
        return [], None
    holder = clients.filter(memberships__card_number__iexact=text).first()
    found = list(clients.filter(client_search_q(text)).order_by("last_name", "first_name", "id")[:SEARCH_ROWS])
    if holder is not None:
        return found, holder
    return found, found[0] if len(found) == 1 else None


def at_the_counter(client: Client, on: datetime.date | None = None) -> dict:
    """One client at the desk: their cards (each with its state today), the card a check-in
    counts against or why it would be refused, what is worth a word (expiring soon, few visits
    left), and when they checked in today."""
    on = on or timezone.localdate()
    memberships = memberships_for_card(client)
    start, end = day_bounds(on)
    card = rules.check_in_cards(client, on).select_related("plan").first()
    warnings = []
    if card is not None:
        if rules.is_expiring_soon(card.days_left(on)):
            warnings.append(("expiring", card))
        if card.visits_left is not None and card.visits_left <= FEW_VISITS_LEFT:
            warnings.append(("few_visits", card))
    return {
        "client": client,
        "memberships": memberships,
        "current": current_membership(memberships),
        "card": card,
        "refusal": None if card is not None else check_in_refusal(client, on),
        "warnings": warnings,
        "visits_today": list(client.visits.attended().filter(checked_in_at__gte=start, checked_in_at__lt=end)
                             .select_related("membership").order_by("checked_in_at")),
        "freezable": [m for m in memberships if m.state in ("active", "not_started") and m.freeze_days_left > 0],
    }


def the_day(clients: QuerySet[Client], on: datetime.date | None = None) -> dict:
    """Who is booked on ``on`` (today) among ``clients`` — each session with whether its client
    has arrived — and who has checked in, latest first."""
    on = on or timezone.localdate()
    start, end = day_bounds(on)
    arrived = Visit.objects.attended().filter(client=OuterRef("item__program__client"), checked_in_at__gte=start,
                                             checked_in_at__lt=end)
    return {
        "bookings": list(sessions_of_the_day(on, clients).annotate(arrived=Exists(arrived))[:DAY_ROWS]),
        "arrivals": list(
            Visit.objects.attended().filter(client__in=clients, checked_in_at__gte=start, checked_in_at__lt=end)
            .select_related("client", "membership__plan").order_by("-checked_in_at")[:DAY_ROWS]
        ),
    }
