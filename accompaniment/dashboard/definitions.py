"""The definitions of the dashboard's numbers, as the README lists them: made from the
docstrings of the functions that compute them (``manage.py kpi_definitions``)."""

from __future__ import annotations

import inspect

from .at_risk import at_risk_client_sets, at_risk_summary
from .kpis import (
    active_members,
    feedback_counts,
    members_in_period,
    memberships_expiring,
    new_clients_and_referrals,
    nps,
    offers,
    renewal_rate,
    retention,
    revenue,
    revenue_per_member,
    visits_per_member_per_week,
)
from .series import active_members_by_month, nps_by_month, renewal_rate_by_month, revenue_by_month
from .tables import departments_table, managers_table, staff_quality_summary

DEFINED_BY = [  # what the page shows, the function whose docstring defines it, its KPI keys
    ("Active members", active_members, ["active_members"]),
    ("New clients, referrals", new_clients_and_referrals, ["new_clients", "referrals"]),
    ("Memberships expiring within 14 and 30 days", memberships_expiring, ["expiring_14", "expiring_30"]),
    ("Renewal rate", renewal_rate, ["renewal_rate"]),
    ("Retention, churn", retention, ["retention", "churn"]),
    ("Members in the period", members_in_period, []),
    ("Visits per member per week", visits_per_member_per_week, ["visits_per_member_week"]),
    ("Revenue", revenue, ["revenue"]),
    ("Revenue per member", revenue_per_member, ["revenue_per_member"]),
    ("Offers, accepted, conversion", offers, ["offers_made", "offers_accepted", "offer_conversion"]),
    ("NPS", nps, ["nps"]),
    ("Complaints open, overdue; thanks", feedback_counts, ["complaints_open", "complaints_overdue", "thanks"]),
    ("Revenue by month (chart)", revenue_by_month, []),
    ("Active members by month (chart)", active_members_by_month, []),
    ("Renewal rate by month (chart)", renewal_rate_by_month, []),
    ("NPS by month (chart)", nps_by_month, []),
    ("Managers' table", managers_table, []),
    ("Departments' table", departments_table, []),
    ("Staff quality summary", staff_quality_summary, []),
    ("At-risk clients: the reasons", at_risk_client_sets, []),
    ("At-risk clients: the list", at_risk_summary, []),
]


def definitions_markdown() -> str:
    """The README's list of definitions, made from the docstrings above (``manage.py
    kpi_definitions``); a test checks that the README holds exactly this text."""
    lines = []
    for label, function, _keys in DEFINED_BY:
        text = inspect.cleandoc(function.__doc__).replace("``", "`")
        paragraphs = [" ".join(part.split()) for part in text.split("\n\n")]
        first, *rest = paragraphs
        lines.append(f"- **{label}** (`{function.__name__}`): {first}")
        for paragraph in rest:
            if paragraph.startswith("- "):  # a list inside the docstring
                for item in paragraph.split(" - "):
                    lines.append(f"  - {item.removeprefix('- ')}")
            else:
                lines.append(f"  {paragraph}")
    return "\n".join(lines) + "\n"
