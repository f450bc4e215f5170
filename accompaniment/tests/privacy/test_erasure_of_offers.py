"""The erasure of a client (accompaniment.services.client_erase) reaches the sales app: the
reason given for offering a contraindicated service is health data, and goes with the rest."""

import datetime

import pytest
from django.utils import timezone

from accompaniment.services import client_erase
from clients.tests import factories as cf
from core import roles
from sales import services
from sales.models import Offer
from sales.tests import factories as sf
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


def test_the_erasure_of_a_client_removes_the_offers_reason(make_user, director):
    sf.UpsellPolicyFactory(stage="acquaintance", max_offers_per_30_days=5, min_days_after_decline=0)
    manager = make_user(roles.MANAGER, username="olena")
    pregnancy = cf.ContraindicationFactory(name="Pregnancy")
    person = cf.ClientFactory(assigned_manager=manager)
    person.contraindications.add(pregnancy)
    ended = timezone.localdate() - datetime.timedelta(days=1)
    cf.MembershipFactory(client=person, start_date=ended - datetime.timedelta(days=29), end_date=ended)
    massage = stf.ServiceFactory(name="Lymphatic massage")
    massage.contraindications.add(pregnancy)
    services.offer_record(client=person, manager=manager, service=massage, contraindication_reason="Pregnant, 20 weeks")

    client_erase(client=person, by=director, reason="Written request")

    assert Offer.objects.get().contraindication_reason == ""
