"""The dashboard and Today read side by side (``core.parallel``: on PostgreSQL, outside a
transaction, the at-risk set and a few sections on a second connection) show exactly what they
show read one after another, in as many statements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompaniment import dashboard as d
from accompaniment.selectors import today_agenda
from accompaniment.tests.dashboard.test_kpis_and_page import club, october  # noqa: F401 (the fixture)
from clients.tests import factories as cf
from core import roles
from core.parallel import can_run_side_by_side
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a second connection: PostgreSQL only"),
]
DAY = datetime.timedelta(days=1)
MANAGER_FIGURES = ("clients", "at_risk", "renewals_due", "ended", "renewed", "offers_made", "offers_accepted",
                   "revenue", "complaints_open", "complaints_resolved")


def both_ways(settings, compute):
    """``compute()`` read side by side, then one after another: (results, statements) of each
    (after a first call, which reads the user's roles once for the rest)."""
    compute()
    results = []
    for reads in (2, 1):
        settings.PARALLEL_READS = reads
        assert can_run_side_by_side() == (reads == 2)
        with CaptureQueriesContext(connection) as captured:
            results.append((compute(), len(captured)))
    return results


def shown(data: dict) -> dict:
    """What the page shows of ``dashboard``'s data, as plain values."""
    return {
        "kpis": [(row["key"], row["value"], row["previous"], row["change"]) for row in data["kpis"]],
        "series": data["series"],
        "managers": [(m.pk, *(getattr(m, name) for name in MANAGER_FIGURES)) for m in data["managers"]],
        "departments": [(x.pk, x.turnover, x.consumables, x.salaries, x.profit) for x in data["departments"]],
        "staff": {name: [m.pk for m in rows] for name, rows in data["staff"].items()},
        "at_risk": ([(c.pk, c.reasons) for c in data["at_risk"]["rows"]], data["at_risk"]["total"],
                    data["at_risk"]["by_manager"]),
    }


def test_the_dashboard_side_by_side_is_the_dashboard_one_after_another(settings, club):  # noqa: F811
    (parallel, statements), (serial, statements_serial) = both_ways(settings, lambda: shown(d.dashboard(october())))
    assert parallel == serial
    assert statements == statements_serial
    assert parallel["at_risk"][1] > 0 and any(m[2] for m in parallel["managers"])  # there was something to show


def test_today_side_by_side_is_today_one_after_another(settings, make_user):
    today = timezone.localdate()
    manager = make_user(roles.MANAGER, username="olena")
    lapsed = cf.ClientFactory(first_name="Lapsed", assigned_manager=manager)
    cf.MembershipFactory(client=lapsed, start_date=today - 40 * DAY, end_date=today + 60 * DAY)
    expiring = cf.ClientFactory(first_name="Expiring", assigned_manager=manager)
    cf.MembershipFactory(client=expiring, start_date=today - 26 * DAY, end_date=today + 3 * DAY)
    unhappy = cf.ClientFactory(first_name="Unhappy", assigned_manager=manager)
    stf.FeedbackFactory(client=unhappy, kind=Feedback.Kind.COMPLAINT, rating=1)
    cf.ClientFactory(first_name="Someone else's", assigned_manager=make_user(roles.MANAGER, username="taras"))

    def agenda():
        sections = today_agenda(manager, today)
        return {
            name: ([row.pk for row in section["rows"]], section["count"],
                   [getattr(row, "contacted", None) for row in section["rows"]])
            for name, section in sections.items() if isinstance(section, dict) and "rows" in section
        }

    (parallel, statements), (serial, statements_serial) = both_ways(settings, agenda)
    assert parallel == serial
    assert statements == statements_serial
    assert (parallel["at_risk"][1], parallel["expiring"][1], parallel["complaints"][1]) == (3, 1, 1)
