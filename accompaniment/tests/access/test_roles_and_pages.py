"""Roles are groups with their permissions; the base pages answer each role as it should."""

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.urls import reverse

from core.capabilities import ADMIN_PERMISSIONS, sync_roles
from core import roles


@pytest.mark.django_db
def test_migration_creates_the_four_roles_with_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    for role, model_actions in ADMIN_PERMISSIONS.items():
        granted = set(
            Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
        expected = {
            (label.split(".")[0], f"{action}_{label.split('.')[1]}")
            for label, actions in model_actions.items()
            for action in actions
        }
        assert granted == expected, role


@pytest.mark.django_db
def test_syncing_roles_again_changes_nothing():
    before = {g.name: set(g.permissions.values_list("id", flat=True)) for g in Group.objects.all()}
    sync_roles(django_apps)
    after = {g.name: set(g.permissions.values_list("id", flat=True)) for g in Group.objects.all()}
    assert before == after


@pytest.mark.django_db
def test_only_the_director_may_see_pay_and_change_the_upsell_policy(make_user):
    director, manager, specialist, frontdesk = (make_user(role) for role in roles.ROLES)
    assert director.has_perm("staff.view_payrate")
    assert director.has_perm("sales.change_upsellpolicy")
    for user in (manager, specialist, frontdesk):
        assert not user.has_perm("staff.view_payrate")
        assert not user.has_perm("sales.change_upsellpolicy")


@pytest.mark.django_db
def test_a_specialist_cannot_read_client_records_in_the_admin(make_user):
    specialist = make_user(roles.SPECIALIST)
    assert not specialist.has_perm("clients.view_client")
    assert not specialist.has_perm("clients.view_membership")


PAGES = ["home", "dashboard"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, lands_on, dashboard_status",
    [
        (roles.DIRECTOR, "dashboard", 200),
        (roles.MANAGER, None, 403),
        (roles.SPECIALIST, "programs:my-sessions", 403),
        (roles.ADMINISTRATOR, "desk", 403),
    ],
)
def test_home_and_dashboard_by_role(client, make_user, role, lands_on, dashboard_status):
    """The manager's home is Today; the others are sent where their work is."""
    client.force_login(make_user(role))
    home = client.get(reverse("home"))
    if lands_on is None:
        assert home.status_code == 200
        assert b"Today" in home.content
    else:
        assert home.status_code == 302
        assert home["Location"] == reverse(lands_on)
    assert client.get(reverse("dashboard")).status_code == dashboard_status


@pytest.mark.django_db
def test_a_user_without_a_role_is_told_to_ask_for_one(client, make_user):
    client.force_login(make_user(None))
    assert b"has no role" in client.get(reverse("home")).content


@pytest.mark.django_db
def test_login_with_a_password_lands_a_manager_on_today(client, make_user):
    make_user(roles.MANAGER, username="olena")
    response = client.post(
        reverse("login"), {"username": "olena", "password": "pass-12345-word"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Today" in response.content


@pytest.mark.django_db
def test_wrong_password_is_explained_on_the_login_page(client, make_user):
    make_user(roles.MANAGER, username="olena")
    response = client.post(reverse("login"), {"username": "olena", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


@pytest.mark.django_db
def test_the_login_page_uses_local_bootstrap(client):
    html = client.get(reverse("login")).content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("role, reaches", [
    (roles.DIRECTOR, True), (roles.ADMINISTRATOR, True), (roles.MANAGER, False), (roles.SPECIALIST, False),
])
def test_the_admin_site_is_for_those_who_enter_data(client, make_user, role, reaches):
    """Managers and specialists work in the product's pages; a staff flag alone opens nothing."""
    user = make_user(role)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    if reaches:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_health_answers_when_the_database_does(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


def test_messages_are_shown_on_every_page(rf, manager):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = manager
    html = render_to_string("accompaniment/no_role.html", {"messages": ["Card renewed."]}, request)
    assert "Card renewed." in html
    assert "alert" in html


def test_the_readme_lists_who_may_do_what_as_the_code_declares_it():
    from django.conf import settings

    from accompaniment.access import roles_markdown

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- capabilities:start -->\n")[1].split("<!-- capabilities:end -->")[0]
    assert block == roles_markdown(), "run `manage.py capabilities` and paste it into the README"
