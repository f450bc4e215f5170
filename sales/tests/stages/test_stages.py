"""The relationship stage (sales.stages): acquaintance, trust, loyalty, ambassador, from a
client's months, visits, renewals, referrals, complaints and survey answers; stored nightly."""

import pytest

from clients.models import Client
from clients.tests import factories as cf
from sales.stages import stage_with_reasons, stages_refresh
from sales.tests.support import days_ago, visits
from staff.tests import factories as stf


@pytest.mark.django_db
def test_a_new_client_is_an_acquaintance():
    client = cf.ClientFactory()
    cf.MembershipFactory(client=client, start_date=days_ago(5))
    visits(client, 6)
    assert stage_with_reasons(client)[0] == "acquaintance"


@pytest.mark.django_db
def test_regular_visits_after_a_month_build_trust_and_an_open_complaint_breaks_it():
    client = cf.ClientFactory()
    cf.MembershipFactory(client=client, start_date=days_ago(40))
    visits(client, 4)
    assert stage_with_reasons(client)[0] == "trust"
    stf.FeedbackFactory(client=client, kind="complaint")
    assert stage_with_reasons(client)[0] == "acquaintance"


@pytest.mark.django_db
def test_a_low_nps_answer_keeps_a_client_from_trust():
    client = cf.ClientFactory()
    cf.MembershipFactory(client=client, start_date=days_ago(40))
    visits(client, 5)
    stf.SurveyResponseFactory(client=client, score=5)
    assert stage_with_reasons(client)[0] == "acquaintance"


@pytest.mark.django_db
def test_a_renewal_after_four_months_is_loyalty_and_a_referral_makes_an_ambassador():
    client = cf.ClientFactory()
    cf.MembershipFactory(client=client, start_date=days_ago(200), end_date=days_ago(101))
    cf.MembershipFactory(client=client, start_date=days_ago(100))
    visits(client, 8)
    stf.FeedbackFactory(client=client, kind="thanks")
    assert stage_with_reasons(client)[0] == "loyalty"
    cf.ClientFactory(referred_by=client)
    stage, reasons = stage_with_reasons(client)
    assert stage == "ambassador"
    assert "1 client referred" in reasons


@pytest.mark.django_db
def test_stages_refresh_stores_the_computed_stage_for_every_client():
    trusting = cf.ClientFactory()
    cf.MembershipFactory(client=trusting, start_date=days_ago(40))
    visits(trusting, 4)
    cf.ClientFactory()
    assert stages_refresh() == 1
    assert Client.objects.get(pk=trusting.pk).stage == "trust"
    assert stages_refresh() == 0
