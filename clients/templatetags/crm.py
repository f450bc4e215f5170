from django import template

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
