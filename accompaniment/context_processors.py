from django.conf import settings

from core import roles


def club(request):
    """Values every template may show: the club's name, currency and the user's roles."""
    user = getattr(request, "user", None)
    nav = {}
    if user is not None and user.is_authenticated:
        nav = {
            "is_director": roles.is_director(user),
            "is_manager": roles.is_manager(user),
            "is_specialist": roles.is_specialist(user),
            "works_with_clients": roles.is_director(user)
            or roles.is_manager(user)
            or roles.is_administrator(user),
        }
        match = getattr(request, "resolver_match", None)
        if match is not None:
            nav["section"] = match.namespace or match.url_name
    return {"CLUB_NAME": settings.CLUB_NAME, "CURRENCY": settings.CURRENCY, "nav": nav}
