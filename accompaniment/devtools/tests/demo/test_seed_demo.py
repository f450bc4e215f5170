"""seed_demo: a realistic demo club, idempotent, consistent with every rule of the models."""

import datetime
import gc
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.db.models import Count, F, Q
from django.test import RequestFactory
from django.utils import timezone

from accompaniment.dashboard import add_months
from accompaniment.devtools.demo import DEMO_EMAIL_DOMAIN
from accompaniment.devtools.demo import feedback as demo_feedback
from core import roles
from core.capabilities import admin_site_roles
from clients.models import (
    Client,
    Freeze,
    Interaction,
    Membership,
    MembershipPlan,
    Task,
    Visit,
)
from programs.models import Program, Session
from sales.models import DepartmentExpense, Sale, UpsellPolicy
from sales.stages import stages_refresh
from staff.models import (
    Department,
    Feedback,
    PayRate,
    Service,
    StaffMember,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db

APPS = ("clients", "staff", "programs", "sales")
LOGIN_REQUEST = RequestFactory().post("/login/")  # login protection wants to know who knocks


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    counts = {m.__name__: m.objects.count() for m in apps.get_models() if m._meta.app_label in APPS}
    counts["User"] = get_user_model().objects.count()
    return counts


def test_the_default_club_has_three_blocks_fifteen_people_forty_services_and_200_clients():
    output = seed()
    today = timezone.localdate()

    assert set(Department.objects.values_list("code", flat=True)) == {"fitness", "spa", "cosmetology"}
    assert StaffMember.objects.count() == 15
    assert PayRate.objects.count() == 15
    assert StaffMember.objects.filter(is_head_of_department=True).count() == 3
    assert Service.objects.count() == 40
    assert Service.objects.filter(contraindications__isnull=False).distinct().count() >= 25
    assert MembershipPlan.objects.count() == 6
    assert MembershipPlan.objects.exclude(expiry_reminder_days="").count() >= 2
    assert UpsellPolicy.objects.count() == len(Client.Stage.choices)
    assert Client.objects.count() == 200

    running = Membership.objects.filter(status=Membership.Status.ACTIVE, start_date__lte=today)
    assert running.filter(end_date__gte=today, end_date__lte=today + datetime.timedelta(days=14)).exists()
    assert running.filter(end_date__lt=today).exists()
    assert running.filter(end_date__gt=today + datetime.timedelta(days=14)).count() > 60
    assert Freeze.objects.filter(start_date__lte=today).filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).exists()
    assert Membership.objects.filter(status=Membership.Status.CANCELLED).exists()
    assert Visit.objects.count() > 1000
    assert Program.objects.filter(status=Program.Status.ACTIVE).exists()
    assert Session.objects.filter(status=Session.Status.DONE).exists()
    assert Session.objects.filter(status=Session.Status.PLANNED).exists()
    assert Task.objects.filter(status=Task.Status.OPEN, assigned_to__username__in=["manager", "manager2"]).exists()
    assert Interaction.objects.filter(kind=Interaction.Kind.INTRO_VISIT).count() > 150
    assert Feedback.objects.exists() and SurveyResponse.objects.exists()
    assert Client.objects.filter(referred_by__isnull=False).exists()
    assert set(Client.objects.values_list("assigned_manager__username", flat=True)) == {"manager", "manager2"}
    assert "demo12345" in output and "manager2" in output and "frontdesk" in output
    # Every block has its consumables in each of the last 12 calendar months, this one included.
    months = {(e.department_id, e.incurred_on.replace(day=1)) for e in DepartmentExpense.objects.filter(kind="consumables")}
    first = today.replace(day=1)
    for back in range(12):
        month = add_months(first, -back)
        assert {dept for dept, m in months if m == month} == set(Department.objects.values_list("pk", flat=True)), month


def test_demo_logins_have_their_roles_and_the_demo_password():
    seed("--clients", "0")
    expected = {"director": roles.DIRECTOR, "manager": roles.MANAGER, "manager2": roles.MANAGER,
                "trainer": roles.SPECIALIST, "frontdesk": roles.ADMINISTRATOR}
    for username, role in expected.items():
        user = authenticate(LOGIN_REQUEST, username=username, password="demo12345")
        assert user is not None, username
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff == (role in admin_site_roles())
    admin = authenticate(LOGIN_REQUEST, username="admin", password="demo12345")
    assert admin.is_superuser and admin.is_staff
    assert StaffMember.objects.get(user__username="trainer").role == StaffMember.Role.TRAINER
    managers = StaffMember.objects.filter(user__username__in=["manager", "manager2"])
    assert {m.role for m in managers} == {StaffMember.Role.MANAGER}
    assert all(m.is_head_of_department for m in managers)


def test_seeding_twice_adds_nothing():
    seed("--clients", "60")
    before = row_counts()
    output = seed("--clients", "60")
    assert row_counts() == before
    assert "demo clients already there: 60" in output


def test_a_bigger_number_tops_the_demo_clients_up():
    seed("--clients", "20")
    first = set(Client.objects.values_list("pk", "phone"))
    seed("--clients", "35")
    assert Client.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").count() == 35
    assert first <= set(Client.objects.values_list("pk", "phone"))


def test_the_same_seed_gives_the_same_club_and_another_seed_another():
    def club(seed_value: str):
        with transaction.atomic():
            seed("--clients", "25", "--seed", seed_value)
            people = list(Client.objects.order_by("created_at", "last_name", "first_name", "phone")
                          .values_list("first_name", "last_name", "phone", "email", "birth_date"))
            cards = sorted(Membership.objects.values_list("card_number", "start_date", "end_date", "visits_used"))
            transaction.set_rollback(True)
        return people, cards

    assert club("7") == club("7")
    assert club("7") != club("8")


def test_two_thousand_clients_keep_every_rule():
    seed("--clients", "2000")
    today, now = timezone.localdate(), timezone.now()
    assert Client.objects.count() == 2000

    # full_clean (field validators, clean(), constraints) on a sample of every table
    for model in apps.get_models():
        if model._meta.app_label in APPS:
            for row in model.objects.order_by("?")[:60]:
                row.full_clean()

    memberships = {m.pk: m for m in Membership.objects.select_related("plan")}
    assert not any(m.visit_limit is not None and m.visits_used > m.visit_limit for m in memberships.values())
    visit_rows = Counter(Visit.objects.values_list("membership_id", flat=True))
    assert all(memberships[pk].visits_used >= n for pk, n in visit_rows.items())
    assert sum(1 for m in memberships.values() if m.visit_limit and m.visits_used == m.visit_limit) > 10

    frozen_days = defaultdict(list)
    for freeze in Freeze.objects.all():
        frozen_days[freeze.membership_id].append((freeze.start_date, freeze.end_date or today))
        if freeze.end_date:
            assert freeze.days <= memberships[freeze.membership_id].plan.max_freeze_days
    for membership_id, checked_in in Visit.objects.values_list("membership_id", "checked_in_at"):
        day, membership = timezone.localdate(checked_in), memberships[membership_id]
        assert membership.start_date <= day <= membership.end_date
        assert checked_in <= now
        assert membership.cancelled_on is None or day < membership.cancelled_on
        assert not any(start <= day <= end for start, end in frozen_days[membership_id])

    sold = Sale.objects.filter(kind=Sale.Kind.MEMBERSHIP)
    assert sold.count() == len(memberships)
    assert not sold.values("membership").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not Sale.objects.exclude(kind=Sale.Kind.REFUND).exclude(
        amount=F("quantity") * F("unit_price") - F("discount")).exists()
    assert not Sale.objects.filter(kind=Sale.Kind.REFUND).exclude(amount=-F("unit_price")).exists()
    assert Sale.objects.filter(kind=Sale.Kind.SERVICE).exists() and Sale.objects.filter(kind=Sale.Kind.PRODUCT).exists()
    assert not Sale.objects.filter(sold_at__gt=now).exists()
    assert not Interaction.objects.filter(occurred_at__gt=now).exists()
    assert not Feedback.objects.filter(received_at__gt=now).exists()
    assert not Client.objects.filter(created_at__gt=now).exists()

    # The stored stages are what the rule computes; every stage is represented.
    assert stages_refresh(today) == 0
    assert set(Client.objects.values_list("stage", flat=True)) == set(Client.Stage.values)
    assert Client.objects.filter(language__in=["uk", "ru"]).count() > 1800
    assert all(phone.is_valid() for phone in Client.objects.values_list("phone", flat=True)[:200])


def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off.*--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not Department.objects.exists()


def test_with_debug_on_it_needs_no_force(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--clients", "3", stdout=StringIO())
    assert Client.objects.count() == 3


def test_if_empty_leaves_a_club_with_clients_alone():
    Client.objects.create(first_name="Марта", phone="+380501110000")
    out = StringIO()
    call_command("seed_demo", "--force", "--if-empty", stdout=out)
    assert "already has clients" in out.getvalue()
    assert Client.objects.count() == 1
    assert not Department.objects.exists()


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty", "--clients", "5")
    assert Client.objects.count() == 5


def test_a_failure_leaves_nothing_half_seeded(monkeypatch):
    def broken(history, lives):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo_feedback, "write_feedback_and_surveys", broken)
    with pytest.raises(RuntimeError):
        seed("--clients", "10")
    assert not Client.objects.exists()
    assert not Department.objects.exists()
    assert not get_user_model().objects.filter(username="manager").exists()
    assert gc.isenabled()
    assert "make_debug_cursor" not in vars(connections["default"])  # query logging as before
