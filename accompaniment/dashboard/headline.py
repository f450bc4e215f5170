"""The headline numbers: each KPI of the period beside the period it is compared with
(``Period.previous``: the same days of the previous month, quarter or year…) and the change."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .closed import closed_and_running, closed_values
from .kpis import (
    card_counts,
    feedback_counts,
    new_clients_and_referrals,
    nps,
    offers,
    percent,
    renewal_rate,
    retention,
    revenue,
    revenue_per_member,
    visits_per_member_per_week,
)
from .period import Period

# key, label, kind (how to show it), which way is better, one line for the page.
KPIS = [
    ("active_members", _("Active members"), "count", "up",
     _("Clients with a running, unfrozen membership at the end of the period (today while it runs).")),
    ("new_clients", _("New clients"), "count", "up", _("Clients added in the period.")),
    ("expiring_14", _("Expiring within 14 days"), "count", None,
     _("Running memberships that end within 14 days.")),
    ("expiring_30", _("Expiring within 30 days"), "count", None,
     _("Running memberships that end within 30 days.")),
    ("renewal_rate", _("Renewal rate"), "percent", "up",
     _("Memberships that ended in the period followed by a new one within 14 days.")),
    ("retention", _("Retention"), "percent", "up",
     _("Members at the period's start who are still members at its end.")),
    ("churn", _("Churn"), "percent", "down", _("100 % minus retention.")),
    ("visits_per_member_week", _("Visits per member per week"), "decimal", "up",
     _("Check-ins in the period ÷ members ÷ weeks.")),
    ("revenue", _("Revenue"), "money", "up", _("The sales ledger of the period, refunds deducted.")),
    ("revenue_per_member", _("Revenue per member"), "money", "up",
     _("Revenue ÷ clients with a membership running in the period.")),
    ("offers_made", _("Offers made"), "count", "up", _("Upsell offers made in the period.")),
    ("offers_accepted", _("Offers accepted"), "count", "up", _("Offers of the period the client accepted.")),
    ("offer_conversion", _("Offer conversion"), "percent", "up", _("Accepted ÷ made.")),
    ("nps", _("NPS"), "score", "up", _("% promoters (9–10) − % detractors (0–6) of survey answers.")),
    ("complaints_open", _("Open complaints"), "count", "down",
     _("Complaints not resolved at the end of the period.")),
    ("complaints_overdue", _("Overdue complaints"), "count", "down",
     _("Open complaints past the response deadline (48 hours by default).")),
    ("thanks", pgettext_lazy("how many", "Thanks"), "count", "up", _("Thanks received in the period.")),
    ("referrals", _("Referrals"), "count", "up", _("New clients referred by another client.")),
]

def _renewal_rate(period: Period) -> dict:
    """``renewal_rate`` of a period that runs into the current month, the counts of its closed
    months read from the closed-period cache (``closed.py``: a card's write bumps the months it
    touches, a renewal the months of the cards it renews) and only the running month's computed
    anew: ended and renewed are counts of cards by their end date, so the two parts add up."""
    closed, running = closed_and_running(period)
    if closed is None or running is None:  # a closed period is kept whole by its caller
        return renewal_rate(period)
    parts = [closed_values(closed, renewal_rate, kind="renewals"), renewal_rate(running)]
    ended, renewed = (sum(part[name] for part in parts) for name in ("ended", "renewed"))
    return {"ended": ended, "renewed": renewed, "rate": percent(renewed, ended)}


def kpi_values(period: Period) -> dict:
    """Every headline number of one period, keyed as in KPIS (about a dozen queries)."""
    cards = card_counts(period)
    members = cards["members"]
    revenue_total = revenue(period)
    renewals = _renewal_rate(period)
    kept = retention(period)
    offered = offers(period)
    growth = new_clients_and_referrals(period)
    feedback = feedback_counts(period)
    return {
        "active_members": cards["active"],
        "new_clients": growth["new_clients"],
        "expiring_14": cards["expiring_14"],
        "expiring_30": cards["expiring_30"],
        "renewal_rate": renewals["rate"],
        "retention": kept["retention"],
        "churn": kept["churn"],
        "visits_per_member_week": visits_per_member_per_week(period, members=members),
        "revenue": revenue_total,
        "revenue_per_member": revenue_per_member(period, revenue_total=revenue_total, members=members),
        "offers_made": offered["made"],
        "offers_accepted": offered["accepted"],
        "offer_conversion": offered["conversion"],
        "nps": nps(period)["score"],
        "complaints_open": feedback["complaints_open"],
        "complaints_overdue": feedback["complaints_overdue"],
        "thanks": feedback["thanks"],
        "referrals": growth["referrals"],
    }


def kpis(period: Period) -> list[dict]:
    """The headline KPIs with the period they are compared with beside each (``Period.previous``:
    the same days of the previous month, quarter or year…; a closed one read from the cache until
    a backdated write touches it: ``closed.py``) and the change (in points for percentages and
    NPS, otherwise absolute and in %)."""
    current, previous = kpi_values(period), closed_values(period.previous(), kpi_values)
    rows = []
    for key, label, kind, better, help_text in KPIS:
        value, before = current[key], previous[key]
        change = None if value is None or before is None else value - before
        change_percent = None
        if change is not None and kind not in ("percent", "score") and before:
            change_percent = (Decimal(change) * 100 / abs(Decimal(before))).quantize(
                Decimal("0.1"), ROUND_HALF_UP
            )
        trend = None
        if change and better:
            trend = "good" if (change > 0) == (better == "up") else "bad"
        rows.append({
            "key": key, "label": label, "kind": kind, "help": help_text, "value": value,
            "previous": before, "change": change, "change_percent": change_percent, "trend": trend,
        })
    return rows
