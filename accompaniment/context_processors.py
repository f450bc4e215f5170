from django.conf import settings

from core.capabilities import WORK_WITH_CLIENTS, Can, can

# The navigation item each page belongs to, by the URL's name (``namespace:name``); a namespace
# alone stands for its other pages. A page of a client's (a program, an offer, a sale, a
# feedback) belongs to *Clients* for whoever works with clients.
NAV_ITEMS = {
    "dashboard": "dashboard",
    "home": "today",
    "desk": "desk",
    "programs:my-sessions": "my-sessions",
    "programs:classes": "classes",
    "programs:class-occurrence": "classes",
    "programs:class-book": "classes",
    "programs:class-booking-cancel": "classes",
    "staff:my-feedback": "my-feedback",
    "staff:feedback-answer": "my-feedback",
    "staff:quality": "quality",
    "staff:members": "quality",
    "staff-member": "quality",
    "sales:my-recommendations": "my-recommendations",
    "sales:recommend": "my-recommendations",
    "sales:promotions": "marketing",
    "sales:promotion": "marketing",
    "sales:ambassadors": "marketing",
    "sales:pay": "marketing",
    "staff:assessment-compare": "marketing",
    "staff:assessment-create": "marketing",
}
NAV_NAMESPACES = {"clients": "clients", "programs": "clients", "sales": "clients", "staff": "clients"}


def nav_item(user, view_name: str, namespace: str) -> str:
    """The navigation item to highlight for a page (``""``: none)."""
    if view_name in NAV_ITEMS:
        return NAV_ITEMS[view_name]
    if view_name.startswith("client") or namespace in NAV_NAMESPACES:
        if can(user, WORK_WITH_CLIENTS):
            return "clients"
        return "my-feedback" if namespace == "staff" else ""
    return ""


def club(request):
    """Values every template may show: the club's name and currency, what the user may do
    (``can.<capability>``, see ``core.capabilities``) and the navigation's current item."""
    user = getattr(request, "user", None)
    nav = {}
    if user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        if match is not None:
            nav["item"] = nav_item(user, match.view_name, match.namespace)
    return {
        "CLUB_NAME": settings.CLUB_NAME,
        "CURRENCY": settings.CURRENCY,
        "nav": nav,
        "can": Can(user) if user is not None else Can(None),
    }
