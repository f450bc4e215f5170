"""Who is knocking: the client's address for login protection, also behind a proxy."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address a request came from. Behind a TLS-terminating proxy (``BEHIND_PROXY``) that is
    the last address the proxy appended to ``X-Forwarded-For`` — the one hop we trust; earlier
    ones are whatever the client claimed. Otherwise the socket's address."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
