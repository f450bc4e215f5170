"""The at-risk clients: the reasons (one rule for the dashboard, the managers' Today and their
morning digest) and the list, most urgent first, in two statements."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clients import rules
from clients.models import Client, ClientLastVisit
from clients.selectors import current_membership_subquery, last_visit_subquery
from staff import nps as nps_rules
from staff.models import Feedback, SurveyResponse

from .kpis import open_complaint_q
from .period import Period
from .scope import client_scope

LOW_NPS_DAYS = 90
AT_RISK_EXPIRY_DAYS = 14
AT_RISK_LIMIT = 50


def at_risk_client_sets(period: Period) -> dict[str, QuerySet]:
    """Why a client is at risk, as of the period's end (today while it runs); a client with at
    least one reason (and, with a department, of that department) is at risk. The dashboard, the
    managers' Today and their morning digest show this one rule:

    - lapsed: a running, unfrozen membership that started at least 14 days ago and no visit in
      the last 14 days (``clients.rules.lapsed_q``, the lapsed-client task's rule);
    - expiring: a running membership ending within 14 days, not renewed
      (``clients.rules.expiring_unrenewed``);
    - open_complaint: a complaint received and not resolved by then;
    - low_nps: a detractor's survey answer (0–6, ``staff.nps``) in the 90 days before then.

    Each reason is the set of its clients' ids, an uncorrelated subquery: the database builds
    each set once rather than probing every client."""
    on, moment = period.as_of, period.moment
    return {
        "lapsed": rules.lapsed_client_ids(on),
        "expiring": rules.expiring_unrenewed(on, AT_RISK_EXPIRY_DAYS).values("client_id"),
        "open_complaint": Feedback.objects.filter(open_complaint_q(moment), client__isnull=False)
        .values("client_id"),
        "low_nps": SurveyResponse.objects.filter(
            nps_rules.detractor_q(),
            client__isnull=False,
            answered_at__gt=moment - datetime.timedelta(days=LOW_NPS_DAYS),
            answered_at__lte=moment,
        ).values("client_id"),
    }


def at_risk_reason_label(name: str) -> str:
    """How the pages and their CSV name a reason of ``at_risk_client_sets``."""
    if name == "lapsed":
        return ngettext(
            "Lapsed: no visit for %(days)d day", "Lapsed: no visit for %(days)d days", rules.LAPSED_DAYS
        ) % {"days": rules.LAPSED_DAYS}
    return str({
        "expiring": _("Expiring without renewal"),
        "open_complaint": _("Open complaint"),
        "low_nps": _("Low survey score"),
    }[name])


def _compiled(queryset: QuerySet) -> tuple[str, list]:
    """The SQL and parameters the ORM would run for ``queryset`` (to compose a statement)."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, list(params)


def _at_risk_cte(period: Period, clients: QuerySet[Client] | None = None) -> tuple[str, list]:
    """``risk``: one row per at-risk client of the department (``at_risk_client_sets``), and of
    ``clients`` when given, with a 0/1 column per reason. Each reason's set is computed once, as a
    subquery of a UNION ALL, already narrowed to the department's and ``clients``' ids: a
    manager's 5,000 clients are looked up by their index instead of every reason being computed
    for the whole club and filtered afterwards."""
    names = list(AT_RISK_REASON_NAMES)
    scopes = []
    if period.department is not None:
        scopes.append(Client.objects.filter(client_scope(period.department)))
    if clients is not None:
        scopes.append(clients)
    parts, params = [], []
    narrowed, narrowed_params = _narrowed_to(scopes)  # the same condition in every set
    for name, ids in at_risk_client_sets(period).items():
        if narrowed is None:  # not PostgreSQL: a plain IN (subquery) in each set
            for queryset in scopes:
                ids = ids.filter(client_id__in=queryset.order_by().values("pk"))
        sql, part_params = _compiled(ids.order_by())
        flags = ", ".join(f"{int(other == name)} AS {other}" for other in names)
        parts.append(f"SELECT s.client_id, {flags} FROM ({sql}) s{narrowed or ''}")
        params += part_params + narrowed_params
    maxima = ", ".join(f"MAX({name}) AS {name}" for name in names)
    union = " UNION ALL ".join(parts)
    return f"risk AS (SELECT r.client_id, {maxima} FROM ({union}) r GROUP BY r.client_id)", params


def _narrowed_to(scopes: list[QuerySet[Client]]) -> tuple[str | None, list]:
    """On PostgreSQL, a reason's set narrowed to the clients of ``scopes`` (a manager's, a
    department's) by ``client_id = ANY(ARRAY(their ids))``: the ids are read once (by the
    managers' index alone) and each set's rows are found by the client's index — for a manager's
    5,000 clients, half the time of the semi-join PostgreSQL chooses for ``IN (subquery)``, which
    reads every running card of the club and hashes the manager's clients. None elsewhere."""
    if connection.vendor != "postgresql":
        return None, []
    conditions, params = [], []
    for queryset in scopes:
        sql, scope_params = _compiled(queryset.order_by().values("pk"))
        conditions.append(f"s.client_id = ANY(ARRAY({sql}))")
        params += scope_params
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params


# The order of the reasons: the most urgent first.
AT_RISK_REASON_NAMES = ("open_complaint", "low_nps", "expiring", "lapsed")
# … and as ``at_risk_client_sets`` defines them and the pages list them.
AT_RISK_REASONS_SHOWN = ("lapsed", "expiring", "open_complaint", "low_nps")


def at_risk_summary(period: Period, limit: int = AT_RISK_LIMIT, clients: QuerySet[Client] | None = None,
                    by_manager: bool = True) -> dict:
    """The at-risk clients (see ``at_risk_client_sets``; only those among ``clients`` when given)
    in two queries: the ``limit`` most urgent (an open complaint and a low score before an
    expiring card and a lapse; within the same reasons, the longest without a visit,
    never-visited first), the total, and the count per assigned manager (``by_manager``:
    {user id or None: n}).

    One statement computes the reasons' sets once and reads them twice (top rows and counts per
    manager, UNION ALL); a second loads the shown clients with their manager, last visit and
    membership end. Python only reorders those ``limit`` rows."""
    # ``by_manager=False`` leaves the counts per manager out (``by_manager`` is then empty): a
    # manager's Today has no use for them, and they join every at-risk client to the clients.
    names = AT_RISK_REASON_NAMES
    cte, params = _at_risk_cte(period, clients)
    flags = ", ".join(f"risk.{name}" for name in names)
    zeros = ", ".join("0" for _name in names)
    urgency = ", ".join(f"risk.{name} DESC" for name in names)
    last_visit = ClientLastVisit._meta.db_table
    sql = (
        f"WITH {cte} "
        f"SELECT * FROM (SELECT 0 AS part, risk.client_id, {flags}, CAST(NULL AS BIGINT) AS manager_id, "
        f"COUNT(*) OVER () AS n FROM risk LEFT OUTER JOIN {last_visit} lv ON lv.client_id = risk.client_id "
        f"ORDER BY {urgency}, lv.checked_in_at ASC NULLS FIRST, "
        f"risk.client_id LIMIT %s) top_rows"
    )
    if by_manager:
        sql += (
            f" UNION ALL "
            f"SELECT 1 AS part, CAST(NULL AS BIGINT), {zeros}, c.assigned_manager_id, COUNT(*) FROM risk "
            f"INNER JOIN {Client._meta.db_table} c ON c.id = risk.client_id GROUP BY c.assigned_manager_id"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    top = [row for row in rows if row[0] == 0]
    counts = {row[2 + len(names)]: row[3 + len(names)] for row in rows if row[0] == 1}
    reasons = {}
    for row in top:  # at most ``limit`` rows; reasons listed in their definition's order
        flags = dict(zip(names, row[2:2 + len(names)]))
        reasons[row[1]] = [name for name in AT_RISK_REASONS_SHOWN if flags[name]]
    clients = {}
    if reasons:
        clients = Client.objects.filter(pk__in=list(reasons)).select_related("assigned_manager").annotate(
            last_visit=last_visit_subquery(),
            membership_end=current_membership_subquery("end_date", period.as_of),
        ).in_bulk()
    ordered = []
    for pk, client_reasons in reasons.items():  # at most ``limit`` rows, in the database's order
        client = clients[pk]
        client.reasons = client_reasons
        ordered.append(client)
    return {"rows": ordered, "total": top[0][-1] if top else 0, "by_manager": counts}
