"""A closed period's headline figures, kept in the shared cache until a backdated write touches
them: computed once, then read back under the version of the period's months
(``clients.FiguresVersion``, bumped by database triggers on every write that lands on a day of
a month — whatever the door — and on writes whose reach no month bounds). The dashboard
computed anew (*Refresh*, the first look of the day) computes the current period and reads the
previous one from here: one query instead of a dozen while nothing back then has changed.
``DASHBOARD_CLOSED_CACHE_SECONDS`` bounds how long an entry lives (0: not kept)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from clients.models import FiguresVersion

from .period import Period

# Bump when what is kept changes shape, so that no process reads an older entry.
CLOSED_CACHE_VERSION = "1"


def closed_values(period: Period, compute: Callable[[Period], dict]) -> dict:
    """``compute(period)``, kept while the period is closed (it ended before today) and no write
    has touched its months since."""
    seconds = settings.DASHBOARD_CLOSED_CACHE_SECONDS
    if seconds <= 0 or period.end >= period.today:
        return compute(period)
    key = ":".join([
        "dashboard-closed", CLOSED_CACHE_VERSION, period.start.isoformat(), period.end.isoformat(),
        period.department.code if period.department else "all", str(period.step_months or "-"),
        str(FiguresVersion.of(period.start, period.end)),
    ])
    values = cache.get(key)
    if values is None:
        values = compute(period)
        cache.set(key, values, seconds)
    return values
