"""Inserting many validated rows in few statements (``rows_insert``), and the admin log's
entries of an import (``log_entries_insert``).

``bulk_create`` prepares every value of every row through its field (30 columns × 20,000
rows is 600,000 calls): most of a confirmed import's time. The rows written here were
validated already; a column of plain text, number, yes/no or a row's id is sent to the
database as it is, and only the others (dates, times, phones…) are prepared by their field,
as ``bulk_create`` would. The statements are ``bulk_create``'s: a multi-row ``INSERT``, as
many rows a statement as the database takes parameters.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.utils import timezone

MOST_ROWS = 1000  # rows a statement
# Fields whose value goes to the database as it is (their own preparation only converts).
PLAIN_FIELDS = (
    models.CharField, models.TextField, models.EmailField, models.SlugField, models.BooleanField,
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
    models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.ForeignKey,
)
TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.SlugField)
# Immutable values that one field prepares the same way whenever they are equal (by type and value).
SAME_PREPARED = frozenset({type(None), str, bool, int, datetime.date})


def _texts(values: list) -> list:
    return [value if type(value) is str or value is None else str(value) for value in values]


def _preparer(field, connection, now) -> Callable[[list], list] | None:
    """How one column's values are sent: as they are (None), as text, or each through its field."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.get_db_prep_save(now, connection)
        return lambda values: [stamp] * len(values)
    if type(field) in TEXT_FIELDS:
        return _texts
    if type(field) in PLAIN_FIELDS:
        return None
    prep = field.get_db_prep_save

    def prepared(values: list) -> list:
        done: dict = {}  # an immutable value's preparation, once (most are empty: None)
        out = []
        for value in values:
            kind = type(value)
            if kind in SAME_PREPARED:
                key = (kind, value)
                if key not in done:
                    done[key] = prep(value, connection)
                out.append(done[key])
            else:
                out.append(prep(value, connection))
        return out

    return prepared


def rows_insert(model, fields: Sequence, rows: Iterable[Sequence], *, returning: bool = False) -> list:
    """Insert ``rows`` (each the values of ``fields``, in order) into ``model``'s table; the new
    ids in the same order when ``returning``. The values are prepared a column at a time, the
    plain columns not at all."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    now = timezone.now()
    rows = list(rows)
    if not rows:
        return []
    columns = [list(column) for column in zip(*rows, strict=True)]
    for index, field in enumerate(fields):
        if (prepare := _preparer(field, connection, now)) is not None:
            columns[index] = prepare(columns[index])
    rows = list(zip(*columns, strict=True))
    size = max(1, min(MOST_ROWS, connection.ops.bulk_batch_size(list(fields), rows) or MOST_ROWS))
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    one = f"({', '.join(['%s'] * len(fields))})"
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, list(chain.from_iterable(batch)))
            if returning:
                ids += [row[0] for row in cursor.fetchall()]
    return ids


def log_entries_insert(user_pk, instances: Sequence, action_flag: int, change_message: str) -> None:
    """The admin log's entries of ``instances`` (one model), as ``LogEntry.objects.log_actions``
    writes them, in few statements."""
    if not instances:
        return
    content_type = ContentType.objects.get_for_model(instances[0], for_concrete_model=False)
    names = ("action_time", "user", "content_type", "object_id", "object_repr", "action_flag", "change_message")
    fields = [LogEntry._meta.get_field(name) for name in names]
    now = timezone.now()
    rows_insert(LogEntry, fields, (
        (now, user_pk, content_type.pk, str(instance.pk), str(instance)[:200], action_flag, change_message)
        for instance in instances
    ))
