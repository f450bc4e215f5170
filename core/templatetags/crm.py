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
