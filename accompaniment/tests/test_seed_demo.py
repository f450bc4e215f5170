"""The demo club: realistic, idempotent, consistent with every rule of the model."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from clients import roles
from clients.models import Client, Membership, Visit
from programs.models import Program, ProgramTemplate
from sales.models import Sale, UpsellPolicy
from staff.models import Department, Service, StaffMember

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in
            (Department, StaffMember, Service, Client, Membership, Visit, Sale, Program, ProgramTemplate)}


def test_the_default_demo_club():
    output = seed()
    today = timezone.localdate()
    assert Department.objects.count() == 3
    assert 14 <= StaffMember.objects.count() <= 16
    assert 38 <= Service.objects.count() <= 42
    assert Client.objects.count() == 200
    assert UpsellPolicy.objects.count() == 4
    running = Membership.objects.filter(status="active", start_date__lte=today)
    assert running.filter(end_date__gte=today, end_date__lte=today + datetime.timedelta(days=14)).exists()
    assert running.filter(end_date__lt=today).exists()
    assert Membership.objects.filter(freezes__isnull=False).exists()
    assert Program.objects.filter(status="active").exists()
    assert "the password of all of them is demo12345" in output


@pytest.mark.parametrize(
    "username, role",
    [("director", roles.DIRECTOR), ("manager", roles.MANAGER), ("manager2", roles.MANAGER),
     ("trainer", roles.SPECIALIST), ("frontdesk", roles.ADMINISTRATOR), ("admin", None)],
)
def test_demo_users_log_in_with_the_demo_password(username, role):
    seed("--clients", "5")
    user = authenticate(username=username, password="demo12345")
    assert user is not None
    if role:
        assert user.groups.filter(name=role).exists()
    else:
        assert user.is_superuser


def test_seeding_twice_adds_nothing():
    seed("--clients", "50")
    before = counts()
    seed("--clients", "50")
    assert counts() == before


def test_more_clients_top_up_the_club():
    seed("--clients", "20")
    seed("--clients", "30")
    assert Client.objects.count() == 30


def test_two_thousand_clients_keep_every_rule():
    seed("--clients", "2000")
    assert Client.objects.count() == 2000
    assert not Membership.objects.filter(visit_limit__isnull=False, visits_used__gt=F("visit_limit")).exists()
    assert Sale.objects.filter(kind="membership").count() == Membership.objects.count()
    for model in (Client, Membership, Visit, Sale):
        for row in model.objects.order_by("?")[:40]:
            row.full_clean()
    assert Client.objects.filter(referred_by__isnull=False).exists()


def test_it_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo", stdout=StringIO())
    assert not Client.objects.exists()


def test_if_empty_leaves_a_real_club_alone():
    Client.objects.create(first_name="Real", phone="+380501110000")
    out = StringIO()
    call_command("seed_demo", "--force", "--if-empty", stdout=out)
    assert "not seeded again" in out.getvalue()
    assert Client.objects.count() == 1
