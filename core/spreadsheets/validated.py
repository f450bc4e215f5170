"""The rows a preview validated, kept for its confirmation (``ValidatedRows``).

The preview of an import reads the file, looks up what it refers to and validates every row
(``ClubResource``). When every row is valid, what it validated is kept: each new row's field
values (phones already in E.164, checked once), and for each row it changes the row's id,
when the row was last changed, and the file's values. They are kept in the cache (Redis when
the club runs it, shared by every web server) for as long as the upload itself waits, keyed
by the file's SHA-256, the importing user, the import and the file's format — never by
anything the confirmation form sends.

The confirmation reads the uploaded file back and looks the rows up by its hash: the same
file, confirmed by the same person, only writes them — the new rows and their history
records in bulk, the changed rows and theirs in bulk, in one transaction, the same
``created_by``, ``updated_at`` and change reason as a row-by-row import. Anything else is
validated again from the file, as if nothing were kept: another file, rows gone from the
cache (expired, or too large to keep), a changed row that was changed, erased or deleted in
the meantime, or a record the database refuses (someone saved the same phone meanwhile).
"""

import hashlib
import operator
import pickle
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from .accepted import instances_of
from .inserts import rows_insert

KEEP_SECONDS = 60 * 60  # as long as the upload waits (``UploadedFileCacheStorage``)
# The kept rows take more room than the file's text; more than this many times the largest file
# (IMPORT_MAX_BYTES) is not kept, and the confirmation validates the file again.
KEPT_MAX_RATIO = 4
HISTORY_BATCH = 1000  # rows whose history records one statement writes


@dataclass
class ValidatedRows:
    """What a preview validated: ``created`` holds each new row's values of ``fields`` (the
    model's columns, in order), ``changed`` each changed row's (id, when it was last changed
    as the preview read it, the values of ``update_fields``)."""

    total_rows: int = 0
    fields: tuple[str, ...] = ()
    created: list[tuple] = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)
    changed: list[tuple[Any, Any, tuple]] = field(default_factory=list)
    skipped: int = 0

    def add(self, resource, instances) -> None:
        """Keep ``instances``, validated and about to be written, as values."""
        opts = resource._meta.model._meta
        self.fields = tuple(f.attname for f in opts.concrete_fields)
        if not self.update_fields:
            self.update_fields = [opts.get_field(name).attname for name in resource.get_bulk_update_fields()
                                  if name != "updated_at"]
        created_values, changed_values = values_getter(self.fields), values_getter(self.update_fields)
        for instance in instances:
            if instance._state.adding:
                self.created.append(created_values(instance))
            else:
                self.changed.append(
                    (instance.pk, getattr(instance, "_import_loaded_at", None), changed_values(instance))
                )


def values_getter(names) -> Callable[[Any], tuple]:
    """A function giving an instance's values of the attributes ``names``, as a tuple."""
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda instance: (one(instance),)
    return operator.attrgetter(*names) if names else lambda instance: ()


def validated_key(data: bytes, *, user, resource_class, file_format: Any) -> str:
    """Where a preview keeps the rows of the file ``data``, for ``user`` only."""
    digest = hashlib.sha256(data).hexdigest()
    kind = f"{resource_class.__module__}.{resource_class.__qualname__}"
    return f"import-validated:{kind}:{file_format}:{user.pk}:{digest}"


def validated_keep(key: str, rows: ValidatedRows) -> bool:
    """Keep ``rows`` under ``key`` for KEEP_SECONDS, if they are within the size kept."""
    payload = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    if len(payload) > KEPT_MAX_RATIO * settings.IMPORT_MAX_BYTES:
        cache.delete(key)
        return False
    cache.set(key, payload, KEEP_SECONDS)
    return True


def validated_take(key: str) -> ValidatedRows | None:
    """The rows kept under ``key`` (taken away: a confirmation writes them once); None if none."""
    payload = cache.get(key)
    if payload is None:
        return None
    cache.delete(key)
    return pickle.loads(payload)  # noqa: S301 - written by validated_keep, in the club's own cache


class _Stale(Exception):
    """A kept row no longer matches the database: the file is validated again."""


def _changed_instances(resource, rows: ValidatedRows) -> list:
    """The rows to change, locked, with the file's values; _Stale if one was deleted, changed
    since the preview read it, or may no longer be changed (e.g. erased)."""
    if not rows.changed:
        return []
    model = resource._meta.model
    locked = model.objects.select_for_update().in_bulk([pk for pk, _loaded_at, _values in rows.changed])
    instances = []
    for pk, loaded_at, values in rows.changed:
        instance = locked.get(pk)
        if instance is None or getattr(instance, "updated_at", None) != loaded_at or resource.change_refused(instance):
            raise _Stale
        for name, value in zip(rows.update_fields, values, strict=True):
            setattr(instance, name, value)
        instances.append(instance)
    return instances


HISTORY_OWN_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def history_insert(model, pks: list, *, history_type: str, user, reason: str) -> None:
    """The history records (django-simple-history's) of the rows ``pks`` of ``model`` as they
    are now, written by the database in one ``INSERT … SELECT`` per batch: the same records
    ``bulk_history_create`` writes, without reading each row's values through Python."""
    history = get_history_model_for_model(model)
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    if {f.name for f in history._meta.concrete_fields} != {f.name for f in history.tracked_fields} | HISTORY_OWN_FIELDS:
        raise NotImplementedError(f"{history._meta.label} has fields of its own")  # pragma: no cover
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    tracked = [quote(model._meta.get_field(f.name).column) for f in history.tracked_fields]
    own = [history._meta.get_field(name) for name in ("history_date", "history_change_reason", "history_type", "history_user")]
    values = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(own, (timezone.now(), reason, history_type, getattr(user, "pk", None)), strict=True)
    ]
    head = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join([*tracked, *(quote(f.column) for f in own)])}) "
        f"SELECT {', '.join([*tracked, *['%s'] * len(own)])} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN "
    )
    size = min(HISTORY_BATCH, (connection.features.max_query_params or HISTORY_BATCH + len(own)) - len(own))
    with connection.cursor() as cursor:
        for start in range(0, len(pks), size):
            batch = pks[start : start + size]
            cursor.execute(head + f"({', '.join(['%s'] * len(batch))})", [*values, *batch])


def _created_insert(model, instances: list) -> None:
    """Insert the new rows ``instances`` (``rows_insert``) and give each its id."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ids = rows_insert(model, fields, map(values_getter([f.attname for f in fields]), instances), returning=True)
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, router.db_for_write(model)


def validated_write(resource, rows: ValidatedRows):
    """Write ``rows`` for ``resource`` (its ``user`` and ``change_reason`` set) in one
    transaction: the new rows a batch at a time and the changed ones, each with its history
    record (``history_insert``). The result as the import page reports it; None, with nothing
    written, when the database no longer agrees with what the preview validated."""
    model = resource._meta.model
    if rows.fields != tuple(f.attname for f in model._meta.concrete_fields):
        return None  # the model changed since the preview (a new version of the site)
    batch = resource._meta.batch_size
    history = {"user": resource.user, "reason": resource.change_reason} if resource.has_history() else None
    try:
        with transaction.atomic():
            created = instances_of(model, rows.fields, rows.created)
            changed = _changed_instances(resource, rows)
            for instance in (*created, *changed):
                resource.before_save_instance(instance, None)
            if connections[router.db_for_write(model)].features.can_return_rows_from_bulk_insert:
                _created_insert(model, created)
                created_history = created
            else:  # pragma: no cover - a database that cannot say the new rows' ids
                bulk_create_with_history(created, model, batch_size=batch, default_user=history and history["user"],
                                         default_change_reason=history and history["reason"])
                created_history = []
            names = [*rows.update_fields, *(["updated_at"] if "updated_at" in rows.fields else [])]
            model.objects.bulk_update(changed, names, batch_size=batch)
            if history:
                history_insert(model, [instance.pk for instance in created_history], history_type="+", **history)
                history_insert(model, [instance.pk for instance in changed], history_type="~", **history)
    except (_Stale, IntegrityError):
        return None
    result = resource.get_result_class()()
    result.total_rows = rows.total_rows
    for import_type, instances in ((RowResult.IMPORT_TYPE_NEW, created), (RowResult.IMPORT_TYPE_UPDATE, changed)):
        for instance in instances:
            row_result = RowResult()
            row_result.import_type, row_result.instance, row_result.object_id = import_type, instance, instance.pk
            result.increment_row_result_total(row_result)
            result.append_row_result(row_result)
    result.totals[RowResult.IMPORT_TYPE_SKIP] += rows.skipped
    return result
