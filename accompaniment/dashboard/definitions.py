"""The definitions of the dashboard's numbers, as the README lists them: made from the
docstrings of the functions that compute them (``manage.py kpi_definitions``)."""

from __future__ import annotations

import inspect

from . import at_risk, kpis, tables
from .series import active_members_by_month, nps_by_month, renewal_rate_by_month, revenue_by_month

DEFINED_BY = [  # what the page shows, the function whose docstring defines it, its KPI keys
    ("Active members", kpis.active_members, ["active_members"]),
    ("New clients, referrals", kpis.new_clients_and_referrals, ["new_clients", "referrals"]),
    ("Memberships expiring within 14 and 30 days", kpis.memberships_expiring, ["expiring_14", "expiring_30"]),
    ("Renewal rate", kpis.renewal_rate, ["renewal_rate"]),
    ("Retention, churn", kpis.retention, ["retention", "churn"]),
    ("Members in the period", kpis.members_in_period, []),
    ("Visits per member per week", kpis.visits_per_member_per_week, ["visits_per_member_week"]),
    ("Revenue", kpis.revenue, ["revenue"]),
    ("Revenue per member", kpis.revenue_per_member, ["revenue_per_member"]),
    ("Offers, accepted, conversion", kpis.offers, ["offers_made", "offers_accepted", "offer_conversion"]),
    ("NPS", kpis.nps, ["nps"]),
    ("Complaints open, overdue; thanks", kpis.feedback_counts, ["complaints_open", "complaints_overdue", "thanks"]),
    ("Revenue by month (chart)", revenue_by_month, []),
    ("Active members by month (chart)", active_members_by_month, []),
    ("Renewal rate by month (chart)", renewal_rate_by_month, []),
    ("NPS by month (chart)", nps_by_month, []),
    ("Managers' table", tables.managers_table, []),
    ("Departments' table", tables.departments_table, []),
    ("Staff quality summary", tables.staff_quality_summary, []),
    ("At-risk clients: the reasons", at_risk.at_risk_client_sets, []),
    ("At-risk clients: the list", at_risk.at_risk_summary, []),
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
