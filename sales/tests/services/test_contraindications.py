"""The contraindication rule (staff.rules) for what is not a program: an offer of a service, a
specialist's recommendation accepted as an offer or into the program, and the admin's offer and
program item forms. Refused without a reason, with the flags named next to the reason's field;
with a reason, the reason is kept and shown."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf
from core import roles
from programs.models import ProgramItem
from programs.tests import factories as pf
from sales import services
from sales.models import Offer, Recommendation, Sale
from sales.tests import factories as sf
from staff.rules import contraindication_check, contraindications_conflict
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MESSAGE = "Lymphatic massage is contraindicated for this client (Pregnancy)"


@pytest.fixture
def world(make_user):
    """A trusted client, pregnant, and a massage contraindicated in pregnancy."""
    for stage, offers in (("acquaintance", 5), ("trust", 5), ("loyalty", 5), ("ambassador", 5)):
        sf.UpsellPolicyFactory(stage=stage, max_offers_per_30_days=offers, min_days_after_decline=0)
    manager = make_user(roles.MANAGER, username="olena")
    specialist = stf.StaffMemberFactory(user=make_user(roles.SPECIALIST, username="maria"))
    client = cf.ClientFactory(first_name="Iryna", assigned_manager=manager)
    cf.MembershipFactory(client=client, start_date=TODAY - datetime.timedelta(days=10))
    pregnancy = cf.ContraindicationFactory(name="Pregnancy")
    client.contraindications.add(pregnancy)
    massage = stf.ServiceFactory(name="Lymphatic massage", department=specialist.department)
    massage.contraindications.add(pregnancy, cf.ContraindicationFactory(name="Fever"))
    safe = stf.ServiceFactory(name="Pool", department=specialist.department)
    return {"manager": manager, "specialist": specialist, "client": client, "massage": massage, "safe": safe}


# --- the rule ------------------------------------------------------------------------------------
def test_the_conflict_is_the_flags_the_client_and_the_service_share(world):
    assert [str(f) for f in contraindications_conflict(world["client"], world["massage"])] == ["Pregnancy"]
    assert contraindications_conflict(world["client"], world["safe"]) == []
    assert contraindications_conflict(world["client"], None) == []


def test_the_check_refuses_without_a_reason_and_keeps_a_given_one_only_when_needed(world):
    with pytest.raises(ValidationError) as error:
        contraindication_check(client=world["client"], service=world["massage"], reason="  ")
    assert MESSAGE in error.value.message_dict["contraindication_reason"][0]
    assert contraindication_check(client=world["client"], service=world["massage"], reason=" Doctor's note ") == "Doctor's note"
    assert contraindication_check(client=world["client"], service=world["safe"], reason="not needed") == ""


# --- offers ----------------------------------------------------------------------------------------
def test_an_offer_of_a_contraindicated_service_is_refused_without_a_reason(world):
    with pytest.raises(ValidationError) as error:
        services.offer_record(client=world["client"], manager=world["manager"], service=world["massage"], outcome="accepted")
    assert MESSAGE in error.value.message_dict["contraindication_reason"][0]
    assert not Offer.objects.exists() and not Sale.objects.exists()


def test_an_offer_with_a_reason_keeps_it_and_the_card_shows_it(client, world):
    offer = services.offer_record(
        client=world["client"], manager=world["manager"], service=world["massage"],
        contraindication_reason="Obstetrician allowed it in writing",
    )
    assert offer.contraindication_reason == "Obstetrician allowed it in writing"
    client.force_login(world["manager"])
    card = client.get(reverse("client-card", args=[world["client"].pk])).content.decode()
    assert "Contraindication overridden: Obstetrician allowed it in writing" in card


def test_a_product_or_a_safe_service_needs_no_reason_and_keeps_none(world):
    offer = services.offer_record(client=world["client"], manager=world["manager"], service=world["safe"],
                                  contraindication_reason="typed anyway")
    assert offer.contraindication_reason == ""
    assert services.offer_record(client=world["client"], manager=world["manager"], product=sf.ProductFactory())


def test_the_offer_form_shows_the_refusal_next_to_the_reason(client, world):
    client.force_login(world["manager"])
    url = reverse("sales:offer-create", args=[world["client"].pk])
    response = client.post(url, {"service": world["massage"].pk, "outcome": "pending"})
    assert response.status_code == 200
    assert MESSAGE in response.context["form"].errors["contraindication_reason"][0]
    assert not Offer.objects.exists()
    client.post(url, {"service": world["massage"].pk, "outcome": "pending", "contraindication_reason": "Second trimester, allowed"})
    assert Offer.objects.get().contraindication_reason == "Second trimester, allowed"


# --- accepted recommendations --------------------------------------------------------------------
@pytest.fixture
def recommendation(world):
    return sf.RecommendationFactory(client=world["client"], service=world["massage"], specialist=world["specialist"])


@pytest.mark.parametrize("decision", ["offer_accepted", "offer_pending"])
def test_a_recommendation_offered_is_refused_without_a_reason_next_to_the_field(client, world, recommendation, decision):
    client.force_login(world["manager"])
    response = client.post(reverse("sales:decide", args=[recommendation.pk]), {"decision": decision})
    assert MESSAGE in response.context["form"].errors["contraindication_reason"][0]
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.PENDING and not Offer.objects.exists()


def test_a_recommendation_offered_with_a_reason_keeps_it_on_the_offer(client, world, recommendation):
    client.force_login(world["manager"])
    client.post(reverse("sales:decide", args=[recommendation.pk]),
                {"decision": "offer_accepted", "contraindication_reason": "Cleared by her doctor"})
    offer = Offer.objects.get()
    assert (offer.recommendation, offer.contraindication_reason) == (recommendation, "Cleared by her doctor")
    assert Sale.objects.filter(offer=offer).exists()


def test_a_recommendation_added_to_the_program_keeps_the_reason_on_the_item(client, world, recommendation):
    program = pf.ProgramFactory(client=world["client"], status="active")
    client.force_login(world["manager"])
    response = client.post(reverse("sales:decide", args=[recommendation.pk]), {"decision": "program"})
    assert MESSAGE in response.context["form"].errors["contraindication_reason"][0]
    client.post(reverse("sales:decide", args=[recommendation.pk]),
                {"decision": "program", "contraindication_reason": "Cleared by her doctor"})
    item = program.items.get(service=world["massage"])
    assert (item.contraindication_override, item.override_confirmed_by) == ("Cleared by her doctor", world["manager"])
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "Contraindication overridden" in page and "Cleared by her doctor" in page


def test_accepting_a_recommendation_without_an_offer_yet_needs_no_reason(client, world, recommendation):
    client.force_login(world["manager"])
    client.post(reverse("sales:decide", args=[recommendation.pk]), {"decision": "accept"})
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.ACCEPTED and not Offer.objects.exists()


# --- the admin site --------------------------------------------------------------------------------
def offer_admin_data(world, **extra) -> dict:
    return {
        "client": world["client"].pk, "manager": world["manager"].pk, "source": "manager",
        "service": world["massage"].pk, "offered_at_0": TODAY.isoformat(), "offered_at_1": "10:00",
        "outcome": "pending", "outcome_reason": "", "contraindication_reason": "", **extra,
    }


def test_the_admins_offer_form_asks_for_the_reason_next_to_its_field(client, director, world):
    client.force_login(director)
    url = reverse("admin:sales_offer_add")
    response = client.post(url, offer_admin_data(world))
    assert response.status_code == 200
    assert MESSAGE in str(response.context["adminform"].form.errors["contraindication_reason"])
    assert not Offer.objects.exists()
    response = client.post(url, offer_admin_data(world, contraindication_reason="Doctor's letter on file"))
    assert response.status_code == 302
    assert Offer.objects.get().contraindication_reason == "Doctor's letter on file"


def item_admin_data(program, service, **extra) -> dict:
    return {
        "program": program.pk, "service": service.pk, "specialist": "", "sessions_count": 4,
        "sessions_per_week": 1, "position": 0, "notes": "", "contraindication_override": "", **extra,
    }


def test_the_admins_program_item_form_asks_for_the_reason_and_records_who_gave_it(client, director, world):
    program = pf.ProgramFactory(client=world["client"])
    client.force_login(director)
    url = reverse("admin:programs_programitem_add")
    response = client.post(url, item_admin_data(program, world["massage"]))
    assert response.status_code == 200
    assert MESSAGE in str(response.context["adminform"].form.errors["contraindication_override"])
    assert not ProgramItem.objects.exists()
    client.post(url, item_admin_data(program, world["massage"], contraindication_override="Doctor's letter"))
    item = ProgramItem.objects.get()
    assert (item.contraindication_override, item.override_confirmed_by) == ("Doctor's letter", director)


def test_the_programs_inline_items_follow_the_same_rule(client, director, world):
    program = pf.ProgramFactory(client=world["client"], name="Spring")
    client.force_login(director)
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = {
        "client": world["client"].pk, "manager": world["manager"].pk, "name": "Spring", "status": program.status,
        "start_date": program.start_date.isoformat(), "end_date": "", "goal": "", "notes": "", "template": "",
        "items-TOTAL_FORMS": 1, "items-INITIAL_FORMS": 0, "items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 1000,
        "items-0-position": 0, "items-0-service": world["massage"].pk, "items-0-specialist": "",
        "items-0-sessions_count": 4, "items-0-sessions_per_week": 1, "items-0-notes": "",
        "items-0-contraindication_override": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not ProgramItem.objects.exists()
    data["items-0-contraindication_override"] = "Doctor's letter"
    assert client.post(url, data).status_code == 302
    item = ProgramItem.objects.get()
    assert (item.contraindication_override, item.override_confirmed_by) == ("Doctor's letter", director)
