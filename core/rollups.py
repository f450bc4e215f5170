"""Rollups: small tables of totals kept beside the raw rows by database triggers, so that no
door can let them drift — a service, the admin site, an import, a bulk insert, a cascade, raw
SQL all go through the same triggers. Each app declares its own rollups in ``rollups.py``
(``register(Rollup(...))``) and installs their triggers in a migration (``install``); this
module keeps the registry and what ``manage.py rollups`` does with it:

- ``check``: each rollup compared with its recomputation from the raw rows (two ``EXCEPT``
  statements), the rows that differ counted;
- ``rebuild``: the triggers installed again (the club's time zone read anew) and each rollup
  recomputed from the raw rows in one statement, the raw table locked against writes meanwhile.

A club-local day is what ``django.db.connection.ops`` makes of a moment in the club's time zone
(``TIME_ZONE``): ``(t AT TIME ZONE 'Europe/Kyiv')::date`` on PostgreSQL, Django's own
``django_datetime_cast_date`` on SQLite (a function Django registers on each of its connections,
so SQLite's triggers run only through Django). Changing ``TIME_ZONE`` needs ``rollups --rebuild``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from django.conf import settings
from django.db import connection, connections, transaction


@dataclasses.dataclass(frozen=True)
class Rollup:
    name: str  # how the command reports it
    table: str  # the rollup's table
    columns: tuple[str, ...]  # key columns, then value columns, as ``recompute`` returns them
    compared: tuple[str, ...]  # the same columns as compared (e.g. money rounded to cents)
    source: str  # the raw table whose writes the triggers follow (locked while rebuilding)
    recompute: Callable[[Dialect], str] | None  # SELECT of ``columns`` from the raw rows, set-based
    triggers: Callable[[Dialect], list[str]]  # statements that (re)create the triggers
    trigger_names: tuple[tuple[str, str], ...]  # (trigger, table) pairs, to drop them
    rebuilt: str = ""  # a statement run after ``rebuild`` (a follower's: invalidate what it versions)


class Dialect:
    """What the triggers' SQL needs from the database at hand."""

    def __init__(self, conn=connection):
        self.vendor = conn.vendor
        self.ops = conn.ops
        zone = str(settings.TIME_ZONE)
        if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):
            raise ValueError(f"Unexpected TIME_ZONE {zone!r}")
        self.zone = zone

    @property
    def postgresql(self) -> bool:
        return self.vendor == "postgresql"

    def day(self, column: str) -> str:
        """The club-local day of the moment ``column`` (a SQL expression)."""
        sql, params = self.ops.datetime_cast_date_sql(column, (), self.zone)
        return sql % tuple(f"'{param}'" for param in params)

    @staticmethod
    def adding(table: str, keys: tuple[str, ...], values: tuple[str, ...]) -> str:
        """An INSERT's upsert clause that adds the new row's ``values`` to the row of the same keys."""
        sums = ", ".join(f"{value} = {table}.{value} + excluded.{value}" for value in values)
        return f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sums}"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.postgresql else f"MAX({a}, {b})"

    def drop_trigger(self, name: str, table: str) -> list[str]:
        if self.postgresql:
            return [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}_fn()"]
        return [f"DROP TRIGGER IF EXISTS {name}"]

    def trigger(self, name: str, table: str, events: dict[str, list[str]], *, of: str = "", when: str = "") -> list[str]:
        """A row trigger on ``table`` running ``events[op]`` after each INSERT / UPDATE / DELETE
        (statements that may use ``NEW.`` and ``OLD.``): one plpgsql function on PostgreSQL,
        one trigger per event on SQLite; ``of`` (a column) and ``when`` (a condition) narrow an
        UPDATE trigger."""
        statements = self.drop(name, table)
        of_sql = f" OF {of}" if of else ""
        when_sql = f" WHEN ({when})" if when else ""
        if self.postgresql:
            body = "".join(
                f" IF TG_OP = '{op}' THEN {' '.join(s + ';' for s in lines)} END IF;" for op, lines in events.items()
            )
            statements += [
                f"CREATE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN{body} RETURN NULL; END $$",
                f"CREATE TRIGGER {name} AFTER {' OR '.join(events)}{of_sql} ON {table} FOR EACH ROW{when_sql} "
                f"EXECUTE FUNCTION {name}_fn()",
            ]
            return statements
        for op, lines in events.items():
            statements.append(
                f"CREATE TRIGGER {name}_{op.lower()} AFTER {op}{of_sql} ON {table} FOR EACH ROW{when_sql} BEGIN "
                + " ".join(s + ";" for s in lines) + " END"
            )
        return statements

    def month(self, day: str) -> str:
        """The 'YYYY-MM' of the date ``day`` (a SQL expression; NULL stays NULL)."""
        return f"to_char({day}, 'YYYY-MM')" if self.postgresql else f"substr({day}, 1, 7)"

    def days_before(self, day: str, days: int) -> str:
        return f"({day} - {days})" if self.postgresql else f"date({day}, '-{days} days')"

    def differs(self, column: str) -> str:
        """An UPDATE trigger's condition: ``column`` changed (NULLs compared as values)."""
        operator = "IS DISTINCT FROM" if self.postgresql else "IS NOT"
        return f"OLD.{column} {operator} NEW.{column}"

    def statement_trigger(self, name: str, table: str, events: dict[str, list[str]]) -> list[str]:
        """PostgreSQL: a trigger on ``table`` running ``events[op]`` once after each INSERT /
        UPDATE / DELETE statement, whatever the number of rows it wrote; the statements read
        the rows written as the tables ``new_rows`` and ``old_rows`` (one trigger per event:
        PostgreSQL gives transition tables to single-event triggers only)."""
        transition = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                      "DELETE": "OLD TABLE AS old_rows"}
        statements = self.drop(name, table)
        for op, lines in events.items():
            trigger = f"{name}_{op.lower()}"
            statements += [
                f"CREATE FUNCTION {trigger}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{' '.join(s + ';' for s in lines)} RETURN NULL; END $$",
                f"CREATE TRIGGER {trigger} AFTER {op} ON {table} REFERENCING {transition[op]} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {trigger}_fn()",
            ]
        return statements

    def drop(self, name: str, table: str) -> list[str]:
        """The trigger ``name`` dropped, whether made by ``trigger`` or ``statement_trigger``."""
        per_event = [f"{name}_{op}" for op in ("insert", "update", "delete")]
        if self.postgresql:
            return [statement for trigger in (name, *per_event) for statement in self.drop_trigger(trigger, table)]
        return [f"DROP TRIGGER IF EXISTS {trigger}" for trigger in per_event]


_registry: dict[str, Rollup] = {}
_followers: dict[str, Rollup] = {}


def register(rollup: Rollup) -> Rollup:
    """A rollup: a table of totals the triggers keep, ``check`` compares and ``rebuild`` recomputes."""
    _registry[rollup.name] = rollup
    return rollup


def follow(follower: Rollup) -> Rollup:
    """Triggers that only follow writes (nothing to recompute: ``recompute`` is None), e.g. the
    versions of the months the writes land on (``clients.FiguresVersion``); installed, dropped
    and created again after ``migrate`` and ``rebuild`` with the rollups."""
    _followers[follower.name] = follower
    return follower


def registered() -> list[Rollup]:
    return list(_registry.values())


def followers() -> list[Rollup]:
    return list(_followers.values())


def everything() -> list[Rollup]:
    """The rollups and the followers: every trigger this module installs."""
    return registered() + followers()


def install(names: list[str] | None = None, conn=connection) -> None:
    """(Re)create the triggers of the rollups and followers (all, or those named)."""
    dialect = Dialect(conn)
    with conn.cursor() as cursor:
        for rollup in everything():
            if names is None or rollup.name in names:
                for statement in rollup.triggers(dialect):
                    cursor.execute(statement)


def uninstall(names: list[str], conn=connection) -> None:
    dialect = Dialect(conn)
    with conn.cursor() as cursor:
        for rollup in everything():
            if rollup.name in names:
                for trigger, table in rollup.trigger_names:
                    for statement in dialect.drop(trigger, table):
                        cursor.execute(statement)


def installed_after_migrate(**kwargs) -> None:
    """``post_migrate``: the triggers created again once the tables exist (idempotent). On SQLite
    a migration that alters a table rebuilds it and drops its triggers with the old table."""
    conn = connections[kwargs.get("using") or "default"]
    tables = set(conn.introspection.table_names())
    names = [
        rollup.name for rollup in everything()
        if {rollup.table, rollup.source} <= tables and all(table in tables for _name, table in rollup.trigger_names)
    ]
    if names:
        install(names, conn)


def check() -> dict[str, int]:
    """Per rollup, how many rows differ from the recomputation: stored rows it lacks plus its rows
    not stored (a stale row counts twice)."""
    dialect = Dialect()
    drift = {}
    with connection.cursor() as cursor:
        for rollup in registered():
            stored = f"SELECT {', '.join(rollup.compared)} FROM {rollup.table}"
            fresh = f"SELECT {', '.join(rollup.compared)} FROM ({rollup.recompute(dialect)}) fresh"
            n = 0
            for a, b in ((stored, fresh), (fresh, stored)):
                cursor.execute(f"SELECT COUNT(*) FROM ({a} EXCEPT {b}) d")
                n += cursor.fetchone()[0]
            drift[rollup.name] = n
    return drift


def rebuild(names: list[str] | None = None) -> dict[str, int]:
    """Triggers installed anew (the followers' too when no names are given), then every rollup (or
    those named) recomputed; returns the rows each now holds."""
    dialect = Dialect()
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        install(names)
        for rollup in registered():
            if names is not None and rollup.name not in names:
                continue
            if dialect.postgresql:
                cursor.execute(f"LOCK TABLE {rollup.source} IN SHARE MODE")
            cursor.execute(f"DELETE FROM {rollup.table}")
            cursor.execute(
                f"INSERT INTO {rollup.table} ({', '.join(rollup.columns)}) {rollup.recompute(dialect)}"
            )
            cursor.execute(f"SELECT COUNT(*) FROM {rollup.table}")
            counts[rollup.name] = cursor.fetchone()[0]
        for follower in _followers.values():
            if follower.rebuilt and (names is None or follower.name in names):
                cursor.execute(follower.rebuilt)
    return counts


# --- Followers: the versions of the months' figures (``clients.FiguresVersion``) -----------------
FIGURES = "clients_figuresversion"
EVERYTHING = "'*'"


def bump(month: str, when: str = "") -> str:
    """Bump the version of ``month`` (a SQL expression, 'YYYY-MM' or '*'; NULL: nothing), if ``when``."""
    return (
        f"INSERT INTO {FIGURES} (month, version) SELECT m, 1 FROM (SELECT {month} AS m) x "
        f"WHERE m IS NOT NULL{f' AND {when}' if when else ''} "
        f"ON CONFLICT (month) DO UPDATE SET version = {FIGURES}.version + 1"
    )


def bump_months(months: str) -> str:
    """Bump the version of each month that the query ``months`` (of a column ``m``) names, once."""
    return (
        f"INSERT INTO {FIGURES} (month, version) SELECT DISTINCT m, 1 FROM ({months}) x WHERE m IS NOT NULL "
        f"ON CONFLICT (month) DO UPDATE SET version = {FIGURES}.version + 1"
    )


def dated_follower(name: str, table: str, moments: tuple[str, ...]) -> Rollup:
    """A follower bumping the club-local months of the moments ``moments`` of the old and the new
    row of each write on ``table``. On PostgreSQL once per statement, each month it touches once:
    a row trigger bumping the same month for each of 20,000 rows an import inserts updates one row
    20,000 times in one transaction, each update slower than the last (8 of an import's 10 seconds
    in the database)."""

    def triggers(d: Dialect) -> list[str]:
        if d.postgresql:
            def months(*rows: str) -> list[str]:
                return [bump_months(" UNION ".join(
                    f"SELECT {d.month(d.day(f'{row}.{column}'))} AS m FROM {row}" for row in rows for column in moments
                ))]

            return d.statement_trigger(f"{table}_figures", table, {
                "INSERT": months("new_rows"), "UPDATE": months("old_rows", "new_rows"), "DELETE": months("old_rows"),
            })

        def row_months(row: str) -> list[str]:
            return [bump(d.month(d.day(f"{row}.{column}"))) for column in moments]

        return d.trigger(f"{table}_figures", table, {
            "INSERT": row_months("NEW"), "UPDATE": row_months("OLD") + row_months("NEW"), "DELETE": row_months("OLD"),
        })

    return follow(Rollup(
        name=name, table=FIGURES, columns=(), compared=(), source=table, recompute=None, triggers=triggers,
        trigger_names=((f"{table}_figures", table),), rebuilt=bump(EVERYTHING),
    ))
