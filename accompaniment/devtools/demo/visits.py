"""The check-ins planned on each demo card, by the product's check-in rule: a visit counts
against the client's earliest card that runs that day, is not frozen and has a visit left
(``clients.rules.membership_state``, the Python twin of ``usable_for_check_in``), at most once
a day, never after now. Those inside the history window become Visit rows; earlier ones only
count in ``visits_used``."""

import datetime
import math

from .rows import Mix

VISIT_HOURS = Mix(((7, 10), (8, 10), (9, 10), (12, 7), (13, 7), (17, 14), (18, 14), (19, 14),
                   (20, 14), (21, 4)))


def first_usable(cards, day: datetime.date):
    """The card a check-in on ``day`` counts against (``visit_check_in``): the earliest-starting
    card of the client usable that day, as each stood then; None when none is."""
    usable = [card for card in cards if card.state_on(day) == "active"]
    return min(usable, key=lambda card: card.start) if usable else None


def plan_visits(history, life, card, lapsing: bool):
    """Check-ins on the card, oldest first; never beyond the visit limit, never on a frozen day,
    never after the cancellation, never later than now: each one only if the check-in rule
    counts it against this very card. The generator is advanced the same way whatever the time
    of day, so the same seed gives the same club all day long."""
    rng, today = history.rng, history.today
    last = min(card.end, today)
    if card.cancelled_on:
        last = min(last, card.cancelled_on - datetime.timedelta(days=1))
    if lapsing:  # at risk: no visit for the last weeks
        last = min(last, today - history.days(15, 35))
    if last < card.start:
        return
    limit = card.plan.visit_limit
    per_day = min(life.rate / 7, 0.95)
    earlier_days = (min(last, history.window_start - datetime.timedelta(days=1)) - card.start).days + 1
    card.visits_used = 0
    if earlier_days > 0:
        card.visits_used = round(earlier_days * per_day * rng.uniform(0.8, 1.2))
        if limit is not None:
            card.visits_used = min(card.visits_used, limit)
    day = max(card.start, history.window_start)
    log_miss = math.log(1 - per_day)
    latest = history.now - datetime.timedelta(minutes=20)
    while limit is None or card.visits_used < limit:
        # Days between visits are geometric: each day a visit with chance per_day.
        day += datetime.timedelta(days=int(math.log(1.0 - rng.random()) / log_miss))
        if day > last:
            break
        hour, minute, stay = VISIT_HOURS.draw(rng), rng.randrange(60), rng.randint(50, 130)
        checked_in = history.at(day, hour, minute)
        if checked_in <= latest and first_usable(life.cards, day) is card:
            checked_out = checked_in + datetime.timedelta(minutes=stay)
            card.visits.append((checked_in, checked_out if checked_out <= history.now else None))
            card.visits_used += 1
        day += datetime.timedelta(days=1)
