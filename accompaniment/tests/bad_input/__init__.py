"""What the bad-input tests share: the garbage they type, a small club to type it into, and the
two checks every case makes — the answer is a message or a 4xx (never a 500), and nothing is
stored half-done (every table of the product has as many rows as before)."""

import datetime
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.html import escape

from core import roles
from core.capabilities import admin_site_roles
from clients.models import HealthDataAccess
from clients.tests import factories as cf
from programs.tests import factories as pf
from sales.tests import factories as sf
from staff.models import Feedback
from staff.tests import factories as stf

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)

# --- what is typed ------------------------------------------------------------------------------
NUL = "Ol\x00ena"  # PostgreSQL refuses NUL in text: it must be a form error, never a 500
LONG = "x" * 10_000
CYRILLIC = "Олена Шевченко-Їжак"
EMOJI = "Olena 💪🏽🧖‍♀️"
COMBINING = "Zoe\u0308 Ange\u0301lique"
ARABIC = "مريم"
HEBREW = "שירה"
RTL_OVERRIDE = "\u202eanelO"
ZERO_WIDTH = "Ol\u200bena\u200d\ufeff"
UNICODE_NAMES = [CYRILLIC, EMOJI, COMBINING, ARABIC, HEBREW, RTL_OVERRIDE, ZERO_WIDTH]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
SQL = "'; DROP TABLE clients_client; --"
SQL_OR = "1 OR 1=1"

NOT_A_DATE = ["abc", "12345", "2025-02-31", "2025-13-01", "31.02.2025", "true", "null", "0001-00-01"]
DATES_TRIED = ["abc", "2025-02-31", "12345", "null"]  # a few of those, for the forms after the first
HUGE_NUMBERS = ["1" + "0" * 20, "NaN", "Infinity", "1e400"]

# Tables whose rows are a side effect of merely opening a page (the log of who saw health data).
READ_LOGS = {HealthDataAccess}


def row_counts() -> dict[str, int]:
    """Rows of every table of the product's apps (change history included), in one query."""
    tables = [
        model
        for label in ("clients", "staff", "programs", "sales")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model not in READ_LOGS and not model._meta.proxy
    ]
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(tables, row)}


def changed_tables(before: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The tables whose row count moved since ``before`` (empty: nothing stored)."""
    after = row_counts()
    return {name: (before[name], after[name]) for name in before if before[name] != after[name]}


def form_errors(response, form="form") -> dict:
    """The errors of the page's form (``{}`` when it has none), read from the template context."""
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    bound = response.context[form]
    if not hasattr(bound, "forms"):
        return dict(bound.errors)
    errors = {"__all__": bound.non_form_errors()} if bound.non_form_errors() else {}
    for line in bound.forms:  # a formset: its lines' errors, as "line:<field>"
        errors.update({f"line:{name}": value for name, value in line.errors.items()})
    return errors


def refused_next_to(response, field: str, form="form") -> list[str]:
    """The messages shown next to ``field`` (``__all__``: on top of the form); fails if none."""
    errors = form_errors(response, form)
    assert field in errors, f"no error next to {field!r}; errors: {errors}"
    return list(errors[field])


def refused(browser, url: str, data: dict, field: str, form="form") -> list[str]:
    """POST ``data``: the form comes back with messages next to ``field`` (returned), and no
    table has a row more or less."""
    before = row_counts()
    response = browser.post(url, data)
    messages = refused_next_to(response, field, form)
    assert changed_tables(before) == {}
    return messages


def assert_escaped(html: str, *texts: str) -> None:
    """Each text appears in the page only in its escaped form, never as live markup."""
    for text in texts:
        assert escape(text) in html, f"{text!r} is not shown (escaped) on the page"
        if escape(text) != text:
            assert text not in html, f"{text!r} is in the page unescaped"


# --- the club -----------------------------------------------------------------------------------
def build_club(make_user):
    """Two managers with a client each, a specialist with a session, and one of everything a
    form of the product can point at."""
    owner = make_user(roles.MANAGER, username="owner")
    rival = make_user(roles.MANAGER, username="rival")
    director = make_user(roles.DIRECTOR, username="boss")
    frontdesk = make_user(roles.ADMINISTRATOR, username="desk")
    specialist_user = make_user(roles.SPECIALIST, username="spec", email="spec@example.com")
    department = stf.DepartmentFactory(name="Fitness", code="fitness")
    service = stf.ServiceFactory(department=department, name="Personal training")
    specialist = stf.StaffMemberFactory(user=specialist_user, department=department)
    plan = cf.MembershipPlanFactory(name="Gym 30", duration_days=30, max_freeze_days=14)

    def member(manager, phone, email, first_name, hours_from_now):
        client = cf.ClientFactory(
            first_name=first_name, last_name="Koval", phone=phone, email=email,
            assigned_manager=manager, consent_email=True,
        )
        membership = cf.MembershipFactory(client=client, plan=plan)
        item = pf.ProgramItemFactory(
            program__client=client, program__manager=manager, service=service, specialist=specialist
        )
        return SimpleNamespace(
            client=client,
            membership=membership,
            program=item.program,
            # one specialist, so each client's session at its own hour (PostgreSQL refuses an overlap)
            session=pf.SessionFactory(
                item=item, specialist=specialist, scheduled_at=timezone.now() + datetime.timedelta(hours=hours_from_now)
            ),
            task=cf.TaskFactory(client=client, assigned_to=manager),
            complaint=stf.FeedbackFactory(
                client=client, staff_member=specialist, kind=Feedback.Kind.COMPLAINT, rating=2,
                text="Late again",
            ),
            recommendation=sf.RecommendationFactory(client=client, specialist=specialist, service=service),
            offer=sf.OfferFactory(client=client, plan=plan, manager=manager),
        )

    return SimpleNamespace(
        owner=owner, rival=rival, director=director, frontdesk=frontdesk,
        specialist_user=specialist_user, specialist=specialist,
        department=department, service=service, plan=plan,
        product=sf.ProductFactory(department=department, name="Cream"),
        promotion=sf.PromotionFactory(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=30)),
        mine=member(owner, "+380501110001", "mine@example.com", "Iryna", 24),
        theirs=member(rival, "+380501110002", "theirs@example.com", "Taras", 27),
    )


# --- one club for a whole module -----------------------------------------------------------------
def make_staff_user(role, username, **extra):
    """A user in a role's group, as conftest's ``make_user`` makes them (usable outside a test)."""
    user = get_user_model().objects.create(
        username=username, password=make_password("pass-12345-word", hasher=MD5PasswordHasher()),
        is_staff=role in admin_site_roles(), **extra,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def refreshed(value):
    """The club as the database has it now: every record read again (a test may have changed
    the Python objects of the one before it, whose database changes are rolled back)."""
    if isinstance(value, models.Model):
        return type(value)._default_manager.get(pk=value.pk)
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{name: refreshed(item) for name, item in vars(value).items()})
    return value


def once_per_module(build):
    """A module-scoped fixture of what ``build()`` makes, built inside a transaction rolled back
    after the module's last test (each test still runs in a savepoint of its own)."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build()
            transaction.set_rollback(True)

    return fixture


club_once = once_per_module(lambda: build_club(make_staff_user))


@pytest.fixture
def club(club_once, db):
    return refreshed(club_once)
