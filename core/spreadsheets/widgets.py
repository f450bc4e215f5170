"""Export: how values are written, so that every importer here reads them back unchanged, and
a spreadsheet never runs a cell as a formula."""

from collections.abc import Callable
from typing import Any

from import_export import fields, widgets

from .cells import FORMULA_STARTS, SAFE_SIGNED_CELL


def defused(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula ("=…", "@…", "+…" that is not a
    phone) gets an apostrophe in front; the importer takes it off again."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not SAFE_SIGNED_CELL.match(value):
        return "'" + value
    return value


class YesNoWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("yes" if value else "no")


class PlainNumberWidget(widgets.Widget):
    """1200.50, never localized ("1 200,50"): the same file whatever the interface language."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def e164(phone) -> str:
    """A stored phone in E.164, "" for none. (Not ``if phone``: a PhoneNumber's truth value
    formats it, which costs as much as the rest of a row.)"""
    return phone.as_e164 if getattr(phone, "national_number", None) else ""


class PhoneWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return e164(value)


class NaturalKeyWidget(widgets.Widget):
    """A related row written by its natural key: a username, a plan's name, a client's phone."""

    def __init__(self, key: Callable[[Any], str]):
        super().__init__()
        self.key = key

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.key(value)


def username(user) -> str:
    return user.get_username()


def column_field(name: str, widget: widgets.Widget) -> fields.Field:
    """The column ``name`` of the model field ``name``, written by ``widget``."""
    return fields.Field(attribute=name, column_name=name, widget=widget)


def natural_key_field(name: str, key: Callable[[Any], str]) -> fields.Field:
    return column_field(name, NaturalKeyWidget(key))
