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
    import phonenumbers

    number = _phone_number(value)
    if number is None:
        return str(value) if value not in (None, "") else empty
    same_region = phonenumbers.region_code_for_number(number) == settings.PHONENUMBER_DEFAULT_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_region else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


@register.filter
def phone_link(value, empty="—"):
    """The phone (``phone``) as a tap-to-call link (``tel:`` with the full international number)."""
    import phonenumbers
    from django.utils.html import format_html

    number = _phone_number(value)
    if number is None:
        return phone(value, empty)
    return format_html(
        '<a href="tel:{}" class="text-nowrap" data-testid="tel-link">{}</a>',
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), phone(number),
    )


@register.filter
def email_link(value, empty="—"):
    """An e-mail address as a tap-to-mail link."""
    from django.utils.html import format_html

    if not value:
        return empty
    return format_html('<a href="mailto:{}" class="text-break">{}</a>', value, value)
