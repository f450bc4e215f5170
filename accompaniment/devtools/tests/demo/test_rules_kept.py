"""The demo club writes in bulk what the product's services would write, and keeps their rules
(``accompaniment.devtools.demo``): each card's ledger row is the one ``membership_sell`` writes,
each visit a check-in the rule allows, offers within the upsell policy, feedback through the
loop's steps, a detractor's survey answer a complaint."""

import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from clients import rules
from clients.models import Freeze, Membership, Visit
from sales.models import Offer, Sale, UpsellPolicy
from sales.services import OFFER_WINDOW_DAYS, department_for_plan, manual_discount_limit
from staff.models import Feedback, SurveyResponse
from staff.nps import is_detractor

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", "--clients", "400", "--seed", "11", stdout=StringIO())
    return get_user_model().objects.get(username="director")


def test_each_card_is_in_the_ledger_as_membership_sell_writes_it(demo):
    cards = Membership.objects.select_related("plan").in_bulk()
    rows = list(Sale.objects.filter(kind=Sale.Kind.MEMBERSHIP))
    assert sorted(row.membership_id for row in rows) == sorted(cards)  # one row per card
    departments = {plan.pk: department_for_plan(plan) for plan in {card.plan for card in cards.values()}}
    for row in rows:
        card = cards[row.membership_id]
        assert row.department_id == departments[card.plan_id].pk
        assert (row.note, row.client_id, row.quantity) == (card.card_number, card.client_id, 1)
        assert row.unit_price == card.plan.price
        assert row.discount <= manual_discount_limit(card.plan.price)  # what the desk may give
        assert card.price == row.unit_price - row.discount == row.amount
        assert row.seller_id == row.created_by_id == card.sold_by_id == card.created_by_id
    refunds = Sale.objects.filter(kind=Sale.Kind.REFUND).select_related("membership__plan")
    assert refunds.exists()
    for row in refunds:
        assert row.amount == -row.unit_price < 0
        assert row.department_id == departments[row.membership.plan_id].pk
        assert row.membership.status == Membership.Status.CANCELLED
        assert row.created_by_id == demo.pk  # entered by the director (sale_record)


def test_each_visit_is_a_check_in_the_rule_allows(demo):
    """Replayed in time order, each visit counts against the client's earliest card that runs
    that day, is not frozen and has a visit left, as ``visit_check_in`` chooses it."""
    cards = Membership.objects.in_bulk()
    freezes = defaultdict(list)
    for freeze in Freeze.objects.all():
        freezes[freeze.membership_id].append(freeze)
    by_client = defaultdict(list)
    for card in cards.values():
        by_client[card.client_id].append(card)
    rows_left = defaultdict(int)
    visits = list(Visit.objects.order_by("checked_in_at"))
    for visit in visits:
        rows_left[visit.membership_id] += 1
    checked_days = set()
    now = timezone.now()
    for visit in visits:
        day = timezone.localdate(visit.checked_in_at)
        assert visit.checked_in_at <= now
        assert (visit.membership_id, day) not in checked_days  # once a day: no "check in again?"
        checked_days.add((visit.membership_id, day))

        def state(card):
            then = Membership(
                status=Membership.Status.ACTIVE if card.cancelled_on and day < card.cancelled_on else card.status,
                start_date=card.start_date, end_date=card.end_date, visit_limit=card.visit_limit,
                visits_used=card.visits_used - rows_left[card.pk],  # counted before this visit
            )
            return rules.membership_state(then, day, freezes=freezes[card.pk])

        usable = sorted((card for card in by_client[visit.client_id] if state(card) == "active"),
                        key=lambda card: (card.start_date, card.pk))
        assert usable and usable[0].pk == visit.membership_id, visit
        rows_left[visit.membership_id] -= 1
    assert len(visits) > 1000


def test_offers_keep_the_upsell_policy_of_any_stage(demo):
    policies = list(UpsellPolicy.objects.all())
    most = min(policy.max_offers_per_30_days for policy in policies)
    wait = datetime.timedelta(days=max(policy.min_days_after_decline for policy in policies))
    offers = defaultdict(list)
    for offer in Offer.objects.order_by("offered_at"):
        offers[offer.client_id].append(offer)
    assert offers
    for made in offers.values():
        for i, offer in enumerate(made):
            window = [o for o in made[:i] if o.offered_at > offer.offered_at - datetime.timedelta(days=OFFER_WINDOW_DAYS)]
            assert len(window) < most
            assert not [o for o in made[:i] if o.outcome == Offer.Outcome.DECLINED and offer.offered_at < o.offered_at + wait]
    for sale in Sale.objects.filter(offer__isnull=False).select_related("offer"):
        assert sale.offer.outcome == Offer.Outcome.ACCEPTED and sale.created_by_id == sale.offer.manager_id
    assert not Sale.objects.filter(kind__in=[Sale.Kind.SERVICE, Sale.Kind.PRODUCT], offer__isnull=True).exclude(
        created_by=demo).exists()  # rows outside an offer: entered by the director (sale_record)


def test_feedback_goes_through_the_loops_steps(demo):
    assert not Feedback.objects.filter(staff_member__isnull=True).exclude(status=Feedback.Status.NEW).exclude(
        status=Feedback.Status.RESOLVED).exists()  # relayed only to a staff member
    assert not Feedback.objects.filter(relayed_at__isnull=False, staff_member__isnull=True).exists()
    assert not Feedback.objects.filter(status=Feedback.Status.RESOLVED).exclude(kind=Feedback.Kind.COMPLAINT).exists()
    assert not Feedback.objects.filter(staff_response__gt="", relayed_at__isnull=True).exists()
    assert Feedback.objects.filter(status=Feedback.Status.RELAYED).exists()


def test_a_detractors_survey_answer_is_a_complaint(demo):
    answers = [answer for answer in SurveyResponse.objects.all() if is_detractor(answer.score)]
    assert answers
    complaints = {
        (c.client_id, c.staff_member_id, c.service_id, c.received_at)
        for c in Feedback.objects.filter(kind=Feedback.Kind.COMPLAINT, channel=Feedback.Channel.SURVEY)
    }
    for answer in answers:
        assert (answer.client_id, answer.staff_member_id, answer.service_id, answer.answered_at) in complaints
