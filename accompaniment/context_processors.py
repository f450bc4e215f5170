from django.conf import settings

from core.capabilities import Can


def club(request):
    """Values every template may show: the club's name and currency, what the user may do
    (``can.<capability>``, see ``core.capabilities``) and the navigation's current section."""
    user = getattr(request, "user", None)
    nav = {}
    if user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        if match is not None:
            nav["section"] = match.namespace or match.url_name
    return {
        "CLUB_NAME": settings.CLUB_NAME,
        "CURRENCY": settings.CURRENCY,
        "nav": nav,
        "can": Can(user) if user is not None else Can(None),
    }
