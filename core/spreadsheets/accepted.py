"""What an import has already validated, so that 20,000 rows do not pay 20,000 times for the
same answer (``AcceptedValues``), and new rows made from one blank row (``BlankRows``).

A field's own checks (``Field.clean()``: its type, length, choices and validators) read the
field's value only. Once a value has passed them, the same value in another row of the same
file passes them again: such a field is left out of that row's ``full_clean()`` (its
``clean()``, unique checks and constraints still run in full). Only values that passed are
remembered, so every refusal is still found, and worded, as ``full_clean()`` words it. Unique
fields, relations and anything but plain immutable values are always checked.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute

# Values compared by type and value: immutable, and checked by what they are, not where.
REMEMBERED_TYPES = (str, bool, int, Decimal, datetime.date, datetime.datetime, type(None))


class AcceptedValues:
    """Per field of ``model``: the values that passed the field's own checks in this import."""

    def __init__(self, model):
        opts = model._meta
        unique = {name for names in opts.unique_together for name in names}
        unique |= {name for constraint in opts.total_unique_constraints for name in constraint.fields}
        self.fields = {
            field.name: field.attname
            for field in opts.concrete_fields
            if not (field.unique or field.primary_key or field.is_relation or field.name in unique)
        }
        self.accepted: dict[str, set] = {name: set() for name in self.fields}
        self.entries = [(name, attname, self.accepted[name]) for name, attname in self.fields.items()]
        blank = model()
        for name, attname in self.fields.items():  # a new row's defaults: checked once here
            default = blank.__dict__.get(attname)
            if not (type(default) in REMEMBERED_TYPES or isinstance(default, str)):
                continue
            try:
                opts.get_field(name).clean(default, blank)
            except ValidationError:
                continue
            self.passed([(name, (type(default), default))], ())

    def sort(self, instance, exclude) -> tuple[set[str], list[tuple[str, tuple]]]:
        """The fields (but those in ``exclude``) whose value in ``instance`` already passed (left
        out of its ``full_clean()``), and the others' values, for ``passed`` to remember once
        checked."""
        values, held, fresh = instance.__dict__, set(), []
        for name, attname, accepted in self.entries:
            if name in exclude:
                continue
            value = values.get(attname)
            kind = type(value)
            if kind in REMEMBERED_TYPES or isinstance(value, str):
                if (kind, value) in accepted:
                    held.add(name)
                else:
                    fresh.append((name, (kind, value)))
        return held, fresh

    def passed(self, fresh: list[tuple[str, tuple]], refused) -> None:
        """Remember the values ``sort`` found new, but those of the fields in ``refused``."""
        for name, key in fresh:
            if name not in refused:
                self.accepted[name].add(key)


class BlankRows:
    """New instances of ``model`` copied from one made once: a model's ``__init__`` asks each of
    its fields for its default, which for 20,000 rows of 30 fields is most of making them.
    A default that is a function (a new value each time) is still called for each row; a model
    with ``pre_init``/``post_init`` receivers is made by its ``__init__``."""

    def __init__(self, model):
        self.model = model
        opts = model._meta
        self.plain = not (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model))
        self.called = [field for field in opts.concrete_fields if field.has_default() and callable(field.default)]
        self.values = {key: value for key, value in model().__dict__.items() if key != "_state"}

    def new(self):
        if not self.plain:
            return self.model()
        instance = self.model.__new__(self.model)
        instance.__dict__.update(self.values)
        instance._state = ModelState()
        for field in self.called:
            instance.__dict__[field.attname] = field.get_default()
        return instance


def instances_of(model, attnames: tuple[str, ...], rows: list[tuple]) -> list:
    """``[model(*values) for values in rows]`` (``attnames``: the model's concrete fields, in
    order), without the model's ``__init__`` for each row when it has no ``pre_init``/
    ``post_init`` receivers: the values go straight into each instance, but those of a field
    whose attribute converts what it is given (a phone number's) are set through it."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return [model(*values) for values in rows]
    plain = (DeferredAttribute, ForeignKeyDeferredAttribute)
    converted = [(index, name) for index, name in enumerate(attnames)
                 if type(getattr(model, name, None)) not in plain]
    instances = []
    for values in rows:
        instance = model.__new__(model)
        instance.__dict__.update(zip(attnames, values, strict=True))
        instance._state = ModelState()
        for index, name in converted:
            setattr(instance, name, values[index])
        instances.append(instance)
    return instances


def set_related(instance, name: str, related) -> None:
    """``instance.<name> = related`` for a foreign key, without the checks the descriptor makes
    on each assignment (the database router's): ``related`` is a saved row of the right model
    (the importing user), or None."""
    field = instance._meta.get_field(name)
    instance.__dict__[field.attname] = None if related is None else related.pk
    field.set_cached_value(instance, related)
