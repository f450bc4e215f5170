"""Who may open which page of the site, read off the URL resolver.

Every view declares what it needs (``core.capabilities.requires`` / ``public``); this module
walks the URL patterns and lists each page with its requirement. The access-matrix test and the
README's roles section (``manage.py capabilities``) both use it, so that a new page is covered,
and documented, without anyone listing it.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from core import roles
from core.capabilities import (
    ADMIN_PERMISSIONS,
    CAPABILITIES,
    LOGGED_IN,
    ROLE_CAPABILITIES,
    Capability,
)

ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Page:
    name: str  # "namespace:url_name"
    route: str  # "clients/<int:pk>/edit/"
    view: object
    needs: tuple[Capability, ...] | None  # () public; None: the view declares nothing

    @property
    def is_public(self) -> bool:
        return self.needs == ()

    def allows(self, role_names: set[str]) -> bool:
        """Whether a user holding these roles passes the page's capability check."""
        if self.needs is None:
            return False
        if not self.needs or LOGGED_IN in self.needs:
            return True
        held = frozenset().union(*(ROLE_CAPABILITIES.get(role, ()) for role in role_names))
        return any(capability in held for capability in self.needs)


def site_pages() -> list[Page]:
    """Every named page of the site but the admin site's (the admin registry covers those)."""
    pages = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                if ns == ADMIN_NAMESPACE:
                    continue
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                needs = getattr(pattern.callback, "capability", None)
                pages.append(Page(name, prefix + str(pattern.pattern), pattern.callback, needs))

    walk(get_resolver().url_patterns, "", "")
    return sorted(pages, key=lambda page: page.route)


def _route(route: str) -> str:
    return "/" + route.replace("<int:", "<").replace("<str:", "<")


ROLE_HEADINGS = {
    roles.DIRECTOR: "Director",
    roles.MANAGER: "Manager",
    roles.SPECIALIST: "Specialist",
    roles.ADMINISTRATOR: "Front desk",
}


def roles_markdown() -> str:
    """The README's roles section: which role holds each capability, what it means and the
    pages that need it, the public pages, and what each role may do in the admin site (the
    development tools' pages, there only with DEV_TOOLS, left out: not the product's)."""
    pages = [page for page in site_pages() if not page.name.startswith("devtools:")]
    columns = list(roles.ROLES)
    lines = [
        "| capability | " + " | ".join(ROLE_HEADINGS[role] for role in columns) + " |",
        "| --- | " + " | ".join(":---:" for _ in columns) + " |",
    ]
    for capability in CAPABILITIES:
        held = ["✓" if capability in ROLE_CAPABILITIES[role] else "" for role in columns]
        lines.append(f"| {capability.title} | " + " | ".join(held) + " |")
    lines.append("")
    for capability in CAPABILITIES:
        routes = ", ".join(f"`{_route(p.route)}`" for p in pages if p.needs and capability in p.needs)
        lines.append(
            f"- **{capability.title}** (`{capability.code}`): {capability.description}"
            + (f" Pages: {routes}." if routes else "")
        )
    logged_in = ", ".join(f"`{_route(p.route)}`" for p in pages if p.needs and LOGGED_IN in p.needs)
    public = ", ".join(f"`{_route(p.route)}`" for p in pages if p.is_public)
    admin_roles = [role for role in columns if ADMIN_PERMISSIONS.get(role)]
    lines += [
        f"- Any logged-in user: {logged_in}. Public (no login: signed links, the login page, the "
        f"health probe): {public}.",
        "",
        "**The admin site** (`/admin/`) is for the "
        + " and the ".join(ROLE_HEADINGS[role].lower() for role in admin_roles)
        + ". The rows of clients it shows are those the user sees, as on the pages; the *History* "
        "of a row is the director's. What each may do there:",
        "",
        "| model | " + " | ".join(ROLE_HEADINGS[role] for role in admin_roles) + " |",
        "| --- | " + " | ".join("---" for _ in admin_roles) + " |",
    ]
    models = sorted({label for role in admin_roles for label in ADMIN_PERMISSIONS[role]})
    for label in models:
        cells = [", ".join(ADMIN_PERMISSIONS[role].get(label, ())) or "—" for role in admin_roles]
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
