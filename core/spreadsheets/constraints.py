"""The model's CHECK constraints evaluated in Python, with the database's three-valued logic.

``full_clean()`` asks the database once per constraint and row; for a file of 20,000 rows that
is most of an import's time. ``constraints_validate`` gives the same refusals with the same
messages, evaluating in Python every check constraint made of plain lookups of the model's own
fields, and leaving the others (and unique constraints) to Django.
"""

import operator
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Q


class _NotInPython(Exception):
    """A condition with an expression or a lookup that only the database evaluates."""


_COMPARISONS = {
    "exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}


def q_holds(condition: Q, values: Mapping[str, Any]) -> bool | None:
    """Whether ``condition`` holds for the field values ``values`` (name → value, foreign keys
    as ids, "pk"), with SQL's three-valued logic: None when unknown (a comparison with NULL),
    which a CHECK constraint lets pass. Raises _NotInPython for anything but plain lookups
    (exact, gt, gte, lt, lte, isnull) of the model's own fields against values or F()."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(q_holds(child, values))
            continue
        if not isinstance(child, tuple):
            raise _NotInPython
        lookup, expected = child
        name, _sep, kind = lookup.partition("__")
        kind = kind or "exact"
        if isinstance(expected, F):
            if expected.name not in values:
                raise _NotInPython
            expected = values[expected.name]
        elif hasattr(expected, "resolve_expression") or name not in values:
            raise _NotInPython
        actual = values[name]
        if kind == "isnull" or (kind == "exact" and expected is None):
            results.append((actual is None) == (kind == "exact" or bool(expected)))
        elif kind in _COMPARISONS:
            try:
                results.append(
                    None if actual is None or expected is None else _COMPARISONS[kind](actual, expected)
                )
            except TypeError:
                raise _NotInPython from None
        else:
            raise _NotInPython
    if condition.connector == Q.AND:
        holds = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        holds = True if True in results else (None if None in results else False)
    else:
        raise _NotInPython
    return (None if holds is None else not holds) if condition.negated else holds


def q_fields(condition: Q) -> set[str]:
    """The fields a plain condition refers to (what ``q_holds`` reads)."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= q_fields(child)
        elif isinstance(child, tuple):
            names.add(child[0].partition("__")[0])
            if isinstance(child[1], F):
                names.add(child[1].name)
    return names


_CONDITIONS: dict[int, tuple[CheckConstraint, Q, frozenset[str]]] = {}


def _plain_condition(constraint: CheckConstraint) -> tuple[Q, frozenset[str]]:
    """A check constraint's condition as a Q and the fields it reads, worked out once per
    constraint (not once per row of a file). Keyed by identity: a constraint is not hashable."""
    kept = _CONDITIONS.get(id(constraint))
    if kept is None or kept[0] is not constraint:
        condition = Q(constraint.condition)
        kept = _CONDITIONS[id(constraint)] = (constraint, condition, frozenset(q_fields(condition)))
    return kept[1], kept[2]


_READS: dict[type, tuple[list, list[tuple[str, str]]]] = {}


def _fields_read(model) -> list[tuple[str, str]]:
    """(name, attname) of the fields the model's check constraints read, "pk" as the primary key:
    the values ``constraints_validate`` gives ``q_holds`` (worked out once per model)."""
    kept = _READS.get(model)
    constraints = model._meta.constraints
    if kept is None or kept[0] is not constraints:
        names = set()
        for constraint in constraints:
            if isinstance(constraint, CheckConstraint):
                names |= _plain_condition(constraint)[1]
        read = [(f.name, f.attname) for f in model._meta.concrete_fields if f.name in names]
        if "pk" in names:
            read.append(("pk", model._meta.pk.attname))
        kept = _READS[model] = (constraints, read)
    return kept[1]


def constraints_validate(instance, *, exclude: set[str], skip: Iterable[str] = ()) -> None:
    """``instance.validate_constraints()``, the same refusals with the same messages, but a
    check constraint of plain lookups is evaluated in Python rather than by a query (Django
    runs one query per constraint and row; for 20,000 rows that is most of an import's time).
    Constraints named in ``skip`` are the caller's to check; one that refers to an excluded
    field is not checked (as Django does)."""
    model = type(instance)
    values = {name: getattr(instance, attname) for name, attname in _fields_read(model)}
    errors: dict[str, list] = {}
    for constraint in model._meta.constraints:
        if constraint.name in skip:
            continue
        if isinstance(constraint, CheckConstraint):
            condition, names = _plain_condition(constraint)
            try:
                if names & exclude:
                    continue
                holds = q_holds(condition, values)
            except _NotInPython:
                pass
            else:
                if holds is False:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(
                        ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        )
                    )
                continue
        try:
            constraint.validate(model, instance, exclude=exclude, using=router.db_for_write(model))
        except ValidationError as error:
            if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                errors.setdefault(constraint.fields[0], []).append(error)
            else:
                errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def constraint_message(model, name: str) -> str:
    return next(c for c in model._meta.constraints if c.name == name).get_violation_error_message()

