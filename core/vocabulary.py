"""A vocabulary that apps add words to: the codes a lower app's field stores, contributed by the
apps above it, so that the lower app never names (or imports) them.

A model field takes the vocabulary as callable choices (``choices=some_module.kind_choices``,
a module-level function): migrations keep the function's name, not the list, so a new word
needs no migration; ``full_clean()``, forms, the admin's list filter and ``get_FOO_display()``
all read the words registered when they run. Each app registers its words when Django starts
(from its ``AppConfig.ready()``), so every word is known before a row is checked. Words that are
rows of a higher app's table take a ``ProvidedVocabulary`` instead (below).
"""

from django.core.exceptions import ImproperlyConfigured


class Vocabulary:
    """Codes and their (translated, lazy) labels, in the order they were registered."""

    def __init__(self, name: str, *, max_length: int):
        self.name = name
        self.max_length = max_length
        self._labels = {}

    def register(self, code: str, label) -> str:
        """Add a word; returns the code, for the app to keep as its constant. Registering the
        same code again with the same label is harmless; with another label it is an error."""
        if not code or len(code) > self.max_length:
            raise ImproperlyConfigured(
                f"{self.name}: {code!r} must be 1 to {self.max_length} characters long"
            )
        known = self._labels.get(code)
        if known is not None and known is not label and str(known) != str(label):
            raise ImproperlyConfigured(f"{self.name}: {code!r} is already registered as {known!r}")
        self._labels.setdefault(code, label)
        return code

    def choices(self) -> list[tuple[str, object]]:
        return list(self._labels.items())

    def __contains__(self, code) -> bool:
        return code in self._labels

    def __iter__(self):
        return iter(self._labels)


class ProvidedVocabulary:
    """Codes a higher app keeps as rows of its own table (the club's departments, which the club
    adds and renames), so no list can be registered when Django starts: the app *provides* a
    function that lists them, as (code, label) pairs, when asked. A lower app's field stores the
    code and checks it with ``in`` (from a validator, so ``full_clean`` refuses an unknown code);
    its forms offer ``choices()``. The list is read each time: never from a cache, never in a
    system check (a field takes no ``choices=`` from here, which checks would read)."""

    def __init__(self, name: str):
        self.name = name
        self._source = None

    def provide(self, source) -> None:
        """Where the codes come from; providing the same function again is harmless."""
        if self._source is not None and self._source is not source:
            raise ImproperlyConfigured(f"{self.name}: the codes are provided already by {self._source!r}")
        self._source = source

    def choices(self) -> list[tuple[str, object]]:
        if self._source is None:
            raise ImproperlyConfigured(f"{self.name}: no installed app provides the codes")
        return list(self._source())

    def __contains__(self, code) -> bool:
        return bool(code) and any(known == code for known, _label in self.choices())
