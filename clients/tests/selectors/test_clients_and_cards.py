"""The read queries pages, reminders and the dashboard share: who sees which client, how a
client is found, and what the card shows of their memberships (the membership rules
themselves are tested in clients/tests/rules/test_memberships.py)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from core import roles
from clients.models import Client, ManagerCover, Membership
from clients.selectors import (
    client_search_q,
    clients_visible_to,
    current_membership,
    memberships_for_card,
    visible_clients_count,
)
from clients.tests import factories as cf

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


# --- clients_visible_to ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "role, sees",
    [
        (roles.DIRECTOR, {"mine", "theirs", "nobodys"}),
        (roles.ADMINISTRATOR, {"mine", "theirs", "nobodys"}),
        (roles.MANAGER, {"mine"}),
        (roles.SPECIALIST, set()),
        (None, set()),
    ],
)
def test_each_role_sees_its_own_share_of_clients(make_user, role, sees):
    user = make_user(role)
    other_manager = make_user(roles.MANAGER)
    cf.ClientFactory(first_name="mine", assigned_manager=user)
    cf.ClientFactory(first_name="theirs", assigned_manager=other_manager)
    cf.ClientFactory(first_name="nobodys")
    assert set(clients_visible_to(user).values_list("first_name", flat=True)) == sees


@pytest.mark.parametrize("role", [roles.DIRECTOR, roles.ADMINISTRATOR, roles.MANAGER, roles.SPECIALIST, None])
def test_the_count_of_visible_clients_read_from_the_rollup_is_what_the_rule_sees(make_user, role):
    """``visible_clients_count`` (the clients per manager, kept by triggers) says how many clients
    ``clients_visible_to`` lets the user see: their own, those of a manager they cover for today
    (not of one they covered yesterday), everybody's for whoever sees all."""
    user = make_user(role)
    absent, before, other = make_user(roles.MANAGER), make_user(roles.MANAGER), make_user(roles.MANAGER)
    ManagerCover.objects.create(absent=absent, covering=user, starts_on=day(-1), ends_on=day(1))
    ManagerCover.objects.create(absent=before, covering=user, starts_on=day(-5), ends_on=day(-1))
    for manager, many in ((user, 3), (absent, 2), (before, 4), (other, 1), (None, 2)):
        cf.ClientFactory.create_batch(many, assigned_manager=manager)
    moved = Client.objects.filter(assigned_manager=other).first()
    moved.assigned_manager = user
    moved.save()
    Client.objects.filter(assigned_manager=before).first().delete()
    assert visible_clients_count(user) == clients_visible_to(user).count()
    assert visible_clients_count(user) == {roles.DIRECTOR: 11, roles.ADMINISTRATOR: 11, roles.MANAGER: 6}.get(role, 0)


def test_statements_writing_many_clients_at_once_keep_the_counts_per_manager(make_user):
    """An import's bulk insert and a bulk delete write many clients of several managers in one
    statement (counted once per statement on PostgreSQL, per row on SQLite): the counts stay
    those of the rows, and a manager left with none has no row."""
    from clients.models import ClientsPerManager

    first, second = make_user(roles.MANAGER), make_user(roles.MANAGER)
    Client.objects.bulk_create([
        Client(first_name=f"Bulk{n}", last_name="Client", phone=f"+38050700{n:04d}", assigned_manager=manager)
        for n, manager in enumerate([first] * 7 + [second] * 3 + [None] * 2)
    ])
    counts = dict(ClientsPerManager.objects.values_list("manager_id", "clients"))
    assert (counts[first.pk], counts[second.pk], counts[0]) == (7, 3, 2)
    Client.objects.exclude(assigned_manager=first).delete()  # the second manager's and nobody's
    Client.objects.filter(assigned_manager=first, first_name__in=["Bulk0", "Bulk1"]).delete()
    assert dict(ClientsPerManager.objects.values_list("manager_id", "clients")) == {first.pk: 5}
    assert visible_clients_count(first) == clients_visible_to(first).count() == 5


def test_a_superuser_sees_every_client(make_user):
    cf.ClientFactory.create_batch(2)
    assert clients_visible_to(make_user(None, is_superuser=True)).count() == 2


def test_an_anonymous_visitor_sees_no_client():
    cf.ClientFactory()
    assert not clients_visible_to(AnonymousUser()).exists()


# --- client_search_q ------------------------------------------------------------------------
@pytest.fixture
def iryna():
    iryna = cf.ClientFactory(
        first_name="Iryna", last_name="Bondarenko", phone="+380501234567", email="iryna@example.com"
    )
    cf.MembershipFactory(client=iryna, card_number="C-000111")
    return iryna


@pytest.fixture
def oksana():
    """An unrelated client: no name part, phone digits, e-mail or card in common with Iryna."""
    oksana = cf.ClientFactory(
        first_name="Oksana",
        last_name="Tkachenko",
        phone="+380677654321",
        email="oksana@example.net",
    )
    cf.MembershipFactory(client=oksana, card_number="C-000999")
    return oksana


def found(text: str) -> set[Client]:
    return set(Client.objects.filter(client_search_q(text)))


@pytest.mark.parametrize(
    "text",
    [
        "Iryna",
        "iryna",
        "BONDARENKO",
        "bondar",
        "iryna bond",
        "Bondarenko  Iryna",
        "050 123-45-67",
        "+38 (050) 123 45 67",
        "0501234567",
        "+380501234567",
        "123-45-67",
        "iryna@example.com",
        "IRYNA@Example.COM",
        "c-000111",
    ],
)
def test_a_client_is_found_by_name_phone_email_or_card(iryna, oksana, text):
    assert found(text) == {iryna}


@pytest.mark.parametrize(
    "text", ["iryna tkachenko", "067 111-22-33", "nobody@example.com", "C-000222"]
)
def test_a_search_matches_no_unrelated_client(iryna, oksana, text):
    assert found(text) == set()


def test_a_card_number_finds_its_holder_only(iryna, oksana):
    assert found("C-000999") == {oksana}


def test_a_search_finds_several_clients_sharing_a_name_part(iryna, oksana):
    namesake = cf.ClientFactory(first_name="Iryna", last_name="Shevchenko")
    assert found("iryna") == {iryna, namesake}


def test_a_cyrillic_name_is_found_whatever_the_case(oksana):
    """The clubs are Ukrainian- and Russian-speaking: names are in Cyrillic."""
    iryna = cf.ClientFactory(first_name="Ірина", last_name="Бондаренко")
    assert found("ірина бонд") == {iryna}
    assert found("БОНДАРЕНКО") == {iryna}


# --- memberships_for_card, current_membership -------------------------------------------
def test_the_card_lists_memberships_newest_first_with_state_and_days_left():
    member = cf.ClientFactory()
    old = cf.MembershipFactory(client=member, start_date=day(-60), end_date=day(-31))
    now = cf.MembershipFactory(client=member, start_date=day(-5), end_date=day(24))
    cf.FreezeFactory(membership=now, start_date=day(-4), end_date=day(-2))  # 3 days
    cf.FreezeFactory(membership=now, start_date=day(10), end_date=None)  # open: not counted

    cards = memberships_for_card(member)

    assert cards == [now, old]
    assert [(m.state, m.days_left_today) for m in cards] == [("active", 24), ("expired", -31)]
    assert cards[0].freeze_days_left == now.plan.max_freeze_days - 3
    assert cards[1].freeze_days_left == old.plan.max_freeze_days


def current_for(member):
    return current_membership(memberships_for_card(member))


def test_the_current_membership_is_a_running_one_before_upcoming_or_expired():
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, start_date=day(-60), end_date=day(-31))
    running = cf.MembershipFactory(client=member, start_date=day(-5), end_date=day(24))
    cf.MembershipFactory(client=member, start_date=day(25), end_date=day(54))
    assert current_for(member) == running


def test_the_current_membership_among_running_ones_is_the_one_ending_last():
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, start_date=day(-5), end_date=day(24))
    frozen = cf.MembershipFactory(client=member, start_date=day(-3), end_date=day(40))
    cf.FreezeFactory(membership=frozen, start_date=day(-1), end_date=day(2))
    used_up = cf.MembershipFactory(
        client=member, start_date=day(-2), end_date=day(30), visit_limit=4, visits_used=4
    )
    assert current_for(member) == frozen
    assert {m.pk: m.state for m in memberships_for_card(member)}[used_up.pk] == "used_up"


def test_without_a_running_membership_the_next_to_start_is_current():
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, start_date=day(-60), end_date=day(-31))
    later = cf.MembershipFactory(client=member, start_date=day(40), end_date=day(69))
    sooner = cf.MembershipFactory(client=member, start_date=day(3), end_date=day(32))
    assert current_for(member) == sooner
    assert later != sooner


def test_with_only_expired_memberships_the_last_to_end_is_current():
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, start_date=day(-90), end_date=day(-61))
    last = cf.MembershipFactory(client=member, start_date=day(-40), end_date=day(-11))
    assert current_for(member) == last


def test_a_cancelled_membership_is_never_current():
    member = cf.ClientFactory()
    cf.MembershipFactory(
        client=member,
        start_date=day(-5),
        end_date=day(24),
        status=Membership.Status.CANCELLED,
        cancelled_on=day(-1),
    )
    assert current_for(member) is None
    assert current_membership([]) is None
