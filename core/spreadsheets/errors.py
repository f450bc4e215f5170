"""The two refusals of an import: the whole file, or one cell."""


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, wrong columns, too large);
    the message says why in words for the person who uploaded it."""


class CellError(ValueError):
    """One cell's value is refused; the message says why."""
