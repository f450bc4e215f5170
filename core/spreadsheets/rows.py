"""Rows: what a row parser makes of one row (``ParsedRow``) and the parser every app's columns
share (``parse_row``): each column's cell through its cell parser, references kept as text for
the resource to look up, required columns checked. Pure: no database, never raises."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .cells import is_empty
from .errors import CellError


@dataclass
class ParsedRow:
    """What a row parser made of one row.

    ``values``: model field → value, for the cells that were valid; ``references``: column →
    the natural key of a related row (a username, a plan name, a phone), resolved by the
    resource; ``errors``: column (or NON_FIELD_ERRORS) → the reasons the row is refused.
    A row with no errors is valid as far as can be told without the database.
    """

    values: dict[str, Any] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    blank: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add_error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def given(self, column: str) -> Any:
        """The parsed value of ``column`` (a reference's key too); None when missing or refused."""
        return self.values.get(column, self.references.get(column))


def parse_row(
    row: Mapping[str, Any],
    columns: Mapping[str, Callable[[Any], Any]],
    references: Iterable[str] = (),
    required: Mapping[str, str] | None = None,
) -> ParsedRow:
    """Parse each of ``columns`` present in ``row`` with its parser; a column in
    ``references`` keeps its text for the resource to look up. A column of ``required``
    missing or empty refuses the row with its message. Other keys of ``row`` are ignored (the
    resource refuses unknown columns for the whole file)."""
    if all(is_empty(value) for value in row.values()):
        return ParsedRow(blank=True)
    parsed = ParsedRow()
    references = set(references)
    for column, parse in columns.items():
        if column not in row:
            continue
        try:
            value = parse(row[column])
        except CellError as error:
            parsed.add_error(column, str(error))
            continue
        (parsed.references if column in references else parsed.values)[column] = value
    for column, message in (required or {}).items():
        if column not in parsed.errors and parsed.given(column) in (None, ""):
            parsed.add_error(column, str(message))
    return parsed

