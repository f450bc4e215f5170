"""Who is knocking: the client's address for login protection, also behind a proxy; the login
lockout by username and address and by address alone; the load balancer's health probe."""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db.models import F, Sum, Value
from django.db.models.functions import Least


class LoggableLoginMixin:
    """A login form that refuses, before anybody is looked up, what the lockout's log of failed
    attempts could not store: a username longer than any user's, or a NUL character anywhere in
    the request it records (query, form, browser name), which PostgreSQL refuses in text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean(self):
        if self.request is not None and _has_nul(self.request):
            validator = ProhibitNullCharactersValidator()
            raise ValidationError(validator.message, code=validator.code)
        return super().clean()


def _has_nul(request) -> bool:
    texts = [request.META.get("HTTP_USER_AGENT", "")]
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            texts += [key, *values]
    return any("\x00" in text for text in texts)


class LoginForm(LoggableLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(LoggableLoginMixin, AdminAuthenticationForm):
    pass


def client_ip(request) -> str | None:
    """The address a request came from. Behind a TLS-terminating proxy (``BEHIND_PROXY``) that is
    the last address the proxy appended to ``X-Forwarded-For`` — the one hop we trust; earlier
    ones are whatever the client claimed. Otherwise the socket's address."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops and _is_address(hops[-1]):
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


class PairAndAddressLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher threshold for an address as a whole.

    The pair: after LOGIN_FAILURE_LIMIT (5) wrong passwords for one username from one address,
    that username is paused there (``AXES_LOCKOUT_PARAMETERS``). The address: after
    LOGIN_ADDRESS_FAILURE_LIMIT (30) failures from one address within the lockout window,
    whatever the usernames, nobody logs in from there until the window has passed — password
    spraying, many usernames tried once or twice each. Each username counts at most
    LOGIN_FAILURE_LIMIT of its failures towards the address's, so one person's typos (however
    often they retry) never pause a whole club behind one NAT address: it takes failures for
    several usernames.

    Both counts are read from axes' own records (a row per username, address and browser), so
    the same lockout page answers and the same tools lift them: the admin site's *Access
    attempts*, ``axes_reset_ip <address>``, ``axes_reset_username <username>``. The lockout
    page says which of the two paused the login (``request.axes_address_locked``).
    """

    def address_failures(self, request) -> int:
        """Failures from the request's address within the lockout window, each username's
        counted up to LOGIN_FAILURE_LIMIT."""
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        per_username = attempts.values("username").annotate(failures=Sum("failures_since_start"))
        capped = Least(F("failures"), Value(get_failure_limit(request, None)))
        return per_username.aggregate(total=Sum(capped))["total"] or 0

    def get_failures(self, request, credentials=None) -> int:
        """The failures axes compares with the pair's limit: the pair's own, or — once the
        address as a whole has reached LOGIN_ADDRESS_FAILURE_LIMIT — at least that limit."""
        failures = super().get_failures(request, credentials)
        request.axes_address_locked = (
            self.address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )
        if request.axes_address_locked:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def _is_address(text: str) -> bool:
    """Whether ``text`` is an IP address (the log of attempts stores nothing else)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class RefuseNulInAddressMiddleware:
    """A NUL character has no business in an address: PostgreSQL refuses it in any text, and the
    admin site's lists pass their filters to the database as typed (``?stage=%00`` would end in
    an error page). In the admin site such a request is answered 400 up front; the product's own
    pages check their parameters themselves and say what is wrong."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.urls import reverse

        if request.path.startswith(reverse("admin:index")) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            from django.core.exceptions import BadRequest
            from django.views.defaults import bad_request

            return bad_request(request, BadRequest("NUL character in the address"))
        return self.get_response(request)


class HealthProbeMiddleware:
    """First of all middleware: answers the load balancer's probe of ``/health/`` (GET or HEAD)
    before anything else looks at the request. Balancers probe each server by its address over
    plain HTTP, so the probe is not redirected to HTTPS and its Host header is not held against
    ALLOWED_HOSTS; it opens no session. The answer says only whether the database answers
    (``accompaniment.views.health``); every other request goes on as usual."""

    def __init__(self, get_response):
        from django.urls import reverse

        self.get_response = get_response
        self.path = reverse("health")

    def __call__(self, request):
        if request.path_info == self.path and request.method in ("GET", "HEAD"):
            from .views import health

            return health(request)
        return self.get_response(request)
