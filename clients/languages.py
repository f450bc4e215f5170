"""Each staff user's interface language, remembered between logins and devices.

The choice is stored in ``UserPreference`` and copied into the session at login, so that
``UserLanguageMiddleware`` activates it on every request without a query. Anonymous visitors
(the login page) get Django's usual choice: the language cookie, then the browser's languages.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from .models import UserPreference

SESSION_KEY = "user_language"


def supported(language: str | None) -> str | None:
    """``language`` when the interface speaks it, else None."""
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else None


def chosen_language(user) -> str | None:
    """The language a user chose (one query), None when they chose none the interface speaks."""
    return supported(UserPreference.objects.filter(user=user).values_list("language", flat=True).first())


def user_language(user) -> str:
    """The language a user chose, or the club's default language."""
    return chosen_language(user) or settings.LANGUAGE_CODE


def user_language_set(*, user, language: str, session=None) -> None:
    """Remember ``language`` for ``user`` (and for the running session)."""
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})
    if session is not None:
        session[SESSION_KEY] = language


@receiver(user_logged_in, dispatch_uid="clients.languages.remember_at_login")
def _remember_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = chosen_language(user) or ""


class UserLanguageMiddleware:
    """After authentication: a logged-in user's own language wins over cookie and browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = supported(request.session.get(SESSION_KEY))
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


def speak_the_clients_language(request, language: str | None) -> None:
    """A page a client opens from a message (survey, unsubscribe) speaks the language their
    messages are written in, whatever the browser says."""
    language = supported(language)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
