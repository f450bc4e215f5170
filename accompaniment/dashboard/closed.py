"""A closed period's headline figures, kept in the shared cache until a backdated write touches
them: computed once, then read back under the version of the period's months
(``clients.FiguresVersion``, bumped by database triggers on every write that lands on a day of
a month — whatever the door — and on writes whose reach no month bounds). The dashboard
computed anew (*Refresh*, the first look of the day) computes the current period and reads the
previous one from here: one query instead of a dozen while nothing back then has changed; the
monthly series (``series.py``) read their closed months from here the same way.
``DASHBOARD_CLOSED_CACHE_SECONDS`` bounds how long an entry lives (0: not kept)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from clients.models import FiguresVersion

from .period import Period

# Bump when what is kept changes shape, so that no process reads an older entry.
CLOSED_CACHE_VERSION = "2"


def closed_values(period: Period, compute: Callable[[Period], dict], kind: str = "kpis", keys: tuple = ()):
    """``compute(period)``, kept while the period is closed (it ended before today) and no write
    has touched its months since (nor the versions ``keys``, e.g. ``FiguresVersion.MANAGERS``).
    ``kind`` names what is kept (the headline's figures, the series' closed months, the
    managers' table's closed months), so that two kinds of one period never share an entry."""
    seconds = settings.DASHBOARD_CLOSED_CACHE_SECONDS
    if seconds <= 0 or period.end >= period.today:
        return compute(period)
    key = ":".join([
        "dashboard-closed", CLOSED_CACHE_VERSION, kind, period.start.isoformat(), period.end.isoformat(),
        period.department.code if period.department else "all", str(period.step_months or "-"),
        str(FiguresVersion.of(period.start, period.end, *keys)),
    ])
    values = cache.get(key)
    if values is None:
        values = compute(period)
        cache.set(key, values, seconds)
    return values


def closed_and_running(period: Period) -> tuple[Period | None, Period | None]:
    """``period`` cut in two at the first day of the current month: its closed months (or part
    of its first month) and the running month's days (either None when the period has none).
    Without the closed-period cache: the whole period as running."""
    first = period.today.replace(day=1)
    if settings.DASHBOARD_CLOSED_CACHE_SECONDS <= 0 or period.start >= first:
        return None, period
    if period.end < first:
        return period, None
    return (
        dataclasses.replace(period, end=first - datetime.timedelta(days=1), step_months=None),
        dataclasses.replace(period, start=first, step_months=None),
    )
