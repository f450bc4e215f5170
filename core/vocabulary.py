"""A vocabulary that apps add words to: the codes a lower app's field stores, contributed by the
apps above it, so that the lower app never names (or imports) them.

A model field takes the vocabulary as callable choices (``choices=some_module.kind_choices``,
a module-level function): migrations keep the function's name, not the list, so a new word
needs no migration; ``full_clean()``, forms, the admin's list filter and ``get_FOO_display()``
all read the words registered when they run. Each app registers its words when Django starts
(from its ``AppConfig.ready()``), so every word is known before a row is checked.
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
