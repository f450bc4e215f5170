"""Everything the page shows for a period, computed in a fixed number of queries and kept in
the shared cache for ``DASHBOARD_CACHE_SECONDS``."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from core.parallel import side_by_side

from .at_risk import at_risk_summary
from .headline import kpis
from .period import Period
from .series import series
from .tables import departments_table, managers_table, staff_quality_summary


def dashboard_cached(period: Period, *, refresh: bool = False) -> dict:
    """``dashboard(period)``, kept in the shared cache (Redis in production) for
    ``DASHBOARD_CACHE_SECONDS`` so that opening the page again, switching tabs or exporting a
    table costs nothing and shows the very same figures; ``computed_at`` says when they were
    computed. ``refresh`` computes them anew (the page's *Refresh* button). 0 seconds: no cache."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = ":".join([
        "dashboard", DASHBOARD_CACHE_VERSION, period.start.isoformat(), period.end.isoformat(),
        period.department.code if period.department else "all", str(period.step_months or "-"),
        period.today.isoformat(),
    ])
    data = None if refresh or seconds <= 0 else cache.get(key)
    if data is None:
        data = {**dashboard(period), "computed_at": period.now}
        if seconds > 0:
            cache.set(key, data, seconds)
    return data


# Bump when what ``dashboard`` returns changes shape, so that no process reads an older entry.
DASHBOARD_CACHE_VERSION = "2"


def dashboard(period: Period) -> dict:
    """Everything the page shows for a period, in a fixed number of queries. The at-risk set
    and the managers' table (about a third of the statements' time) are computed beside the
    other figures, on a second connection where ``core.parallel`` can (PostgreSQL)."""

    def at_risk_and_managers():
        at_risk = at_risk_summary(period)
        return at_risk, managers_table(period, at_risk["by_manager"])

    data, (at_risk, managers) = side_by_side(
        lambda: {
            "period": period,
            "previous": period.previous(),
            "kpis": kpis(period),
            "series": series(period),
            "departments": departments_table(period),
            "staff": staff_quality_summary(period),
        },
        at_risk_and_managers,
    )
    return {**data, "managers": managers, "at_risk": at_risk}
