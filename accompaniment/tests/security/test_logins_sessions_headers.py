"""Protection of the people's data: login lockout, passwords, idle sessions, the page policy."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from core import roles

pytestmark = pytest.mark.django_db
PASSWORD = "pass-12345-word"  # conftest's make_user


def attempt(browser: Browser, username: str, password: str):
    return browser.post(reverse("login"), {"username": username, "password": password})


def logged_in(browser: Browser) -> bool:
    return "_auth_user_id" in browser.session


def browser_from(address: str) -> Browser:
    return Browser(REMOTE_ADDR=address)


def fail(browser, username, times):
    for _ in range(times):
        response = attempt(browser, username, "wrong password")
        assert response.status_code == 200  # the login form again, with its error
        assert "Please enter a correct username and password" in response.content.decode()


def test_five_wrong_passwords_lock_that_user_out_from_that_address(make_user, settings):
    manager = make_user(roles.MANAGER, username="olena")
    office = browser_from("10.0.0.5")
    fail(office, "olena", settings.AXES_FAILURE_LIMIT - 1)
    response = attempt(office, "olena", "wrong password")  # the fifth
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()
    assert "Try again in 15 minutes." in response.content.decode()
    # Now even the right password is refused from there …
    locked = attempt(office, "olena", PASSWORD)
    assert locked.status_code == 429 and not logged_in(office)
    # … but a colleague at the same desk logs in, and so does Olena from her phone.
    make_user(roles.MANAGER, username="andrii")
    assert attempt(office, "andrii", PASSWORD).status_code == 302 and logged_in(office)
    phone = browser_from("10.0.9.9")
    assert attempt(phone, "olena", PASSWORD).status_code == 302 and logged_in(phone)
    assert manager.pk == int(phone.session["_auth_user_id"])


def test_the_lockout_ends_after_the_cool_off_time(make_user, settings):
    make_user(roles.MANAGER, username="olena")
    office = browser_from("10.0.0.5")
    fail(office, "olena", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(office, "olena", "wrong").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1))
    assert attempt(office, "olena", PASSWORD).status_code == 302 and logged_in(office)


def test_an_administrator_lifts_a_lockout_with_axes_reset(make_user, settings):
    make_user(roles.MANAGER, username="olena")
    office = browser_from("10.0.0.5")
    fail(office, "olena", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(office, "olena", "wrong").status_code == 429
    call_command("axes_reset_username", "olena", verbosity=0)
    assert attempt(office, "olena", PASSWORD).status_code == 302


def test_the_director_sees_and_deletes_access_attempts_in_the_admin(make_user, settings, director):
    make_user(roles.MANAGER, username="olena")
    office = browser_from("10.0.0.5")
    fail(office, "olena", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(office, "olena", "wrong").status_code == 429
    admin = Browser()
    admin.force_login(director)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "olena" in page.content.decode()
    attempt_row = AccessAttempt.objects.get(username="olena")
    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt_row.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert attempt(office, "olena", PASSWORD).status_code == 302


def test_a_good_login_starts_the_count_again(make_user, settings):
    make_user(roles.MANAGER, username="olena")
    office = browser_from("10.0.0.5")
    fail(office, "olena", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(office, "olena", PASSWORD).status_code == 302
    office.post(reverse("logout"))
    fail(office, "olena", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(office, "olena", PASSWORD).status_code == 302


# --- Password spraying: many usernames from one address ----------------------------------------
def spray(browser: Browser, usernames) -> None:
    for username in usernames:
        fail(browser, username, 1)


def address_locked(response) -> bool:
    return response.status_code == 429 and 'data-testid="address-locked"' in response.content.decode()


def pause_the_address(browser: Browser, settings) -> None:
    """Spray usernames from the browser's address until logging in from there is paused."""
    spray(browser, [f"guess{number}" for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1)])
    assert address_locked(attempt(browser, "guess-last", "wrong password"))


def test_many_usernames_tried_from_one_address_pause_every_login_from_there(make_user, settings):
    make_user(roles.MANAGER, username="olena")
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit == 30 and limit > settings.AXES_FAILURE_LIMIT
    office = browser_from("10.0.0.5")
    spray(office, [f"guess{number}" for number in range(limit - 1)])
    # One short of the limit, a colleague at the same address still logs in …
    assert attempt(browser_from("10.0.0.5"), "olena", PASSWORD).status_code == 302

    response = attempt(office, "guess-last", "wrong password")  # … the limit-th failure pauses it

    assert address_locked(response)
    assert "Try again in 15 minutes." in response.content.decode()
    desk = browser_from("10.0.0.5")
    assert address_locked(attempt(desk, "olena", PASSWORD)) and not logged_in(desk)
    # Every other address is unaffected.
    home = browser_from("10.0.9.9")
    assert attempt(home, "olena", PASSWORD).status_code == 302 and logged_in(home)
    assert attempt(browser_from("10.0.9.10"), "guess1", "wrong password").status_code == 200


def test_one_persons_typos_never_pause_the_address_for_the_others(make_user, settings):
    make_user(roles.MANAGER, username="olena")
    make_user(roles.MANAGER, username="andrii")
    office = browser_from("10.0.0.5")

    # Olena is paused after five, and retries far past the address's limit, from two browsers …
    phone = Browser(REMOTE_ADDR="10.0.0.5", HTTP_USER_AGENT="Olena's phone")
    for _ in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT + 5):
        attempt(office, "olena", "wrong password")
        attempt(phone, "olena", "wrong password")
    assert attempt(office, "olena", PASSWORD).status_code == 429
    # … and a few colleagues mistype too, each below the pair's limit.
    for colleague in ("iryna", "taras", "maria", "petro", "oksana"):
        fail(office, colleague, settings.AXES_FAILURE_LIMIT - 1)

    assert attempt(office, "andrii", PASSWORD).status_code == 302 and logged_in(office)


@pytest.fixture
def paused_office(make_user, settings) -> Browser:
    """A browser at 10.0.0.5, from where usernames were sprayed until even Olena's right
    password is refused."""
    make_user(roles.MANAGER, username="olena")
    office = browser_from("10.0.0.5")
    pause_the_address(office, settings)
    assert address_locked(attempt(office, "olena", PASSWORD))
    return office


def test_an_address_pause_ends_after_the_cool_off_time(paused_office, settings):
    office = paused_office
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1))

    assert attempt(office, "olena", PASSWORD).status_code == 302 and logged_in(office)


def test_an_administrator_lifts_an_address_pause_with_axes_reset_ip(paused_office):
    call_command("axes_reset_ip", "10.0.0.5", verbosity=0)

    assert attempt(paused_office, "olena", PASSWORD).status_code == 302


def test_the_director_lifts_an_address_pause_by_deleting_its_access_attempts(paused_office, director):
    admin = Browser()
    admin.force_login(director)
    changelist = reverse("admin:axes_accessattempt_changelist")

    from_there = admin.get(changelist, {"q": "10.0.0.5"})
    assert from_there.status_code == 200 and "guess0" in from_there.content.decode()
    rows = AccessAttempt.objects.filter(ip_address="10.0.0.5").values_list("pk", flat=True)
    admin.post(changelist, {"action": "delete_selected", "_selected_action": list(rows), "post": "yes"})

    assert not AccessAttempt.objects.filter(ip_address="10.0.0.5").exists()
    assert attempt(paused_office, "olena", PASSWORD).status_code == 302


def test_behind_the_proxy_the_address_is_the_one_it_appended(make_user, settings, rf):
    from accompaniment.security import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"  # no proxy configured: the socket
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(request) == "192.0.2.10"  # what the client claimed before it is ignored


@pytest.mark.parametrize("password, reason", [
    ("short1", "too short"),
    ("password123", "too common"),
    ("84736251947", "entirely numeric"),
    ("olenakovalenko", "too similar"),
])
def test_passwords_are_checked_by_djangos_validators(make_user, password, reason):
    user = make_user(username="olenakovalenko", first_name="Olena", last_name="Kovalenko")
    with pytest.raises(ValidationError, match=reason):
        validate_password(password, user)
    validate_password("Sauna-at-7-on-Friday", user)


def test_the_admins_password_form_refuses_a_weak_password(admin_client, make_user):
    user = make_user(roles.MANAGER)
    response = admin_client.post(reverse("admin:auth_user_password_change", args=[user.pk]),
                          {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_an_idle_session_expires_and_each_request_moves_the_deadline(make_user, settings):
    manager = make_user(roles.MANAGER)
    browser = Browser()
    browser.force_login(manager)
    assert settings.SESSION_SAVE_EVERY_REQUEST
    browser.get(reverse("home"))
    first = browser.session.get_expiry_date()
    assert first - timezone.now() == pytest.approx(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE),
                                                   abs=datetime.timedelta(seconds=5))
    from django.contrib.sessions.models import Session

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))  # idle too long
    response = browser.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_every_page_carries_a_strict_content_security_policy(client, director):
    client.force_login(director)
    for url in (reverse("login"), reverse("dashboard"), reverse("clients:list"), reverse("admin:index")):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no CDN
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
