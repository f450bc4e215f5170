"""Inserting many validated rows in few statements (``rows_insert``), and the admin log's
entries of an import (``log_entries_insert``).

``bulk_create`` prepares every value of every row through its field (30 columns × 20,000
rows is 600,000 calls): most of a confirmed import's time. The rows written here were
validated already; a column of plain text, number, yes/no or a row's id is sent to the
database as it is, and only the others (dates, times, phones…) are prepared by their field,
as ``bulk_create`` would. The statements are ``bulk_create``'s: a multi-row ``INSERT``, as
many rows a statement as the database takes parameters.
"""

from collections.abc import Callable, Iterable, Sequence
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


def _text(value):
    return value if value is None or type(value) is str else str(value)


def _preparer(field, connection, now) -> Callable[[Any], Any]:
    """How one column's value is sent: as it is, as text, or through its field."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.get_db_prep_save(now, connection)
        return lambda value: stamp
    if type(field) in TEXT_FIELDS:
        return _text
    if type(field) in PLAIN_FIELDS:
        return lambda value: value
    return lambda value: field.get_db_prep_save(value, connection)


def rows_insert(model, fields: Sequence, rows: Iterable[Sequence], *, returning: bool = False) -> list:
    """Insert ``rows`` (each the values of ``fields``, in order) into ``model``'s table; the new
    ids in the same order when ``returning``."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    now = timezone.now()
    prepare = [_preparer(field, connection, now) for field in fields]
    rows = [[p(value) for p, value in zip(prepare, row, strict=True)] for row in rows]
    size = max(1, min(MOST_ROWS, connection.ops.bulk_batch_size(list(fields), rows) or MOST_ROWS))
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    one = f"({', '.join(['%s'] * len(fields))})"
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, [value for row in batch for value in row])
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
