"""The ledger's rollup (``core.rollups``): revenue and rows per club-local day and department
(``DailyRevenue``), kept by a trigger on ``Sale``, so that every door — selling, refunds, the
admin site, the import, a deleted or backdated row, a bulk insert — keeps it equal to the ledger."""

from core.rollups import Dialect, Rollup, dated_follower, register

SALE, DAILY = "sales_sale", "sales_dailyrevenue"


def _add(d: Dialect, row: str, sign: str) -> str:
    return (
        f"INSERT INTO {DAILY} (day, department_id, revenue, sales) "
        f"VALUES ({d.day(f'{row}.sold_at')}, {row}.department_id, {sign}{row}.amount, {sign}1) "
        f"{d.adding(DAILY, ('day', 'department_id'), ('revenue', 'sales'))}"
    )


def sale_triggers(d: Dialect) -> list[str]:
    removed = [
        _add(d, "OLD", "-"),
        f"DELETE FROM {DAILY} WHERE day = {d.day('OLD.sold_at')} AND department_id = OLD.department_id AND sales = 0",
    ]
    return d.trigger("sales_sale_rollups", SALE, {
        "INSERT": [_add(d, "NEW", "")], "UPDATE": [*removed, _add(d, "NEW", "")], "DELETE": removed,
    })


register(Rollup(
    name="revenue per day and department", table=DAILY, columns=("day", "department_id", "revenue", "sales"),
    compared=("day", "department_id", "ROUND(revenue, 2)", "sales"), source=SALE,
    recompute=lambda d: (
        f"SELECT {d.day('s.sold_at')} AS day, s.department_id AS department_id, SUM(s.amount) AS revenue, "
        f"COUNT(*) AS sales FROM {SALE} s GROUP BY 1, 2"
    ),
    triggers=sale_triggers,
    trigger_names=(("sales_sale_rollups", SALE),),
))

# The versions of the months' figures (``clients.FiguresVersion``): the ledger's rows and the offers.
dated_follower("figures: sales", SALE, ("sold_at",))
dated_follower("figures: offers", "sales_offer", ("offered_at",))
