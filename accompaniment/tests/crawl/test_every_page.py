"""The browser crawl: every page each role can reach, in English, Russian and Ukrainian, at a
phone's width (390 px) and a laptop's (1366 px), in real Chromium, on the demo club:

- the page never scrolls sideways, no element is cut off by (or sticks out of) its box, a box
  scrolls sideways only on a phone (a wide table in its own box), the navigation is one line;
- no JavaScript error and no content-security-policy violation;
- every word is in the page's language (the club's own data — names, services — aside);
- the main pages' screenshots are written to var/screenshots/crawl-*.png.

Each role is one test (one browser tab, reused for all its pages); it reports every problem it
found, not only the first. The crawl looks at what the browser draws, not at the database: it
runs on SQLite only (the PostgreSQL pass skips it, saying so).
"""

import os
import re
from collections import defaultdict

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, models
from django.urls import NoReverseMatch, reverse

from accompaniment.access import site_pages
from conftest import screenshot
from core import roles

from .checks import LAYOUT_PROBLEMS, PAGE_TEXT, data_words, wrong_language_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("en", "ru", "uk")
WIDTHS = {"phone": 390, "laptop": 1366}
DEMO_PASSWORD = "demo12345"
ROLE_LOGINS = {
    roles.MANAGER: "manager", roles.SPECIALIST: "trainer", roles.ADMINISTRATOR: "frontdesk",
    roles.DIRECTOR: "director",
}
# Pages whose screenshots are kept (by URL name), at both widths and in every language.
MAIN_PAGES = {
    "home", "desk", "login", "survey", "clients:list", "client-card", "dashboard", "programs:my-sessions",
    "programs:create", "sales:membership-sell", "staff:quality", "staff:feedback", "clients:create",
}
# The apps whose rows hold the club's data (the words the allow-list takes): names of people,
# services and plans, notes; the role groups' and the periodic tasks' names, browsers' user agents.
DATA_APPS = ("clients", "staff", "programs", "sales", "auth", "django_celery_beat", "axes")


@pytest.fixture
def demo_club(transactional_db):
    if connection.vendor != "sqlite":
        pytest.skip("the browser crawl checks what the browser draws: it runs in the SQLite pass only")
    call_command("seed_demo", clients=40, force=True, stdout=open(os.devnull, "w"))
    return data_words(_data_strings())


def _data_strings(apps=DATA_APPS):
    from django.apps import apps as registry

    for model in registry.get_models():
        if model._meta.app_label not in apps:
            continue
        fields = [f.name for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and not f.choices]
        if fields:
            for row in model._default_manager.values_list(*fields):
                yield from row


# --- the records each role's pages are about ----------------------------------------------------
def records_of(user) -> dict:
    """One record of each kind the user sees (the one with most on it), for the pages' arguments."""
    from clients.selectors import clients_visible_to
    from programs.selectors import programs_visible_to, sessions_of_specialist, sessions_visible_to
    from sales.models import Offer, Promotion, Recommendation
    from staff.models import StaffMember
    from staff.selectors import feedback_visible_to
    from clients.models import Task

    from django.db.models import Count

    member = StaffMember.objects.filter(user=user).first()
    clients = clients_visible_to(user).annotate(
        n=Count("memberships", distinct=True) + Count("programs", distinct=True) + Count("feedback", distinct=True)
    ).order_by("-n", "pk")
    client = clients.first()
    sessions = sessions_of_specialist(member) if member else sessions_visible_to(user)
    found = {
        "client": client,
        "membership": client.memberships.order_by("-end_date").first() if client else None,
        "program": programs_visible_to(user).order_by("-pk").first(),
        "session": sessions.order_by("pk").first(),
        "feedback": feedback_visible_to(user).order_by("-pk").first(),
        "offer": Offer.objects.filter(client__in=clients_visible_to(user)).order_by("pk").first(),
        "recommendation": Recommendation.objects.filter(client__in=clients_visible_to(user)).order_by("pk").first(),
        "task": Task.objects.filter(assigned_to=user).order_by("pk").first(),
        "promotion": Promotion.objects.order_by("pk").first(),
        "staff_member": member or StaffMember.objects.exclude(user=None).order_by("pk").first(),
    }
    return found


RECORD_OF_SEGMENT = {
    "clients": "client", "memberships": "membership", "programs": "program", "sessions": "session",
    "feedback": "feedback", "offers": "offer", "recommendations": "recommendation", "tasks": "task",
    "promotions": "promotion", "members": "staff_member",
}


def page_url(page, records) -> str | None:
    """The page's address with the user's records, None when the user has no such record."""
    kwargs = {}
    segments = page.route.split("/")
    for name in re.findall(r"<(?:\w+:)?(\w+)>", page.route):
        if name in ("pk", "id"):
            index = next(i for i, s in enumerate(segments) if f"{name}>" in s)
            kind = RECORD_OF_SEGMENT.get(segments[index - 1])
        else:
            kind = name.removesuffix("_pk")
        record = records.get(kind)
        if record is None:
            return None
        kwargs[name] = record.pk
    try:
        return reverse(page.name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def site_urls(user, role) -> list[tuple[str, str]]:
    records = records_of(user)
    urls = []
    for page in site_pages():
        if page.is_public or not page.allows({role}):
            continue
        url = page_url(page, records)
        if url is not None:
            urls.append((page.name, url))
    return urls


def admin_urls(user) -> list[tuple[str, str]]:
    """The admin site's index, and each model's list and add form the user may open."""
    from django.test import RequestFactory

    if not user.is_staff:
        return []
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [("admin:index", reverse("admin:index"))]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        opts = model._meta
        if model_admin.has_view_or_change_permission(request):
            urls.append((f"admin:{opts.label_lower}", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        if model_admin.has_add_permission(request):
            urls.append((f"admin:{opts.label_lower}:add", reverse(f"admin:{opts.app_label}_{opts.model_name}_add")))
    return urls


def pages_to_see(user, urls) -> list[tuple[str, str]]:
    """Those of ``urls`` that answer a GET with a page (not an action that takes only a POST,
    not a download)."""
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    kept = []
    for name, url in urls:
        response = browser.get(url)
        if response.status_code != 405 and "text/html" in response.get("Content-Type", ""):
            kept.append((name, url))
    return kept


# --- one visit ----------------------------------------------------------------------------------
def look(page, name, url, language, allowed, problems, screenshot_as):
    response = page.goto(url)
    if response is None:
        return
    if response.status == 405 or "text/html" not in (response.headers.get("content-type") or ""):
        return  # an action (POST only) or a download
    if response.status != 200:
        problems[f"{name} {url}"].append(f"answered {response.status}")
        return
    look_here(page, name, url, language, allowed, problems, screenshot_as)


def look_here(page, name, url, language, allowed, problems, screenshot_as):
    """The checks, on the page the tab shows, at both widths."""
    page.wait_for_load_state("load")
    found = []
    for width_name, width in WIDTHS.items():
        if page.viewport_size["width"] != width:
            page.set_viewport_size({"width": width, "height": 900})
        found += [f"{width}px: {p}" for p in page.evaluate(LAYOUT_PROBLEMS, width_name == "phone")]
        if name in MAIN_PAGES:
            screenshot(page, f"crawl-{screenshot_as}-{name.replace(':', '-')}-{language}-{width}")
    text = page.evaluate(PAGE_TEXT)
    if text["language"] != language:
        found.append(f"the page is in {text['language']!r}, not {language!r}")
    wrong = wrong_language_words(text["text"], text["language"], allowed)
    if wrong:
        found.append(f"not in {text['language']}: {', '.join(wrong[:25])}")
    found += [f"content security policy: {v}" for v in page.evaluate("window.__cspViolations.splice(0)")]
    found += [f"JavaScript error: {e}" for e in page.js_errors]
    page.js_errors.clear()
    if found:
        problems[f"{name} {url} [{language}]"] += found


def crawl_as(browser_page, live_server, username, urls, allowed, screenshot_as):
    page = browser_page
    page.context.clear_cookies()
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    # This browser's own logins are data the login protection's pages show (its user agent).
    allowed = allowed | data_words(_data_strings(apps=("axes",)))
    problems = defaultdict(list)
    for language in LANGUAGES:
        page.set_viewport_size({"width": WIDTHS["laptop"], "height": 900})
        page.goto("/")
        with page.expect_navigation():
            page.locator("#language-select").select_option(language)
        for name, url in urls:
            look(page, name, url, language, allowed, problems, screenshot_as)
    return problems


def report(problems) -> str:
    return "\n".join(f"- {where}:\n    " + "\n    ".join(found) for where, found in problems.items())


@pytest.mark.parametrize("role", [roles.MANAGER, roles.SPECIALIST, roles.ADMINISTRATOR, roles.DIRECTOR])
def test_every_page_of_the_role_in_every_language_at_both_widths(role, demo_club, browser_page, live_server):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=ROLE_LOGINS[role])
    urls = pages_to_see(user, site_urls(user, role) + admin_urls(user))
    assert len(urls) > 5
    problems = crawl_as(browser_page, live_server, user.username, urls, demo_club, ROLE_LOGINS[role])
    assert not problems, f"{len(problems)} pages with problems:\n{report(problems)}"


def test_the_public_pages_in_every_language_at_both_widths(demo_club, chromium, live_server):
    """Without logging in: the login page in the browser's language, and the survey and
    unsubscribe pages a client opens from a message, in the language of their card (each
    language's client), also once the survey is answered."""
    from clients.messaging.links import unsubscribe_token
    from clients.models import Client
    from staff.services import survey_answer, survey_token

    problems = defaultdict(list)
    for language in LANGUAGES:
        person = Client.objects.filter(erased_at__isnull=True).order_by("pk")[LANGUAGES.index(language)]
        Client.objects.filter(pk=person.pk).update(language=language)
        answered = survey_token(client_id=person.pk)
        survey_answer(token=answered, score=9)
        urls = [
            ("login", reverse("login")),
            ("survey", reverse("survey", args=[survey_token(client_id=person.pk)])),
            ("survey", reverse("survey", args=[answered])),
            ("unsubscribe", reverse("unsubscribe", args=[unsubscribe_token(person.pk, "email")])),
        ]
        context = chromium.new_context(base_url=live_server.url, locale=language,
                                       viewport={"width": WIDTHS["laptop"], "height": 900})
        context.add_init_script(
            "window.__cspViolations = [];"
            "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
            "e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
        )
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error, page=page: page.js_errors.append(str(error)))
        for name, url in urls:
            response = page.goto(url)
            if response.status in (200, 410):  # an answered survey says so with 410
                page.set_viewport_size({"width": WIDTHS["laptop"], "height": 900})
                look_here(page, name, url, language, demo_club, problems, "public")
            else:
                problems[f"{name} {url}"].append(f"answered {response.status}")
        context.close()
    assert not problems, f"{len(problems)} pages with problems:\n{report(problems)}"
