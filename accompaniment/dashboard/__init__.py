"""The director's dashboard: every number it shows, each defined once, here.

A *period* (``period.py``) is a pair of club-local dates (both included), optionally a
department, and the period it is compared with. Each KPI is one function whose docstring is its
definition (``kpis.py``, ``series.py``, ``at_risk.py``, ``tables.py``; the README quotes them
through ``definitions.py``); the page (``views.py``), its CSV exports (``report.py``) and the
tests all call these functions. A department narrows each number as ``scope.py`` says;
``cache.py`` computes the whole page in a fixed number of queries and keeps it for
``DASHBOARD_CACHE_SECONDS``; ``closed.py`` keeps a closed period's figures until a backdated
write touches them.

The package re-exports what the other modules of the project read (Today's at-risk section,
``manage.py kpi_definitions``) and the tests call.
"""

from .at_risk import (
    AT_RISK_LIMIT,
    at_risk_client_sets,
    at_risk_reason_label,
    at_risk_summary,
)
from .cache import dashboard, dashboard_cached
from .closed import closed_values
from .definitions import DEFINED_BY, definitions_markdown
from .headline import KPIS, kpi_values, kpis
from .kpis import (
    active_members,
    feedback_counts,
    members_in_period,
    memberships_ended,
    memberships_expiring,
    new_clients_and_referrals,
    nps,
    offers,
    open_complaint_q,
    renewal_rate,
    retention,
    revenue,
    revenue_per_member,
    visits_per_member_per_week,
)
from .period import Period, add_months, month_end, preset_dates
from .series import (
    active_members_by_month,
    nps_by_month,
    renewal_rate_by_month,
    revenue_by_month,
    series,
)
from .tables import departments_table, managers_table, staff_quality_summary

__all__ = [
    "AT_RISK_LIMIT", "DEFINED_BY", "KPIS", "Period", "active_members", "active_members_by_month",
    "add_months", "at_risk_client_sets", "at_risk_reason_label", "at_risk_summary", "closed_values", "dashboard",
    "dashboard_cached", "definitions_markdown", "departments_table", "feedback_counts", "kpi_values",
    "kpis", "managers_table", "members_in_period", "memberships_ended", "memberships_expiring",
    "month_end", "new_clients_and_referrals", "nps", "nps_by_month", "offers", "open_complaint_q",
    "preset_dates", "renewal_rate", "renewal_rate_by_month", "retention", "revenue",
    "revenue_by_month", "revenue_per_member", "series", "staff_quality_summary",
    "visits_per_member_per_week",
]
