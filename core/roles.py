"""The four roles of the product, as Django groups.

The names live in the lowest layer so that every app can ask "what is this user?"; what each
role may do, and the admin permissions each group holds, are declared in ``core/capabilities.py``.
"""

from django.utils.translation import gettext_lazy as _

DIRECTOR = "Director"
MANAGER = "Accompaniment manager"
SPECIALIST = "Specialist"
ADMINISTRATOR = "Administrator"

ROLES = (DIRECTOR, MANAGER, SPECIALIST, ADMINISTRATOR)

# Translated labels for the interface; the group names themselves stay stable in the database.
ROLE_LABELS = {
    DIRECTOR: _("Director"),
    MANAGER: _("Accompaniment manager"),
    SPECIALIST: _("Specialist"),
    ADMINISTRATOR: _("Administrator"),
}


def user_roles(user) -> set[str]:
    """The role names a user holds (a superuser counts as a director)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(DIRECTOR)
        user._role_names = cached
    return cached


def is_director(user) -> bool:
    return DIRECTOR in user_roles(user)


def is_manager(user) -> bool:
    return MANAGER in user_roles(user)


def is_specialist(user) -> bool:
    return SPECIALIST in user_roles(user)


def is_administrator(user) -> bool:
    return ADMINISTRATOR in user_roles(user)
