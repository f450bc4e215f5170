"""The memberships' writes (clients.services.memberships): issuing, renewing and freezing
memberships, checking clients in. Every refusal says which field is at fault and leaves the
database as it was."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import services
from clients.models import Freeze, Membership, Visit
from clients.services import memberships as membership_services
from clients.tests import factories as cf
from clients.tests.services.support import day

pytestmark = pytest.mark.django_db


# --- membership_create (the card that sales.services.membership_sell sells) ---------------
def issue(member, plan, manager, start_date=None, **extra):
    return services.membership_create(
        client=member, plan=plan, start_date=start_date or day(0), price=plan.price,
        sold_by=manager, user=manager, **extra,
    )


def test_an_issued_membership_ends_on_the_last_day_of_the_plan_and_copies_its_terms(
    member, plan, manager
):
    membership = issue(member, plan, manager, datetime.date(2026, 3, 1))
    membership.refresh_from_db()
    assert membership.start_date == datetime.date(2026, 3, 1)
    assert membership.end_date == datetime.date(2026, 3, 30)
    assert membership.visit_limit == 12
    assert membership.visits_used == 0
    assert membership.price == Decimal("1500.00")
    assert membership.sold_by == manager
    assert membership.status == Membership.Status.ACTIVE


def test_a_one_day_plan_ends_on_its_start_day(member, manager):
    plan = cf.MembershipPlanFactory(name="Day pass", duration_days=1, price=Decimal("200.00"))
    assert issue(member, plan, manager, datetime.date(2026, 3, 1)).end_date == datetime.date(2026, 3, 1)


def test_an_unlimited_plan_issues_an_unlimited_membership(member, manager):
    plan = cf.MembershipPlanFactory(name="Unlimited", visit_limit=None)
    assert issue(member, plan, manager).visit_limit is None


def test_generated_card_numbers_are_unique_digits(member, plan, manager):
    cards = [issue(member, plan, manager).card_number for _ in range(5)]
    assert len(set(cards)) == 5
    assert all(re.fullmatch(r"\d{10}", card) for card in cards), cards


def test_a_generated_card_number_that_is_taken_is_drawn_again(member, plan, manager, monkeypatch):
    cf.MembershipFactory(card_number="2600000001")
    drawn = iter(["2600000001", "2600000002"])
    monkeypatch.setattr(membership_services, "_new_card_number", lambda: next(drawn))

    assert issue(member, plan, manager).card_number == "2600000002"


def test_a_given_card_number_already_in_use_is_refused_on_that_field(member, plan, manager):
    cf.MembershipFactory(card_number="A-100")
    with pytest.raises(ValidationError) as refused:
        issue(member, plan, manager, card_number="A-100")
    assert "card_number" in refused.value.message_dict
    assert "already exists" in refused.value.message_dict["card_number"][0]
    assert Membership.objects.count() == 1


# --- renewal_start_date ---------------------------------------------------------------------
def test_a_renewal_starts_the_day_after_the_latest_running_membership(member):
    cf.MembershipFactory(client=member, start_date=day(-10), end_date=day(5))
    cf.MembershipFactory(client=member, start_date=day(-2), end_date=day(20))
    assert services.renewal_start_date(member) == day(21)


def test_a_renewal_ignores_expired_and_cancelled_memberships(member):
    cf.MembershipFactory(client=member, start_date=day(-40), end_date=day(-11))
    cf.MembershipFactory(
        client=member,
        start_date=day(-5),
        end_date=day(40),
        status=Membership.Status.CANCELLED,
        cancelled_on=day(-1),
    )
    assert services.renewal_start_date(member) == day(0)


def test_a_renewal_for_a_client_without_memberships_starts_today(member):
    assert services.renewal_start_date(member) == day(0)


def test_a_renewal_counts_from_the_given_day(member):
    cf.MembershipFactory(
        client=member, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 1, 30)
    )
    assert services.renewal_start_date(member, on=datetime.date(2026, 1, 15)) == datetime.date(
        2026, 1, 31
    )
    assert services.renewal_start_date(member, on=datetime.date(2026, 2, 10)) == datetime.date(
        2026, 2, 10
    )


# --- membership_freeze ----------------------------------------------------------------------
@pytest.fixture
def running(member, plan):
    """A 30-day membership that started today (end = today + 29), 14 freeze days allowed."""
    return cf.MembershipFactory(client=member, plan=plan, card_number="CARD-1", start_date=day(0))


def test_a_freeze_moves_the_end_date_by_its_days(running, manager):
    freeze = services.membership_freeze(
        membership=running, start_date=day(2), days=5, reason=" Business trip ", user=manager
    )
    running.refresh_from_db()
    assert running.end_date == day(29 + 5)
    assert (freeze.start_date, freeze.end_date, freeze.days) == (day(2), day(6), 5)
    assert freeze.reason == "Business trip"
    assert freeze.created_by == manager


def test_a_freeze_may_use_the_whole_allowance_across_freezes(running, manager):
    services.membership_freeze(
        membership=running, start_date=day(1), days=10, reason="Trip", user=manager
    )
    services.membership_freeze(
        membership=running, start_date=day(20), days=4, reason="Flu", user=manager
    )
    running.refresh_from_db()
    assert running.end_date == day(29 + 14)
    assert services.freeze_days_used(running) == 14


def assert_refused(membership, field, message_part="", **kwargs):
    end_before = Membership.objects.get(pk=membership.pk).end_date
    freezes_before = Freeze.objects.count()
    arguments = {"start_date": day(1), "days": 3, "reason": "Trip", "user": None}
    arguments.update(kwargs)
    with pytest.raises(ValidationError) as refused:
        services.membership_freeze(membership=membership, **arguments)
    errors = refused.value.message_dict
    assert field in errors, errors
    assert message_part in " ".join(errors[field])
    assert Freeze.objects.count() == freezes_before
    assert Membership.objects.get(pk=membership.pk).end_date == end_before


def test_a_freeze_beyond_the_plan_allowance_is_refused(running):
    assert_refused(running, "days", "allows 14 more", days=15)


def test_a_freeze_beyond_what_earlier_freezes_left_is_refused(member, plan):
    membership = cf.MembershipFactory(
        client=member, plan=plan, start_date=day(-20), end_date=day(9)
    )
    cf.FreezeFactory(membership=membership, start_date=day(-15), end_date=day(-6))  # 10 days
    assert_refused(membership, "days", "allows 4 more", days=5)


def test_a_freeze_when_the_allowance_is_used_up_is_refused(member, plan):
    membership = cf.MembershipFactory(
        client=member, plan=plan, start_date=day(-20), end_date=day(23)
    )
    cf.FreezeFactory(membership=membership, start_date=day(-18), end_date=day(-5))  # 14 days
    assert_refused(membership, "days", "no freeze days left", days=1)


def test_a_plan_without_freezes_refuses_any_freeze(member):
    plan = cf.MembershipPlanFactory(name="No freeze", max_freeze_days=0)
    membership = cf.MembershipFactory(client=member, plan=plan, start_date=day(0))
    assert_refused(membership, "days", "no freeze days left", days=1)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_freeze_without_a_reason_is_refused(running, reason):
    assert_refused(running, "reason", reason=reason)


def test_a_freeze_of_zero_days_is_refused(running):
    assert_refused(running, "days", "at least one day", days=0)


def test_a_freeze_starting_in_the_past_is_refused(member, plan):
    membership = cf.MembershipFactory(client=member, plan=plan, start_date=day(-5))
    assert_refused(membership, "start_date", "in the past", start_date=day(-1))


def test_a_freeze_overlapping_an_earlier_freeze_is_refused(running):
    cf.FreezeFactory(membership=running, start_date=day(3), end_date=day(9))
    assert_refused(running, "start_date", "overlap", start_date=day(1), days=3)  # day 1..3
    assert_refused(running, "start_date", "overlap", start_date=day(9), days=2)  # day 9..10


def test_a_freeze_overlapping_an_open_freeze_is_refused(running):
    cf.FreezeFactory(membership=running, start_date=day(1), end_date=None)
    assert_refused(running, "start_date", "overlap", start_date=day(10), days=2)


def test_a_freeze_right_after_an_earlier_freeze_is_accepted(running, manager):
    cf.FreezeFactory(membership=running, start_date=day(3), end_date=day(5))
    freeze = services.membership_freeze(
        membership=running, start_date=day(6), days=2, reason="Trip", user=manager
    )
    assert freeze.start_date == day(6)


def test_a_freeze_after_the_membership_ends_is_refused(running):
    assert_refused(running, "start_date", "while the membership runs", start_date=day(30))


def test_a_freeze_before_the_membership_starts_is_refused(member, plan):
    membership = cf.MembershipFactory(client=member, plan=plan, start_date=day(10))
    assert_refused(membership, "start_date", "while the membership runs", start_date=day(2))


def test_a_cancelled_membership_cannot_be_frozen(member, plan):
    membership = cf.MembershipFactory(
        client=member,
        plan=plan,
        start_date=day(0),
        status=Membership.Status.CANCELLED,
        cancelled_on=day(0),
    )
    assert_refused(membership, "start_date", "cancelled")


# --- visit_check_in -------------------------------------------------------------------------
def check_in_refused(member, message_part, card=""):
    visits_used = dict(Membership.objects.values_list("pk", "visits_used"))
    with pytest.raises(ValidationError) as refused:
        services.visit_check_in(client=member, user=None)
    message = " ".join(refused.value.messages)
    assert message_part in message
    assert card in message
    assert not Visit.objects.exists()
    assert dict(Membership.objects.values_list("pk", "visits_used")) == visits_used
    return message


def test_a_valid_membership_lets_the_client_in_and_counts_the_visit(member, plan, frontdesk):
    membership = cf.MembershipFactory(client=member, plan=plan, start_date=day(-3), visits_used=2)
    visit = services.visit_check_in(client=member, user=frontdesk)
    membership.refresh_from_db()
    assert membership.visits_used == 3
    assert Visit.objects.get() == visit
    assert (visit.client, visit.membership, visit.created_by) == (member, membership, frontdesk)


def test_the_check_in_uses_the_running_membership_not_an_expired_one(member, plan):
    cf.MembershipFactory(client=member, plan=plan, start_date=day(-60), end_date=day(-31))
    current = cf.MembershipFactory(client=member, plan=plan, start_date=day(-5))
    visit = services.visit_check_in(client=member, user=None)
    assert visit.membership == current


def test_an_unlimited_membership_never_runs_out_of_visits(member):
    plan = cf.MembershipPlanFactory(name="Unlimited", visit_limit=None)
    membership = cf.MembershipFactory(client=member, plan=plan, start_date=day(0), visits_used=500)
    services.visit_check_in(client=member, user=None)
    membership.refresh_from_db()
    assert membership.visits_used == 501


def test_an_expired_membership_is_refused_with_its_end_date(member, plan):
    cf.MembershipFactory(
        client=member, plan=plan, card_number="CARD-EXP", start_date=day(-40), end_date=day(-11)
    )
    check_in_refused(member, "expired on", card="CARD-EXP")


def test_a_frozen_membership_is_refused(member, plan):
    membership = cf.MembershipFactory(
        client=member, plan=plan, card_number="CARD-ICE", start_date=day(-5)
    )
    cf.FreezeFactory(membership=membership, start_date=day(-1), end_date=day(4))
    check_in_refused(member, "frozen", card="CARD-ICE")


def test_an_open_freeze_refuses_the_check_in(member, plan):
    membership = cf.MembershipFactory(
        client=member, plan=plan, card_number="CARD-OPEN", start_date=day(-5)
    )
    cf.FreezeFactory(membership=membership, start_date=day(0), end_date=None)
    check_in_refused(member, "frozen", card="CARD-OPEN")


def test_a_membership_not_started_yet_is_refused_with_its_start_date(member, plan):
    cf.MembershipFactory(client=member, plan=plan, card_number="CARD-NEW", start_date=day(3))
    check_in_refused(member, "starts on", card="CARD-NEW")


def test_a_membership_out_of_visits_is_refused(member, plan):
    cf.MembershipFactory(
        client=member, plan=plan, card_number="CARD-USED", start_date=day(-3), visits_used=12
    )
    message = check_in_refused(member, "no visits left", card="CARD-USED")
    assert "12 of 12" in message


def test_a_client_without_a_membership_is_refused(member):
    check_in_refused(member, "has no membership")


def test_a_client_with_only_a_cancelled_membership_is_refused(member, plan):
    cf.MembershipFactory(
        client=member,
        plan=plan,
        start_date=day(-3),
        status=Membership.Status.CANCELLED,
        cancelled_on=day(-1),
    )
    check_in_refused(member, "has no membership")


def test_a_second_check_in_on_the_same_card_the_same_day_asks_first(member, plan, frontdesk):
    membership = cf.MembershipFactory(client=member, plan=plan, card_number="CARD-TWICE", start_date=day(-3))
    first = services.visit_check_in(client=member, user=frontdesk)

    with pytest.raises(services.AlreadyCheckedIn) as asked:
        services.visit_check_in(client=member, user=frontdesk)
    assert asked.value.visit == first
    local_time = timezone.localtime(first.checked_in_at).strftime("%H:%M")
    assert asked.value.messages == [f"Card CARD-TWICE was checked in already today at {local_time}."]
    assert Membership.objects.get(pk=membership.pk).visits_used == 1

    services.visit_check_in(client=member, user=frontdesk, again=True)
    assert Membership.objects.get(pk=membership.pk).visits_used == 2


def test_a_check_in_yesterday_does_not_ask_again_today(member, plan):
    membership = cf.MembershipFactory(client=member, plan=plan, start_date=day(-3))
    services.visit_check_in(client=member, user=None, at=timezone.now() - datetime.timedelta(days=1))
    services.visit_check_in(client=member, user=None)
    assert Membership.objects.get(pk=membership.pk).visits_used == 2


def test_a_check_in_entered_afterwards_counts_against_the_card_of_that_day(member, plan):
    old = cf.MembershipFactory(client=member, plan=plan, start_date=day(-40), end_date=day(-11))
    cf.MembershipFactory(client=member, plan=plan, start_date=day(-5))
    visit = services.visit_check_in(client=member, user=None, at=timezone.now() - datetime.timedelta(days=20))
    assert visit.membership == old


def test_a_check_in_in_the_future_is_refused(member, plan):
    cf.MembershipFactory(client=member, plan=plan, start_date=day(-3))
    with pytest.raises(ValidationError) as refused:
        services.visit_check_in(client=member, user=None, at=timezone.now() + datetime.timedelta(hours=2))
    assert refused.value.message_dict == {"checked_in_at": ["A visit cannot be entered in the future."]}
    assert not Visit.objects.exists()


def test_a_chosen_card_is_checked_as_the_check_in_checks_it(member, plan):
    running = cf.MembershipFactory(client=member, plan=plan, start_date=day(-3))
    used_up = cf.MembershipFactory(
        client=member, plan=plan, card_number="CARD-DONE", start_date=day(-3), visits_used=12
    )
    someone_elses = cf.MembershipFactory(plan=plan, start_date=day(-3))

    with pytest.raises(ValidationError) as refused:
        services.visit_check_in(client=member, user=None, membership=used_up)
    assert "no visits left" in refused.value.message_dict["membership"][0]
    with pytest.raises(ValidationError) as refused:
        services.visit_check_in(client=member, user=None, membership=someone_elses)
    assert refused.value.message_dict == {"membership": ["This membership belongs to another client."]}

    assert services.visit_check_in(client=member, user=None, membership=running).membership == running
    assert Visit.objects.count() == 1
