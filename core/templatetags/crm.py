import functools

from django import template
from django.conf import settings
from django.utils import formats

register = template.Library()


@register.filter
def person(user, empty="—"):
    """A user's full name, else their login, else ``empty``."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@register.filter
def minutes(duration) -> int:
    """A ``timedelta`` in whole minutes, rounded up (a lockout of 14 min 30 s shows 15)."""
    seconds = duration.total_seconds()
    return int(-(-seconds // 60))


@register.filter
def money(amount, currency: str = "yes") -> str:
    """An amount of money as the interface's language writes it: two decimals, grouped
    thousands (1,234.50 in English, 1 234,50 in Russian and Ukrainian), then the club's
    currency; ``|money:"no"`` leaves the currency out (a column that names it in its head)."""
    if amount is None or amount == "":
        return "—"
    text = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    return text if currency == "no" else f"{text} {settings.CURRENCY}"


@register.filter
def qr_code(url: str):
    """The text (a link) as an inline SVG QR code: no image request, so the content security
    policy needs nothing more (segno draws it)."""
    import segno
    from django.utils.safestring import mark_safe

    if not url:
        return ""
    return mark_safe(segno.make(str(url), error="m").svg_inline(scale=4, omitsize=True))  # noqa: S308 - segno's SVG
# --- contacts ---------------------------------------------------------------------------------
def _phone_number(value):
    """``value`` (a PhoneNumber, or a number as text) parsed, or None when it is not a number."""
    import phonenumbers

    if value in (None, ""):
        return None
    if isinstance(value, phonenumbers.PhoneNumber):
        return value if phonenumbers.is_valid_number(value) else None
    try:
        number = phonenumbers.parse(str(value), settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


@register.filter
def phone(value, empty="—") -> str:
    """A phone as the club's region writes it: a number of PHONE_REGION in its national format
    (``067 000 0012`` in Ukraine), any other in the international one (``+48 512 345 678``);
    ``empty`` when there is none."""
    number = _phone_number(value)
    if number is None:
        return str(value) if value not in (None, "") else empty
    return _as_written(number)


def _as_written(number) -> str:
    """A valid number (``_phone_number``) as ``phone`` writes it."""
    import phonenumbers

    same_region = phonenumbers.region_code_for_number(number) == settings.PHONENUMBER_DEFAULT_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_region else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


@register.filter
def phone_link(value, empty="—"):
    """The phone (``phone``) as a tap-to-call link (``tel:`` with the full international number).
    A number as text (as stored: ``Client.phone`` read as a string) is parsed and written once per
    process and region (``_phone_link_of_text``), the same link as its parsed field gives."""
    if value in (None, ""):
        return empty
    if isinstance(value, str):
        return _phone_link_of_text(value, settings.PHONENUMBER_DEFAULT_REGION)
    return _phone_link(value)


def _phone_link(value):
    import phonenumbers
    from django.utils.html import format_html

    number = _phone_number(value)  # validated once, for the link and the text
    if number is None:
        return str(value)
    return format_html(
        '<a href="tel:{}" class="text-nowrap" data-testid="tel-link">{}</a>',
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), _as_written(number),
    )


@functools.lru_cache(maxsize=4096)
def _phone_link_of_text(text: str, region: str):
    """``phone_link`` of a number as text: parsing and formatting with ``phonenumbers`` cost a
    client list's page of 25 rows some 5 ms (issue #17); the region is the key's so that a
    changed setting is obeyed."""
    return _phone_link(text)


@register.filter
def email_link(value, empty="—"):
    """An e-mail address as a tap-to-mail link."""
    from django.utils.html import format_html

    if not value:
        return empty
    return format_html('<a href="mailto:{}" class="text-break">{}</a>', value, value)


# --- forms ------------------------------------------------------------------------------------
@register.filter
def as_field(bound_field):
    """``{{ form.field|as_field }}``: the field as ``|as_crispy_field`` renders it (bootstrap5),
    written directly for plain inputs, selects and checkboxes (``core.forms.bootstrap_field``),
    through crispy for anything else (errors, help text, other widgets)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from core.forms import bootstrap_field

    return bootstrap_field(bound_field) or as_crispy_field(bound_field)
