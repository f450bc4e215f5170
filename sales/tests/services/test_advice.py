"""Advice (sales.services.advice): offers under the trust-aware upsell policy, specialists'
recommendations and what the manager decides, promotions to segments of clients."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import roles
from clients.models import Client, Notification
from clients.tests import factories as cf
from programs.tests import factories as pf
from sales import selectors, services
from sales.models import Offer, Recommendation, Sale
from sales.segments import segment_clients
from sales.tests import factories as sf
from sales.tests.support import NOW, TODAY, days_ago, visits
from staff.tests import factories as stf

# --- the policy -------------------------------------------------------------------------------
@pytest.fixture
def policies(db):
    for stage, offers, wait in (("acquaintance", 0, 30), ("trust", 2, 14), ("loyalty", 4, 7), ("ambassador", 6, 3)):
        sf.UpsellPolicyFactory(stage=stage, max_offers_per_30_days=offers, min_days_after_decline=wait)


def trusted_client():
    client = cf.ClientFactory()
    cf.MembershipFactory(client=client, start_date=days_ago(40), end_date=TODAY + datetime.timedelta(days=20))
    visits(client, 4)
    return client


def test_an_acquaintance_gets_no_offer(policies, manager):
    client = cf.ClientFactory()
    with pytest.raises(ValidationError, match="allows no offers"):
        services.offer_record(client=client, manager=manager, service=stf.ServiceFactory())
    assert not Offer.objects.exists()


def test_trust_allows_two_offers_in_30_days_then_says_when(policies, manager):
    client = trusted_client()
    services.offer_record(client=client, manager=manager, service=stf.ServiceFactory())
    first = Offer.objects.get()
    Offer.objects.filter(pk=first.pk).update(offered_at=NOW - datetime.timedelta(days=10))
    services.offer_record(client=client, manager=manager, product=sf.ProductFactory())
    with pytest.raises(ValidationError) as error:
        services.offer_record(client=client, manager=manager, service=stf.ServiceFactory())
    expected = timezone.localtime(NOW - datetime.timedelta(days=10) + datetime.timedelta(days=30))
    assert expected.strftime("%d.%m.%Y") in " ".join(error.value.messages)  # day first in English too
    assert Offer.objects.count() == 2


def test_after_a_decline_the_policy_waits(policies, manager):
    client = trusted_client()
    services.offer_record(client=client, manager=manager, service=stf.ServiceFactory(), outcome="declined", outcome_reason="Too expensive")
    allowance = services.offer_allowance(client)
    assert allowance["left"] == 1
    assert allowance["next_allowed"] > NOW + datetime.timedelta(days=13)


def test_only_the_director_overrides_and_the_reason_is_kept(policies, manager, director):
    client = cf.ClientFactory()
    with pytest.raises(ValidationError, match="Only the director"):
        services.offer_record(client=client, manager=manager, service=stf.ServiceFactory(), override_reason="VIP")
    offer = services.offer_record(client=client, manager=director, service=stf.ServiceFactory(), override_reason="Asked for it herself")
    assert offer.policy_override_reason == "Asked for it herself" and offer.overridden_by == director


def test_an_accepted_offer_becomes_a_sale_with_the_promotion_discount(policies, manager):
    client = trusted_client()
    service = stf.ServiceFactory(price=Decimal("800.00"))
    promotion = sf.PromotionFactory(starts_on=TODAY, ends_on=TODAY, discount_percent=Decimal("25"))
    offer = services.offer_record(client=client, manager=manager, service=service, promotion=promotion,
                                  source="promotion", outcome="accepted")
    sale = Sale.objects.get(offer=offer)
    assert (sale.unit_price, sale.discount, sale.amount) == (Decimal("800.00"), Decimal("200.00"), Decimal("600.00"))
    assert sale.department == service.department and sale.promotion == promotion


def test_an_accepted_plan_offer_sells_a_membership_after_the_current_one(policies, manager):
    stf.DepartmentFactory(code="fitness", name="Fitness")
    client = trusted_client()
    current = client.memberships.get()
    plan = cf.MembershipPlanFactory(category="gym", price=Decimal("3000.00"))
    offer = services.offer_record(client=client, manager=manager, plan=plan, outcome="accepted")
    sale = Sale.objects.get(offer=offer)
    assert sale.membership.start_date == current.end_date + datetime.timedelta(days=1)
    assert sale.amount == Decimal("3000.00")


# --- recommendations ------------------------------------------------------------------------
@pytest.fixture
def session_world(make_user, policies):
    manager = make_user(roles.MANAGER, username="olena")
    specialist_user = make_user(roles.SPECIALIST, username="maria")
    specialist = stf.StaffMemberFactory(user=specialist_user)
    client = trusted_client()
    Client.objects.filter(pk=client.pk).update(assigned_manager=manager)
    item = pf.ProgramItemFactory(program__client=client, specialist=specialist, service__department=specialist.department)
    session = pf.SessionFactory(item=item, specialist=specialist)
    return {"manager": manager, "specialist_user": specialist_user, "client": client, "session": session}


def test_a_specialist_recommends_and_sees_the_outcome(client, session_world):
    cream = sf.ProductFactory(name="Home-care cream")
    client.force_login(session_world["specialist_user"])
    response = client.post(reverse("sales:recommend", args=[session_world["session"].pk]),
                           {"product": cream.pk, "reason": "Dry skin after peeling"})
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert recommendation.session == session_world["session"]

    client.force_login(session_world["manager"])
    assert "Home-care cream" in client.get(reverse("home")).content.decode()
    client.post(reverse("sales:decide", args=[recommendation.pk]), {"decision": "offer_accepted"})
    recommendation.refresh_from_db()
    assert recommendation.status == "accepted"
    offer = Offer.objects.get()
    assert (offer.source, offer.recommendation, offer.outcome) == ("recommendation", recommendation, "accepted")
    assert Sale.objects.get(offer=offer).product == cream

    client.force_login(session_world["specialist_user"])
    assert "Accepted" in client.get(reverse("sales:my-recommendations")).content.decode()


def test_declining_a_recommendation_needs_a_reason(client, session_world):
    recommendation = sf.RecommendationFactory(client=session_world["client"])
    client.force_login(session_world["manager"])
    response = client.post(reverse("sales:decide", args=[recommendation.pk]), {"decision": "decline"})
    assert "Give the reason for declining" in response.content.decode()
    client.post(reverse("sales:decide", args=[recommendation.pk]), {"decision": "decline", "reason": "Did a course last month"})
    recommendation.refresh_from_db()
    assert recommendation.status == "declined" and not Offer.objects.exists()


def test_a_specialist_cannot_recommend_from_someone_elses_session(client, session_world, make_user):
    other = make_user(roles.SPECIALIST, username="other")
    stf.StaffMemberFactory(user=other)
    client.force_login(other)
    assert client.get(reverse("sales:recommend", args=[session_world["session"].pk])).status_code == 404


# --- segments and promotions ----------------------------------------------------------------
@pytest.fixture
def segment_world(db):
    spa = stf.DepartmentFactory(code="spa")
    people = {
        "spa_buyer": cf.ClientFactory(birth_date=datetime.date(1990, 3, 5), consent_email=True),
        "young": cf.ClientFactory(birth_date=TODAY.replace(year=TODAY.year - 20), consent_sms=True),
        "expiring": cf.ClientFactory(birth_date=datetime.date(1970, 7, 1), consent_email=True),
        "loyal": cf.ClientFactory(birth_date=datetime.date(1985, 3, 20)),
        "lapsed": cf.ClientFactory(birth_date=None, consent_email=True),
    }
    sf.SaleFactory(client=people["spa_buyer"], department=spa)
    cf.MembershipFactory(client=people["expiring"], start_date=days_ago(20), end_date=TODAY + datetime.timedelta(days=5))
    Client.objects.filter(pk=people["loyal"].pk).update(stage="loyalty")
    for person in ("spa_buyer", "young", "expiring", "loyal"):
        cf.VisitFactory(client=people[person], checked_in_at=NOW - datetime.timedelta(days=2))
    cf.VisitFactory(client=people["lapsed"], checked_in_at=NOW - datetime.timedelta(days=40))
    return people


def names(segment, people):
    found = set(segment_clients(segment).values_list("pk", flat=True))
    return {name for name, person in people.items() if person.pk in found}


@pytest.mark.parametrize(
    "segment, expected",
    [
        ({"department": "spa"}, {"spa_buyer"}),
        ({"stages": ["loyalty"]}, {"loyal"}),
        ({"expiring_within": 7}, {"expiring"}),
        ({"no_visit_days": 30}, {"lapsed"}),
        ({"age_min": 30, "age_max": 45}, {"spa_buyer", "loyal"}),
        ({"age_max": 25}, {"young"}),
        ({"birthday_month": 3}, {"spa_buyer", "loyal"}),
        ({"channel": "email"}, {"spa_buyer", "expiring", "lapsed"}),
        ({"birthday_month": 3, "channel": "email"}, {"spa_buyer"}),
        ({"channel": "email", "no_visit_days": 30}, {"lapsed"}),
        ({}, {"spa_buyer", "young", "expiring", "loyal", "lapsed"}),
    ],
)
def test_segment_filters_alone_and_combined(segment_world, segment, expected):
    assert names(segment, segment_world) == expected


def test_a_promotion_reaches_each_client_once_and_counts_redemptions(client, director, segment_world, settings, django_capture_on_commit_callbacks):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    promotion = sf.PromotionFactory(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=10), segment={"channel": "email"})
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sales:promotion", args=[promotion.pk]), {"channel": "email", "send": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sales:promotion", args=[promotion.pk]), {"channel": "email", "send": "1"})
    rows = Notification.objects.filter(kind="promotion")
    assert rows.count() == 3 and set(rows.values_list("status", flat=True)) == {"sent"}
    sf.SaleFactory(client=segment_world["spa_buyer"], promotion=promotion, unit_price=Decimal("400"))
    stats = client.get(reverse("sales:promotion", args=[promotion.pk])).context["stats"]
    assert (stats["sent"], stats["redeemed"], stats["revenue"]) == (3, 1, Decimal("400.00"))


def test_a_manager_reaches_only_their_own_clients_of_a_promotions_segment(client, make_user, django_capture_on_commit_callbacks):
    """A manager opening a promotion saw, and could message, every client of the segment."""
    manager, other = make_user(roles.MANAGER), make_user(roles.MANAGER)
    mine = cf.ClientFactory(last_name="Mine", assigned_manager=manager, consent_email=True, preferred_channel="email")
    theirs = cf.ClientFactory(last_name="Theirs", assigned_manager=other, consent_email=True, preferred_channel="email")
    promotion = sf.PromotionFactory(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=10), segment={"channel": "email"})
    client.force_login(manager)

    page = client.get(reverse("sales:promotion", args=[promotion.pk]))
    assert [c.pk for c in page.context["page"]] == [mine.pk]
    assert "Theirs" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        # a manager cannot widen the segment: the posted filters are ignored, the saved ones used
        client.post(reverse("sales:promotion", args=[promotion.pk]), {"channel": "sms", "send": "1"})

    promotion.refresh_from_db()
    assert promotion.segment == {"channel": "email"}
    assert set(Notification.objects.filter(kind="promotion").values_list("client", flat=True)) == {mine.pk}
    assert not Notification.objects.filter(client=theirs).exists()


def test_a_bad_segment_is_explained(client, director, db):
    promotion = sf.PromotionFactory()
    client.force_login(director)
    response = client.post(reverse("sales:promotion", args=[promotion.pk]), {"age_min": "50", "age_max": "20"})
    assert "cannot be below the lower one" in response.content.decode()


def test_ambassadors_are_ranked_by_referrals_then_their_revenue(client, director, db):
    first, second = cf.ClientFactory(last_name="First"), cf.ClientFactory(last_name="Second")
    for _ in range(2):
        cf.ClientFactory(referred_by=second)
    rich = cf.ClientFactory(referred_by=first)
    cf.ClientFactory(referred_by=first)
    sf.SaleFactory(client=rich, unit_price=Decimal("900"))
    rows = list(selectors.ambassadors(clients=Client.objects.all()))
    assert [c.pk for c in rows] == [first.pk, second.pk]
    assert rows[0].referral_revenue == Decimal("900.00")
    client.force_login(director)
    assert client.get(reverse("sales:ambassadors")).status_code == 200


def test_a_manager_sees_only_their_own_ambassadors(client, make_user):
    """The page answered 500 to every manager (a sliced queryset filtered again)."""
    manager, other = make_user(roles.MANAGER), make_user(roles.MANAGER)
    mine = cf.ClientFactory(last_name="Mine", assigned_manager=manager)
    theirs = cf.ClientFactory(last_name="Theirs", assigned_manager=other)
    for referrer in (mine, theirs):
        cf.ClientFactory(referred_by=referrer, assigned_manager=referrer.assigned_manager)
    client.force_login(manager)
    response = client.get(reverse("sales:ambassadors"))
    assert response.status_code == 200
    assert [c.pk for c in response.context["rows"]] == [mine.pk]
    assert "Theirs" not in response.content.decode()


def test_an_accepted_recommendation_can_join_the_active_program(client, session_world):
    program = session_world["session"].item.program
    program.status = "active"
    program.save()
    massage = stf.ServiceFactory(name="Classic massage", department=session_world["session"].specialist.department)
    session_world["session"].specialist.services.add(massage)
    recommendation = sf.RecommendationFactory(client=session_world["client"], service=massage,
                                              specialist=session_world["session"].specialist)
    client.force_login(session_world["manager"])
    client.post(reverse("sales:decide", args=[recommendation.pk]), {"decision": "program"})
    item = program.items.get(service=massage)
    assert item.sessions.count() == 4 and item.specialist == recommendation.specialist
    assert all(s.scheduled_at.date() > TODAY for s in item.sessions.all())
    recommendation.refresh_from_db()
    assert recommendation.status == "accepted"


def test_a_contraindicated_recommendation_is_not_added_silently(client, session_world):
    program = session_world["session"].item.program
    program.status = "active"
    program.save()
    flag = cf.ContraindicationFactory(name="Varicose veins")
    session_world["client"].contraindications.add(flag)
    drainage = stf.ServiceFactory(department=session_world["session"].specialist.department)
    drainage.contraindications.add(flag)
    recommendation = sf.RecommendationFactory(client=session_world["client"], service=drainage)
    client.force_login(session_world["manager"])
    response = client.post(reverse("sales:decide", args=[recommendation.pk]), {"decision": "program"})
    assert "is contraindicated for this client" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == "pending"
    assert not program.items.filter(service=drainage).exists()
