"""The membership rules (clients.rules), each at its boundaries: running, frozen, usable for a
check-in, active member, renewed, expiring soon, the end date of a plan, lapsed, birthdays, the
client list's states; and the Python twins agree with the queries."""

import datetime

import pytest
from django.utils import timezone

from clients import rules
from clients.models import Client, Membership
from clients.tests import factories as cf

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 3, 15)


def d(offset: int) -> datetime.date:
    return ON + datetime.timedelta(days=offset)


def card(start: int, end: int, **fields) -> Membership:
    return cf.MembershipFactory(start_date=d(start), end_date=d(end), **fields)


def cancelled(start: int, end: int, **fields) -> Membership:
    return card(start, end, status=Membership.Status.CANCELLED, cancelled_on=d(start), **fields)


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


# --- running, frozen, usable ------------------------------------------------------------------
def test_a_card_runs_from_its_first_to_its_last_day_unless_cancelled():
    ends_today, starts_today, one_day = card(-29, 0), card(0, 29), card(0, 0)
    card(-30, -1)  # ended yesterday
    card(1, 30)  # starts tomorrow
    cancelled(-5, 24)
    assert ids(rules.running_on(ON)) == {ends_today.pk, starts_today.pk, one_day.pk}


@pytest.mark.parametrize(
    "freeze, frozen",
    [
        ((0, 5), True),  # starts today
        ((-5, 0), True),  # ends today
        ((-5, None), True),  # open
        ((0, None), True),  # open from today
        ((-5, -1), False),  # ended yesterday
        ((1, 5), False),  # starts tomorrow
        ((1, None), False),  # open from tomorrow
    ],
)
def test_a_card_is_frozen_on_the_days_a_freeze_covers(freeze, frozen):
    membership = card(-10, 19)
    cf.FreezeFactory(membership=membership, start_date=d(freeze[0]), end_date=None if freeze[1] is None else d(freeze[1]))
    assert (membership.pk in ids(rules.frozen_on(ON))) is frozen
    assert (membership.pk in ids(Membership.objects.filter(rules.member_q(ON)))) is not frozen


def test_only_a_running_card_is_frozen():
    expired = card(-30, -1)
    cf.FreezeFactory(membership=expired, start_date=d(-3), end_date=None)
    assert ids(rules.frozen_on(ON)) == set()


@pytest.mark.parametrize(
    "fields, usable",
    [({}, True), ({"visit_limit": 8, "visits_used": 7}, True), ({"visit_limit": 8, "visits_used": 8}, False)],
)
def test_a_running_unfrozen_card_is_usable_while_it_has_visits_left(fields, usable):
    membership = card(-10, 19, **fields)
    assert (membership.pk in ids(rules.usable_for_check_in(ON))) is usable


def test_a_frozen_card_or_one_not_running_is_not_usable():
    frozen = card(-10, 19)
    cf.FreezeFactory(membership=frozen, start_date=d(-1), end_date=d(1))
    card(1, 30)
    card(-30, -1)
    cancelled(-10, 19)
    assert ids(rules.usable_for_check_in(ON)) == set()


# --- active members ---------------------------------------------------------------------------
def test_an_active_member_has_a_running_card_not_frozen_and_counts_once():
    two_cards = cf.ClientFactory()
    card(-10, 19, client=two_cards)
    card(-3, 40, client=two_cards)
    used_up = cf.ClientFactory()
    card(-10, 19, client=used_up, visit_limit=4, visits_used=4)
    frozen = cf.ClientFactory()
    cf.FreezeFactory(membership=card(-10, 19, client=frozen), start_date=d(0), end_date=None)
    card(-30, -1)  # ended
    cancelled(-10, 19)
    card(1, 30)  # not started
    assert set(rules.active_members_on(ON)) == {two_cards, used_up}


def test_a_client_with_one_frozen_and_one_unfrozen_card_is_an_active_member():
    both = cf.ClientFactory()
    card(-10, 19, client=both)
    cf.FreezeFactory(membership=card(-5, 25, client=both), start_date=d(-1), end_date=d(3))
    assert set(rules.active_members_on(ON)) == {both}


# --- the client list's states -------------------------------------------------------------------
def test_every_client_is_in_exactly_one_membership_state():
    people = {
        "active": cf.ClientFactory(), "frozen": cf.ClientFactory(), "not_started": cf.ClientFactory(),
        "expired": cf.ClientFactory(), "none": cf.ClientFactory(), "only_cancelled": cf.ClientFactory(),
        "ended_and_upcoming": cf.ClientFactory(), "frozen_and_active": cf.ClientFactory(),
    }
    card(-10, 19, client=people["active"])
    cf.FreezeFactory(membership=card(-10, 19, client=people["frozen"]), start_date=d(-2), end_date=None)
    card(3, 32, client=people["not_started"])
    card(-60, -31, client=people["expired"])
    cancelled(-10, 19, client=people["only_cancelled"])
    card(-60, -31, client=people["ended_and_upcoming"])
    card(2, 31, client=people["ended_and_upcoming"])
    card(-10, 19, client=people["frozen_and_active"])
    cf.FreezeFactory(membership=card(-10, 25, client=people["frozen_and_active"]), start_date=d(0), end_date=d(0))
    states = {
        state: set(Client.objects.filter(rules.client_state_q(state, ON)).values_list("pk", flat=True))
        for state in rules.CLIENT_STATES
    }
    expected = {
        "active": {people["active"].pk, people["frozen_and_active"].pk},
        "frozen": {people["frozen"].pk},
        "not_started": {people["not_started"].pk, people["ended_and_upcoming"].pk},
        "expired": {people["expired"].pk},
        "none": {people["none"].pk, people["only_cancelled"].pk},
    }
    assert states == expected


# --- renewed ---------------------------------------------------------------------------------------
def renewed_ids() -> set[int]:
    return ids(Membership.objects.filter(rules.renewed_within()))


@pytest.mark.parametrize(
    "next_start, renewed",
    [
        (1, True),  # the day after the end
        (14, True),  # the 14th day after the end
        (15, False),  # the 15th
        (-5, True),  # an early renewal that overlaps
    ],
)
def test_a_card_is_renewed_by_a_next_one_starting_within_14_days_of_its_end(next_start, renewed):
    ended = card(-29, 0)
    card(next_start, next_start + 29, client=ended.client)
    assert (ended.pk in renewed_ids()) is renewed


def test_a_cancelled_card_another_clients_or_an_earlier_one_is_no_renewal():
    ended = card(-29, 0)
    cancelled(1, 30, client=ended.client)
    card(1, 30)  # another client's
    card(-60, -30, client=ended.client)  # an earlier card of the same client
    assert ended.pk not in renewed_ids()


# --- expiring soon -------------------------------------------------------------------------------
def test_a_card_expires_soon_when_it_runs_and_ends_within_seven_days():
    today, last_day, frozen = card(-29, 0), card(-22, 7), card(-20, 5)
    cf.FreezeFactory(membership=frozen, start_date=d(0), end_date=d(1))
    card(-21, 8)  # ends on the 8th day
    card(-30, -1)  # ended yesterday
    card(1, 5)  # not started
    cancelled(-20, 3)
    assert rules.EXPIRING_SOON_DAYS == 7
    assert ids(rules.expiring_soon(ON)) == {today.pk, last_day.pk, frozen.pk}
    assert ids(rules.expiring_soon(ON, within=8)) == {today.pk, last_day.pk, frozen.pk} | ids(
        Membership.objects.filter(end_date=d(8))
    )


def test_expiring_without_renewal_leaves_out_renewed_cards():
    renewed, alone, late = card(-25, 4), card(-25, 4), card(-25, 4)
    card(5, 34, client=renewed.client)
    card(4 + 15, 4 + 44, client=late.client)  # 15 days after the end: not a renewal
    assert ids(rules.expiring_unrenewed(ON)) == {alone.pk, late.pk}


@pytest.mark.parametrize("days_left, soon", [(None, False), (-1, False), (0, True), (7, True), (8, False)])
def test_the_templates_expiring_soon_matches_the_rule(days_left, soon):
    assert rules.is_expiring_soon(days_left) is soon


def test_a_plans_end_date_counts_the_first_day():
    plan = cf.MembershipPlanFactory(duration_days=30)
    assert rules.plan_end_date(plan, datetime.date(2026, 3, 1)) == datetime.date(2026, 3, 30)
    assert rules.plan_end_date(cf.MembershipPlanFactory(duration_days=1), ON) == ON


# --- lapsed ----------------------------------------------------------------------------------------
def today(offset: int = 0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def local_moment(offset: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(today(offset), datetime.time(hour, minute)))


def lapsed() -> set[Client]:
    return set(Client.objects.filter(rules.lapsed_q(timezone.localdate())))


@pytest.fixture
def regular():
    """A client whose 30-day membership started 20 days ago."""
    regular = cf.ClientFactory(first_name="Regular")
    regular.membership = cf.MembershipFactory(client=regular, start_date=today(-20), end_date=today(9))
    return regular


def test_a_client_who_has_not_come_for_two_weeks_has_lapsed(regular):
    assert rules.LAPSED_DAYS == 14
    assert lapsed() == {regular}


@pytest.mark.parametrize("days_ago, hour, is_lapsed", [
    (15, 23, True), (15, 12, True), (14, 0, False), (14, 12, False), (13, 12, False), (0, 12, False),
])
def test_a_client_lapses_when_their_last_visit_was_fifteen_or_more_club_days_ago(regular, days_ago, hour, is_lapsed):
    cf.VisitFactory(client=regular, checked_in_at=local_moment(-days_ago, hour))
    assert (regular in lapsed()) is is_lapsed


def test_a_client_frozen_today_has_not_lapsed(regular):
    cf.FreezeFactory(membership=regular.membership, start_date=today(-2), end_date=today(3))
    assert lapsed() == set()


def test_a_client_whose_freeze_is_over_has_lapsed_again(regular):
    cf.FreezeFactory(membership=regular.membership, start_date=today(-10), end_date=today(-5))
    assert lapsed() == {regular}


def test_a_client_whose_membership_expired_or_was_cancelled_has_not_lapsed():
    cf.MembershipFactory(start_date=today(-40), end_date=today(-11))
    cf.MembershipFactory(start_date=today(-20), end_date=today(9), status=Membership.Status.CANCELLED, cancelled_on=today(-1))
    assert lapsed() == set()


@pytest.mark.parametrize("started_days_ago, is_lapsed", [(14, True), (13, False), (3, False)])
def test_a_new_card_lapses_only_fourteen_days_after_its_start(started_days_ago, is_lapsed):
    newcomer = cf.ClientFactory()
    cf.MembershipFactory(client=newcomer, start_date=today(-started_days_ago), end_date=today(20))
    assert (newcomer in lapsed()) is is_lapsed


# --- birthdays ---------------------------------------------------------------------------------------
def birthdays(on: datetime.date) -> set[str]:
    return set(Client.objects.filter(rules.birthday_q(on)).values_list("first_name", flat=True))


def test_birthdays_on_the_day_and_29_february_on_the_28th_in_other_years():
    cf.ClientFactory(first_name="leap", birth_date=datetime.date(1992, 2, 29))
    cf.ClientFactory(first_name="28th", birth_date=datetime.date(1990, 2, 28))
    cf.ClientFactory(first_name="march", birth_date=datetime.date(1990, 3, 1))
    assert birthdays(datetime.date(2027, 2, 28)) == {"leap", "28th"}
    assert birthdays(datetime.date(2028, 2, 28)) == {"28th"}
    assert birthdays(datetime.date(2028, 2, 29)) == {"leap"}
    assert birthdays(datetime.date(2027, 3, 1)) == {"march"}


# --- the Python twin agrees with the queries ------------------------------------------------------------
@pytest.mark.parametrize(
    "fields, freeze, state",
    [
        ({}, None, "active"),
        ({"start_date": ON, "end_date": ON}, None, "active"),
        ({}, (d(-5), d(5)), "frozen"),
        ({}, (ON, None), "frozen"),
        ({}, (d(-10), d(-1)), "active"),
        ({"end_date": d(-1)}, None, "expired"),
        ({"start_date": d(1), "end_date": d(30)}, None, "not_started"),
        ({"visit_limit": 8, "visits_used": 8}, None, "used_up"),
        ({"visit_limit": 8, "visits_used": 7}, None, "active"),
        ({"status": Membership.Status.CANCELLED, "cancelled_on": d(-5)}, None, "cancelled"),
    ],
)
def test_membership_state_names_what_the_queries_say_of_the_card(fields, freeze, state):
    values = {"start_date": d(-14), "end_date": d(15), **fields}
    membership = cf.MembershipFactory(**values)
    if freeze:
        cf.FreezeFactory(membership=membership, start_date=freeze[0], end_date=freeze[1])
    assert rules.membership_state(membership, ON) == state
    by_query = {
        "running": rules.running_q(ON), "frozen": rules.frozen_q(ON), "usable": rules.usable_q(ON),
        "not_started": rules.not_started_q(ON), "ended": rules.ended_q(ON),
    }
    found = {name for name, q in by_query.items() if Membership.objects.filter(q, pk=membership.pk).exists()}
    expected = {
        "active": {"running", "usable"}, "frozen": {"running", "frozen"}, "used_up": {"running"},
        "not_started": {"not_started"}, "expired": {"ended"}, "cancelled": set(),
    }[state]
    assert found == expected
    assert rules.is_running(membership, ON) is (state in rules.RUNNING_STATES)
