"""The clients' rollups (``core.rollups``): visits per club-local day and plan
(``DailyVisits``) and each client's last visit (``ClientLastVisit``), kept by triggers on the
visits (and on a card whose plan changes), so that every door — check-in, the admin site, the
import, erasure, a deleted or backdated visit, a bulk insert — keeps them equal to the raw rows.
Both count the visits the client came to (``Visit.Kind.ATTENDED``): a late cancel or a no-show
that used up a visit counts against the card, not as a visit here. And the clients each manager
holds (``ClientsPerManager``), kept by triggers on the clients."""

from clients.models import FiguresVersion
from clients.rules import RENEWAL_WINDOW_DAYS
from core.rollups import EVERYTHING, FIGURES, Dialect, Rollup, bump, dated_follower, follow, register

VISIT, MEMBERSHIP, CLIENT = "clients_visit", "clients_membership", "clients_client"
# Only visits the client came to count (a late cancel or no-show that used a visit does not).
ATTENDED = "'attended'"
DAILY, LAST, PER_MANAGER = "clients_dailyvisits", "clients_clientlastvisit", "clients_clientspermanager"


def _daily_add(d: Dialect, row: str, sign: str) -> str:
    """Add ``sign`` 1 to the day and plan of the visit ``row`` (NEW or OLD), if on a card."""
    return (
        f"INSERT INTO {DAILY} (day, plan_id, visits) SELECT {d.day(f'{row}.checked_in_at')}, m.plan_id, {sign}1 "
        f"FROM {MEMBERSHIP} m WHERE m.id = {row}.membership_id AND {row}.kind = {ATTENDED} "
        f"{d.adding(DAILY, ('day', 'plan_id'), ('visits',))}"
    )


def _daily_tidy(d: Dialect, row: str) -> str:
    return f"DELETE FROM {DAILY} WHERE day = {d.day(f'{row}.checked_in_at')} AND visits = 0"


def _last_recompute(row: str) -> list[str]:
    return [
        f"DELETE FROM {LAST} WHERE client_id = {row}.client_id",
        f"INSERT INTO {LAST} (client_id, checked_in_at) SELECT client_id, MAX(checked_in_at) FROM {VISIT} "
        f"WHERE client_id = {row}.client_id AND kind = {ATTENDED} GROUP BY client_id",
    ]


def _last_add(d: Dialect) -> str:
    return (
        f"INSERT INTO {LAST} (client_id, checked_in_at) SELECT NEW.client_id, NEW.checked_in_at "
        f"WHERE NEW.kind = {ATTENDED} ON CONFLICT (client_id) DO UPDATE SET checked_in_at = "
        f"{d.greatest(f'{LAST}.checked_in_at', 'excluded.checked_in_at')}"
    )


def visit_triggers(d: Dialect) -> list[str]:
    removed = [_daily_add(d, "OLD", "-"), _daily_tidy(d, "OLD"), *_last_recompute("OLD")]
    added = [_daily_add(d, "NEW", ""), _last_add(d)]
    return d.trigger("clients_visit_rollups", VISIT, {
        "INSERT": added, "UPDATE": [*removed, *_last_recompute("NEW"), _daily_add(d, "NEW", "")], "DELETE": removed,
    })


def membership_triggers(d: Dialect) -> list[str]:
    """A card moved to another plan moves its visits' counts with it."""
    def move(plan: str, sign: str) -> str:
        return (
            f"INSERT INTO {DAILY} (day, plan_id, visits) SELECT {d.day('v.checked_in_at')}, {plan}, {sign}COUNT(*) "
            f"FROM {VISIT} v WHERE v.membership_id = NEW.id AND v.kind = {ATTENDED} GROUP BY 1 "
            f"{d.adding(DAILY, ('day', 'plan_id'), ('visits',))}"
        )
    return d.trigger(
        "clients_membership_rollups", MEMBERSHIP,
        {"UPDATE": [move("OLD.plan_id", "-"), move("NEW.plan_id", ""), f"DELETE FROM {DAILY} WHERE visits = 0"]},
        of="plan_id", when="OLD.plan_id <> NEW.plan_id",
    )


register(Rollup(
    name="visits per day and plan", table=DAILY, columns=("day", "plan_id", "visits"),
    compared=("day", "plan_id", "visits"), source=VISIT,
    recompute=lambda d: (
        f"SELECT {d.day('v.checked_in_at')} AS day, m.plan_id AS plan_id, COUNT(*) AS visits "
        f"FROM {VISIT} v INNER JOIN {MEMBERSHIP} m ON m.id = v.membership_id WHERE v.kind = {ATTENDED} GROUP BY 1, 2"
    ),
    triggers=lambda d: visit_triggers(d) + membership_triggers(d),
    trigger_names=(("clients_visit_rollups", VISIT), ("clients_membership_rollups", MEMBERSHIP)),
))
register(Rollup(
    name="last visit per client", table=LAST, columns=("client_id", "checked_in_at"),
    compared=("client_id", "checked_in_at"), source=VISIT,
    recompute=lambda d: (
        f"SELECT client_id, MAX(checked_in_at) AS checked_in_at FROM {VISIT} WHERE kind = {ATTENDED} "
        f"GROUP BY client_id"
    ),
    triggers=lambda d: [],  # the visits' trigger above keeps both
    trigger_names=(),
))



# --- The clients per manager (``ClientsPerManager``; 0: the clients without one) -----------------
def _manager_key(row: str) -> str:
    return f"COALESCE({row}.assigned_manager_id, 0)"


def _per_manager_add(d: Dialect, row: str, sign: str) -> str:
    return (
        f"INSERT INTO {PER_MANAGER} (manager_id, clients) VALUES ({_manager_key(row)}, {sign}1) "
        f"{d.adding(PER_MANAGER, ('manager_id',), ('clients',))}"
    )


def _per_manager_tidy(row: str) -> str:
    return f"DELETE FROM {PER_MANAGER} WHERE manager_id = {_manager_key(row)} AND clients = 0"


def client_triggers(d: Dialect) -> list[str]:
    """A client added or deleted counts for their manager; one reassigned moves to the new one.
    On PostgreSQL an INSERT or a DELETE counts once per statement, per manager (its transition
    table grouped): a row trigger adding 1 to the same manager's row for each of the 20,000
    clients an import inserts would update that row 20,000 times in one transaction, each update
    slower than the last."""
    removed = [_per_manager_add(d, "OLD", "-"), _per_manager_tidy("OLD")]
    moved = d.trigger("clients_client_counts_upd", CLIENT, {"UPDATE": [*removed, _per_manager_add(d, "NEW", "")]},
                      of="assigned_manager_id", when=d.differs("assigned_manager_id"))
    if not d.postgresql:
        return d.trigger("clients_client_counts", CLIENT,
                         {"INSERT": [_per_manager_add(d, "NEW", "")], "DELETE": removed}) + moved

    def counted(rows: str, sign: str) -> str:
        return (
            f"INSERT INTO {PER_MANAGER} (manager_id, clients) SELECT {_manager_key(rows)}, {sign}COUNT(*) "
            f"FROM {rows} GROUP BY 1 {d.adding(PER_MANAGER, ('manager_id',), ('clients',))}"
        )

    tidy = (f"DELETE FROM {PER_MANAGER} WHERE clients = 0 "
            f"AND manager_id IN (SELECT {_manager_key('old_rows')} FROM old_rows)")
    return d.statement_trigger("clients_client_counts", CLIENT, {
        "INSERT": [counted("new_rows", "")], "DELETE": [counted("old_rows", "-"), tidy],
    }) + moved


register(Rollup(
    name="clients per manager", table=PER_MANAGER, columns=("manager_id", "clients"),
    compared=("manager_id", "clients"), source=CLIENT,
    recompute=lambda d: (
        f"SELECT COALESCE(assigned_manager_id, 0) AS manager_id, COUNT(*) AS clients FROM {CLIENT} GROUP BY 1"
    ),
    triggers=client_triggers,
    trigger_names=(("clients_client_counts", CLIENT), ("clients_client_counts_upd", CLIENT)),
))


# --- The versions of the months' figures (``FiguresVersion``, ``core.rollups.follow``) ------------
FREEZE, PLAN = "clients_freeze", "clients_membershipplan"
CARD_STATE = ("start_date", "end_date", "status", "plan_id", "client_id", "cancelled_on")

dated_follower("figures: visits", VISIT, ("checked_in_at",))
dated_follower("figures: new clients", CLIENT, ("created_at",))


def manager_triggers(d: Dialect) -> list[str]:
    """A client moved to another accompaniment manager (or to none), whatever the door — the
    card's form, the admin site, the import, a cover, erasure, a manager's user deleted — bumps
    the version of the figures kept per manager (``FiguresVersion.MANAGERS``): a closed month's
    revenue or renewals of a manager are those of the clients the manager holds now."""
    return d.trigger(
        "clients_client_manager_figures", CLIENT, {"UPDATE": [bump(f"'{FiguresVersion.MANAGERS}'")]},
        of="assigned_manager_id", when=d.differs("assigned_manager_id"),
    )


follow(Rollup(
    name="figures: managers", table=FIGURES, columns=(), compared=(), source=CLIENT, recompute=None,
    triggers=manager_triggers, trigger_names=(("clients_client_manager_figures", CLIENT),),
))


def card_triggers(d: Dialect) -> list[str]:
    """A new card touches the months of its start and of the renewal window before it (it may renew
    a card ended then); one backdated (starting before the day it is written), deleted, or whose
    dates, status, plan or client change touches every period it ran in: everything. The visits
    used (a check-in) change nothing the dashboard shows of a closed period."""
    new = [
        bump(d.month("NEW.start_date")), bump(d.month(d.days_before("NEW.start_date", RENEWAL_WINDOW_DAYS))),
        bump(EVERYTHING, when=f"NEW.start_date < {d.day('NEW.created_at')}"),
    ]
    changed = " OR ".join(d.differs(column) for column in CARD_STATE)
    return (
        d.trigger("clients_membership_figures", MEMBERSHIP, {"INSERT": new, "DELETE": [bump(EVERYTHING)]})
        + d.trigger("clients_membership_figures_upd", MEMBERSHIP, {"UPDATE": [bump(EVERYTHING)]}, when=changed)
    )


follow(Rollup(
    name="figures: cards", table=FIGURES, columns=(), compared=(), source=MEMBERSHIP, recompute=None,
    triggers=lambda d: (
        card_triggers(d)
        + d.trigger("clients_freeze_figures", FREEZE, {op: [bump(EVERYTHING)] for op in ("INSERT", "UPDATE", "DELETE")})
        + d.trigger("clients_plan_figures", PLAN, {op: [bump(EVERYTHING)] for op in ("UPDATE", "DELETE")})
    ),
    trigger_names=(("clients_membership_figures", MEMBERSHIP), ("clients_membership_figures_upd", MEMBERSHIP),
                   ("clients_freeze_figures", FREEZE), ("clients_plan_figures", PLAN)),
))
