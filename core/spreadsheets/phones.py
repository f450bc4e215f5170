"""A file's phone, parsed, checked and formatted once (``KnownPhone``).

On its way in, an imported phone is read many times: as the row's key, set on the model
field, by the field's validator, written with the row and again with its history record. A
plain ``PhoneNumber`` is checked and formatted anew at each of those reads (its truth value
alone formats it), which for 20,000 rows was a third of an import. A ``KnownPhone`` is
made only from a number the cell parser found valid, and remembers that and its E.164 text.
"""

import phonenumbers
from phonenumber_field.phonenumber import PhoneNumber

E164 = phonenumbers.PhoneNumberFormat.E164
_KEPT = ("country_code", "national_number", "extension", "italian_leading_zero", "number_of_leading_zeros")


class KnownPhone(PhoneNumber):
    """A valid phone number with its E.164 text kept: written as that text (``str()``), equal to
    it and hashed as it (a dict keyed by E.164 strings finds it, a query compares it as it is
    stored), written to the database without being checked or formatted again. Pickled as its few numbers (the validated rows
    wait in the cache between an import's preview and its confirmation)."""

    e164_text = ""  # empty on a KnownPhone made bare (the library makes some to compare)

    @classmethod
    def of(cls, number: PhoneNumber) -> "KnownPhone":
        """``number``, which must be valid, as a KnownPhone (formatted here, once)."""
        known = cls()
        known.merge_from(number)
        known.e164_text = phonenumbers.format_number(number, E164)
        return known

    def is_valid(self) -> bool:
        return True if self.e164_text else super().is_valid()

    def format_as(self, format):
        if format == E164 and self.e164_text:
            return self.e164_text
        return super().format_as(format)

    def __str__(self) -> str:
        return self.e164_text or super().__str__()

    def __len__(self) -> int:
        return len(str(self))

    def __bool__(self) -> bool:
        return len(self) > 0

    def __eq__(self, other):
        if self.e164_text:
            kind = type(other)  # the common cases first: a field asks often whether it is empty
            if kind is str or other is None:
                return other == self.e164_text
            if kind in (list, tuple, dict):
                return False
            if isinstance(other, str):
                return other == self.e164_text
            if isinstance(other, KnownPhone) and other.e164_text:
                return other.e164_text == self.e164_text
            if not isinstance(other, phonenumbers.PhoneNumber):
                return False  # None, [], … (a field asks whether the value is empty)
        return super().__eq__(other)

    def __hash__(self):
        return hash(self.e164_text) if self.e164_text else super().__hash__()

    def __reduce__(self):
        return _known_phone, (self.e164_text, *(getattr(self, name) for name in _KEPT))


def _known_phone(e164_text: str, *kept) -> KnownPhone:
    known = KnownPhone(**dict(zip(_KEPT, kept, strict=True)))
    known.e164_text = e164_text
    return known
