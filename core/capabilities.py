"""What each role may do, named once.

A *capability* is one thing a person may do in the product ("open the dashboard", "accompany
clients"). Each role holds a set of them (``ROLE_CAPABILITIES``), and everything that asks
"may this user…?" asks here, by name:

- every page declares the capability it needs with ``@requires(...)`` (public pages with
  ``@public``): an anonymous visitor is sent to log in, a user without it gets 403;
- templates and the navigation read the same names (``can.open_dashboard``, from the context
  processor ``accompaniment.context_processors.club``);
- the admin site's audience is the roles that may ``enter_data``, and what each of them may do
  there is ``ADMIN_PERMISSIONS`` (Django's model permissions, given to the role's group after
  every ``migrate`` by ``sync_roles``);
- the README's roles section is printed from this module (``manage.py capabilities``) and a test
  keeps the two equal; the access-matrix test derives every page's expected answer from it.

Which *records* a user sees once a page lets them in is the visibility rule of the records
(``clients.selectors.clients_visible_to`` and the selectors and admin built on it): a manager
sees only their own clients, on every page, export and admin list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from . import roles
from .roles import ADMINISTRATOR, DIRECTOR, MANAGER, SPECIALIST


@dataclass(frozen=True)
class Capability:
    """One thing a person may do; ``description`` is its definition (printed in the README)."""

    code: str
    title: str
    description: str

    def __str__(self) -> str:
        return self.code


OPEN_DASHBOARD = Capability(
    "open_dashboard", "Open the dashboard",
    "The director's dashboard: the club's figures, the managers', departments' and staff's "
    "results and the at-risk clients, with their CSV exports.",
)
SEE_PAY = Capability(
    "see_pay", "See pay",
    "The block pay report: turnover, consumables, salaries, block profit and the head's pay.",
)
ASSESS_STAFF = Capability(
    "assess_staff", "Assess staff",
    "Record competency assessments of candidates and staff and compare them.",
)
HANDLE_CLIENT_DATA = Capability(
    "handle_client_data", "Handle a client's data requests",
    "A client's change history and health-data access log, the export of everything held about "
    "them, and the erasure of their personal data.",
)
READ_HISTORY = Capability(
    "read_history", "Read the change history",
    "Who changed what and when (old → new) of any record: on the client's card and as the "
    "*History* of a row in the admin site (read only, nothing is put back).",
)
OVERRIDE_UPSELL_POLICY = Capability(
    "override_upsell_policy", "Override the upsell policy",
    "Record an offer beyond the client's stage policy, with a reason that is kept.",
)
SET_PRICES = Capability(
    "set_prices", "Set prices",
    "Sell a card at another price than its plan's, and give a discount above the limit at the "
    "point of sale.",
)
EDIT_LEDGER = Capability(
    "edit_ledger", "Edit the ledger",
    "Enter, correct or remove rows of the sales ledger by hand (a refund, a sale outside an "
    "offer); everyone else reads it.",
)
COVER_MANAGERS = Capability(
    "cover_managers", "Reassign clients and cover for managers",
    "Reassign clients to another manager (one, the client list's filtered set, or all of a "
    "manager's) and set a temporary cover for an absent manager: within its dates the covering "
    "manager sees those clients, their messages and their tasks.",
)
SEE_ALL_CLIENTS = Capability(
    "see_all_clients", "See every client",
    "Every client's records. Without it, an accompaniment manager sees the clients assigned to "
    "them — on every page, export and list.",
)
WORK_WITH_CLIENTS = Capability(
    "work_with_clients", "Work with client records",
    "The client list and search, the client card with contacts, adding and editing clients, "
    "selling, renewing and freezing memberships, check-in, measurements, recording a "
    "client's feedback; the front desk's screen (find, check in, sell a plan or a service, "
    "take a freeze request for the manager).",
)
ACCOMPANY_CLIENTS = Capability(
    "accompany_clients", "Accompany clients",
    "The manager's relationship work: the Today agenda, logging calls and meetings, follow-up "
    "tasks, programs (build, activate, complete, cancel, mark sessions), offers and their "
    "outcomes, deciding on specialists' recommendations, relaying and resolving feedback; the "
    "conversation with the client (answering their messages, the Telegram link, the personal "
    "page's link).",
)
DO_MARKETING = Capability(
    "do_marketing", "Do marketing",
    "Promotions (see who the segment reaches, send a running one) and the ambassadors list — "
    "only of the clients the user sees (a manager: their own).",
)
RUN_PROMOTIONS = Capability(
    "run_promotions", "Run promotions",
    "Choose a promotion's target segment, and send a promotion outside its dates (an "
    "announcement before it starts). Promotions themselves are set up in the admin site.",
)
SEE_QUALITY = Capability(
    "see_quality", "See service quality",
    "Staff and service quality: thanks, complaints, ratings, NPS. A specialist sees only their "
    "own line.",
)
SEE_STAFF = Capability(
    "see_staff", "See staff members",
    "Any staff member's page (services, sessions this month, feedback, latest assessment). "
    "Without it, a specialist sees only their own page.",
)
PLAN_SCHEDULE = Capability(
    "plan_schedule", "Plan the schedule",
    "The calendar of every specialist and room: book a single session, move or resize a session by "
    "dragging it, cancel one with the reason, and confirm a program's plan — for the clients the user "
    "sees (a manager: their own; other clients' sessions show only as busy time). A specialist without "
    "it sees their own column, read only.",
)
DELIVER_SESSIONS = Capability(
    "deliver_sessions", "Deliver sessions",
    "A specialist's own work: their sessions (clients' names and health flags, never contacts), "
    "marking them, recommending services and products, answering feedback about them.",
)
ENTER_DATA = Capability(
    "enter_data", "Enter data in the admin site",
    "The admin site: the club's catalog, plans, memberships, visits, expenses, imports and "
    "exports, within the model permissions below.",
)
IMPORT_DATA = Capability(
    "import_data", "Import spreadsheets",
    "Import clients, memberships, services and staff from CSV or Excel in the admin site (with "
    "the model's add and change permissions); whoever may view a list exports it.",
)

CAPABILITIES: tuple[Capability, ...] = (
    OPEN_DASHBOARD, SEE_PAY, ASSESS_STAFF, HANDLE_CLIENT_DATA, READ_HISTORY, OVERRIDE_UPSELL_POLICY,
    SET_PRICES, EDIT_LEDGER, COVER_MANAGERS,
    SEE_ALL_CLIENTS, WORK_WITH_CLIENTS, ACCOMPANY_CLIENTS, DO_MARKETING, RUN_PROMOTIONS, SEE_QUALITY,
    SEE_STAFF, PLAN_SCHEDULE,
    DELIVER_SESSIONS, ENTER_DATA, IMPORT_DATA,
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    DIRECTOR: frozenset(CAPABILITIES) - {DELIVER_SESSIONS},
    MANAGER: frozenset({
        WORK_WITH_CLIENTS, ACCOMPANY_CLIENTS, DO_MARKETING, SEE_QUALITY, SEE_STAFF, PLAN_SCHEDULE,
    }),
    SPECIALIST: frozenset({DELIVER_SESSIONS, SEE_QUALITY}),
    # The front desk enters data and checks people in; the relationship is the manager's.
    ADMINISTRATOR: frozenset({WORK_WITH_CLIENTS, SEE_ALL_CLIENTS, PLAN_SCHEDULE, ENTER_DATA, IMPORT_DATA}),
}


def capabilities_of(user) -> frozenset[Capability]:
    """Everything the user's roles allow (nothing for an anonymous or inactive user)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_capabilities", None)
    if cached is None:
        cached = frozenset().union(*(ROLE_CAPABILITIES.get(role, ()) for role in roles.user_roles(user)))
        user._capabilities = cached
    return cached


def can(user, capability: Capability) -> bool:
    return capability in capabilities_of(user)


LOGGED_IN = Capability(
    "logged_in", "Log in",
    "Any user with an account: the home page sends each role to its work.",
)


def requires(*needed: Capability):
    """A view decorator: log in first; then 403 unless the user holds one of ``needed``
    (``LOGGED_IN``: any logged-in user). Finer rules — which records — stay in the view's
    selectors.

    The view keeps what it needs as ``view.capability`` (a tuple; the access matrix reads it)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if LOGGED_IN not in needed and not any(can(request.user, c) for c in needed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.capability = needed
        return wrapper

    return decorate


def public(view):
    """Marks a page that anybody may open (a signed link, the login page, a health probe)."""
    view.capability = ()
    return view


def ensure(user, capability: Capability) -> None:
    """Inside a view: 403 unless the user holds ``capability`` (for a second, finer check)."""
    if not can(user, capability):
        raise PermissionDenied


class Can:
    """``can.<code>`` in templates: whether the user holds the capability of that code."""

    def __init__(self, user):
        self._codes = {c.code for c in capabilities_of(user)} if user is not None else set()

    def __getattr__(self, code: str) -> bool:
        if code.startswith("_"):
            raise AttributeError(code)
        if code not in CAPABILITY_CODES:
            raise AttributeError(f"No capability named {code!r}")
        return code in self._codes

    def __getitem__(self, code: str) -> bool:  # Django templates try item lookup first
        try:
            return self.__getattr__(code)
        except AttributeError:
            raise KeyError(code) from None


CAPABILITY_CODES = {capability.code for capability in CAPABILITIES}


# --- The admin site --------------------------------------------------------------------------
VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")

# What each role that may ``enter_data`` may do with each model in the admin site. Rows that
# belong to a client are further narrowed to the clients the user sees (the same rule as the
# pages), and a row's *History* is for directors only.
ADMIN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    DIRECTOR: {
        "clients.client": ALL,
        "clients.contraindication": ALL,
        "clients.measurement": ALL,
        "clients.membershipplan": ALL,
        "clients.membership": ALL,
        "clients.freeze": ALL,
        "clients.visit": ALL,
        "clients.interaction": ALL,
        "clients.task": ALL,
        "clients.notification": EDIT,
        "staff.department": ALL,
        "staff.staffmember": ALL,
        "staff.payrate": ALL,
        "staff.service": ALL,
        "staff.feedback": ALL,
        "staff.surveyresponse": VIEW,
        "staff.competencyassessment": ALL,
        "staff.competencyscore": ALL,
        "programs.programtemplate": ALL,
        "programs.programtemplateitem": ALL,
        "programs.program": ALL,
        "programs.programitem": ALL,
        "programs.session": ALL,
        "programs.groupclass": ALL,
        "programs.classoccurrence": VIEW,
        "programs.classbooking": VIEW,
        "programs.calendarfeed": ("view", "delete"),  # delete: the feed turned off
        "sales.product": ALL,
        "sales.recommendation": ALL,
        "sales.offer": ALL,
        "sales.sale": ALL,
        "sales.upsellpolicy": ALL,
        "sales.promotion": ALL,
        "sales.departmentexpense": ALL,
        "django_celery_beat.periodictask": ALL,
        "django_celery_beat.crontabschedule": ALL,
        "django_celery_beat.intervalschedule": ALL,
        "auth.user": VIEW,
        "clients.userpreference": VIEW,
        "clients.healthdataaccess": VIEW,
        "clients.clienterasure": VIEW,
        "clients.managercover": VIEW,
        "clients.clientlink": VIEW,
        "clients.telegramupdate": VIEW,
        # Login protection: see the attempts, lift a lockout by deleting its row.
        "axes.accessattempt": ("view", "delete"),
        "axes.accesslog": VIEW,
    },
    ADMINISTRATOR: {
        "clients.client": EDIT,
        "clients.contraindication": EDIT,
        "clients.measurement": EDIT,
        "clients.membershipplan": EDIT,
        "clients.membership": EDIT,
        "clients.freeze": EDIT,
        "clients.visit": ALL,
        "clients.interaction": VIEW,
        "clients.task": VIEW,
        "clients.notification": VIEW,
        "staff.department": EDIT,
        "staff.staffmember": EDIT,
        "staff.service": EDIT,
        "staff.feedback": ("view", "add"),
        "programs.programtemplate": EDIT,
        "programs.programtemplateitem": ALL,
        "programs.session": VIEW,
        "programs.groupclass": EDIT,
        "programs.classoccurrence": VIEW,
        "programs.classbooking": VIEW,
        "sales.product": EDIT,
        "sales.sale": VIEW,
        "sales.promotion": VIEW,
        "sales.departmentexpense": EDIT,
        "auth.user": VIEW,
        "axes.accessattempt": ("view", "delete"),
    },
    # Managers and specialists work in the product's pages, not in the admin site.
    MANAGER: {},
    SPECIALIST: {},
}

def admin_site_roles() -> set[str]:
    return {role for role, capabilities in ROLE_CAPABILITIES.items() if ENTER_DATA in capabilities}


def sync_roles(apps) -> None:
    """Create the role groups and give each exactly its admin permissions (idempotent).

    Runs after every ``migrate`` (``accompaniment.apps``), so the groups always hold what this
    module declares."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # The historical apps of a migration have no models module: pretend, for this call.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in roles.ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for label, actions in ADMIN_PERMISSIONS.get(role, {}).items():
            app_label, model = label.split(".")
            codenames = [f"{action}_{model}" for action in actions]
            found = list(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
            if len(found) != len(codenames):
                missing = set(codenames) - {p.codename for p in found}
                raise LookupError(f"Permissions not found for {role}: {app_label}.{missing}")
            wanted.extend(found)
        group.permissions.set(wanted)
