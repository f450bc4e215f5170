"""The admin site writes through the services, like the pages: a membership added there is sold
(card number, end date and visits from the plan, the ledger's row), a visit is a check-in, an
offer meets the upsell policy and an accepted one is sold, the ledger is the director's, a
program item needs the contraindication's reason, a session is marked by the done rule, and an
erased client takes nothing new. Dates are typed the way the interface's language writes them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Interaction, Measurement, Membership, Task, Visit
from clients.tests import factories as cf
from programs.models import ProgramItem, Session
from programs.tests import factories as pf
from sales.models import Offer, Sale
from sales.tests import factories as sf
from staff.tests import factories as stf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fitness")]

TODAY = timezone.localdate()


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def add_url(label: str) -> str:
    return reverse(f"admin:{label}_add")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    return {field: list(errors) for field, errors in response.context["adminform"].form.errors.items()}


def inlines(prefix, rows=()):
    """The management form of an inline (``prefix``) with ``rows`` new rows."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for number, row in enumerate(rows):
        data |= {f"{prefix}-{number}-{name}": value for name, value in row.items()}
    return data




@pytest.fixture
def desk(client, frontdesk):
    client.force_login(frontdesk)
    return client


@pytest.fixture
def boss(client, director):
    client.force_login(director)
    return client


# --- memberships ----------------------------------------------------------------------------------
def test_the_front_desk_sells_a_membership_in_one_submit_and_the_ledger_has_its_row(desk, frontdesk, plan, fitness):
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, start_date=day(-20), end_date=day(9))

    page = desk.get(add_url("clients_membership") + f"?client={member.pk}")
    assert page.context["adminform"].form.initial["start_date"] == day(10)  # the renewal's start
    fields = set(page.context["adminform"].form.fields)
    assert not fields & {"end_date", "visit_limit", "visits_used", "price", "status"}
    response = desk.post(add_url("clients_membership"), {
        "client": member.pk, "plan": plan.pk, "idempotency_key": page.context["adminform"].form.initial["idempotency_key"],
    })

    assert response.status_code == 302
    card = Membership.objects.get(plan=plan)
    assert (card.start_date, card.end_date, card.visit_limit) == (day(10), day(39), 12)
    assert card.card_number.isdigit() and len(card.card_number) == 10  # generated
    sale = Sale.objects.get()
    assert (sale.membership, sale.amount, sale.department, sale.seller) == (card, Decimal("1500.00"), fitness, frontdesk)


def test_the_front_desk_gives_a_discount_within_its_limit_and_no_other_price(desk, plan):
    member = cf.ClientFactory()
    data = {"client": member.pk, "plan": plan.pk, "start_date": day(0).isoformat()}

    refused = desk.post(add_url("clients_membership"), data | {"discount": "300"})
    assert "is the director's decision" in form_errors(refused)["discount"][0]
    assert not Sale.objects.exists()

    desk.post(add_url("clients_membership"), data | {"discount": "100", "price": "1"})  # the price is not read
    sale = Sale.objects.get()
    assert (sale.unit_price, sale.discount, sale.amount) == (Decimal("1500.00"), Decimal("100.00"), Decimal("1400.00"))


def test_the_director_sells_at_another_price_in_the_admin(boss, plan):
    member = cf.ClientFactory()
    boss.post(add_url("clients_membership"), {"client": member.pk, "plan": plan.pk, "price": "990"})
    assert Sale.objects.get().amount == Decimal("990.00")


def test_the_admins_add_form_sent_twice_sells_once_and_leads_to_the_card(desk, plan):
    member = cf.ClientFactory()
    data = {"client": member.pk, "plan": plan.pk, "idempotency_key": "admin-token-1"}
    desk.post(add_url("clients_membership"), data)

    again = desk.post(add_url("clients_membership"), data, follow=True)

    card = Membership.objects.get()
    assert again.redirect_chain[-1][0] == change_url(card)
    assert f"Already sold: this form sold the membership {card.card_number} a moment ago." in again.content.decode()
    assert Sale.objects.count() == 1


def test_a_sold_card_keeps_its_client_plan_and_price_in_the_admin(desk, plan):
    card = cf.MembershipFactory(plan=plan)
    page = desk.get(change_url(card))
    form = page.context["adminform"].form
    assert not set(form.fields) & {"client", "plan", "price", "sold_by"}
    assert {"start_date", "end_date", "status"} <= set(form.fields)


def test_a_clients_cards_are_read_only_on_the_client_page(desk):
    member = cf.MembershipFactory().client
    (memberships, _measurements) = desk.get(change_url(member)).context["inline_admin_formsets"]
    assert not memberships.has_add_permission and not memberships.has_change_permission


# --- dates typed the language's way ---------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "ru", "uk"])
def test_the_admin_reads_a_start_date_typed_day_first_with_dots_in_every_language(desk, plan, language):
    member = cf.ClientFactory()
    page = desk.get(add_url("clients_membership"), HTTP_ACCEPT_LANGUAGE=language)
    assert page["Content-Language"] == language

    response = desk.post(
        add_url("clients_membership"), {"client": member.pk, "plan": plan.pk, "start_date": "07.01.2027"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 302, form_errors(response)
    assert Membership.objects.get().start_date == datetime.date(2027, 1, 7)


@pytest.mark.parametrize("language", ["en", "ru", "uk"])
def test_the_admin_shows_and_reads_a_check_in_time_the_languages_way(desk, plan, language):
    card = cf.MembershipFactory(plan=plan, start_date=day(-10))
    yesterday = day(-1)
    typed = yesterday.strftime("%d.%m.%Y")
    response = desk.post(add_url("clients_visit"), {
        "client": card.client_id, "checked_in_at_0": typed, "checked_in_at_1": "10:02", "note": "",
    }, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302, form_errors(response)
    visit = Visit.objects.get()
    assert timezone.localtime(visit.checked_in_at).replace(tzinfo=None) == datetime.datetime.combine(
        yesterday, datetime.time(10, 2)
    )
    page = desk.get(change_url(visit), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'value="{typed}"' in page  # shown as it is typed


def test_english_reads_a_slashed_date_day_first(desk, plan):
    member = cf.ClientFactory()
    desk.post(add_url("clients_membership"), {"client": member.pk, "plan": plan.pk, "start_date": "07/01/2027"},
              HTTP_ACCEPT_LANGUAGE="en")
    assert Membership.objects.get().start_date == datetime.date(2027, 1, 7)  # 7 January, not 1 July


# --- visits ---------------------------------------------------------------------------------------
def visit_data(member, **values):
    now = timezone.localtime()
    return {"client": member.pk, "membership": "", "checked_in_at_0": now.strftime("%d.%m.%Y"),
            "checked_in_at_1": now.strftime("%H:%M:%S"), "note": ""} | values


def test_a_visit_without_a_card_counts_against_the_card_the_check_in_finds(desk, plan):
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, plan=plan, start_date=day(-60), end_date=day(-31))
    current = cf.MembershipFactory(client=member, plan=plan, start_date=day(-5))

    response = desk.post(add_url("clients_visit"), visit_data(member))

    assert response.status_code == 302, form_errors(response)
    assert Visit.objects.get().membership == current
    assert Membership.objects.get(pk=current.pk).visits_used == 1


def test_a_visit_without_a_usable_card_is_refused_with_the_check_ins_words(desk, plan):
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, plan=plan, card_number="OLD-1", start_date=day(-60), end_date=day(-31))

    errors = form_errors(desk.post(add_url("clients_visit"), visit_data(member)))

    assert errors["__all__"][0].startswith("The membership OLD-1 expired on")
    assert not Visit.objects.exists()


def test_a_second_visit_the_same_day_in_the_admin_needs_the_box_ticked(desk, plan):
    card = cf.MembershipFactory(plan=plan, card_number="TWICE-1", start_date=day(-5))
    desk.post(add_url("clients_visit"), visit_data(card.client))

    errors = form_errors(desk.post(add_url("clients_visit"), visit_data(card.client)))
    assert errors["again"][0].startswith("Card TWICE-1 was checked in already today at")
    assert Visit.objects.count() == 1

    assert desk.post(add_url("clients_visit"), visit_data(card.client, again="on")).status_code == 302
    assert Membership.objects.get(pk=card.pk).visits_used == 2


# --- offers ---------------------------------------------------------------------------------------
@pytest.fixture
def trusted(plan):
    """A client at the trust stage: two offers a month allowed."""
    sf.UpsellPolicyFactory(stage="acquaintance", max_offers_per_30_days=0, min_days_after_decline=30)
    sf.UpsellPolicyFactory(stage="trust", max_offers_per_30_days=2, min_days_after_decline=14)
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, start_date=day(-40), end_date=day(20))
    for days_ago in range(4):
        cf.VisitFactory(client=member, checked_in_at=timezone.now() - datetime.timedelta(days=days_ago))
    return member


def offer_data(member, **values):
    return {"client": member.pk, "source": "manager", "outcome": "pending", "outcome_reason": ""} | values


def test_an_offer_beyond_the_policy_is_refused_in_the_admin(boss):
    newcomer = cf.ClientFactory()  # an acquaintance: no offers at all
    sf.UpsellPolicyFactory(stage="acquaintance", max_offers_per_30_days=0, min_days_after_decline=30)

    errors = form_errors(boss.post(add_url("sales_offer"), offer_data(newcomer, service=stf.ServiceFactory().pk)))

    assert errors["__all__"] == ["At the acquaintance stage the policy allows no offers."]
    assert not Offer.objects.exists()


def test_an_offer_accepted_in_the_admin_is_sold(boss, trusted, director):
    service = stf.ServiceFactory(price=Decimal("800.00"))
    response = boss.post(add_url("sales_offer"), offer_data(trusted, service=service.pk, outcome="accepted"))
    assert response.status_code == 302, form_errors(response)
    offer = Offer.objects.get()
    assert offer.manager == director
    assert Sale.objects.get(offer=offer).amount == Decimal("800.00")


def test_an_offers_outcome_changed_to_accepted_in_the_admin_sells_the_plan(boss, trusted, plan):
    offer = Offer.objects.create(client=trusted, plan=plan)
    data = offer_data(trusted, outcome="accepted")

    response = boss.post(change_url(offer), data)

    assert response.status_code == 302, form_errors(response)
    sale = Sale.objects.get(offer=offer)
    assert (sale.membership.plan, sale.amount) == (plan, Decimal("1500.00"))
    page = boss.get(change_url(offer))
    assert not page.context["adminform"].form.fields  # accepted and sold: nothing left to change


# --- the ledger -----------------------------------------------------------------------------------
def test_the_ledger_is_read_only_for_the_front_desk(desk, frontdesk):
    sale = sf.SaleFactory()
    assert desk.get(reverse("admin:sales_sale_changelist")).status_code == 200
    assert desk.get(add_url("sales_sale")).status_code == 403
    page = desk.get(change_url(sale))
    assert page.status_code == 200 and not page.context["adminform"].form.fields
    desk.post(change_url(sale), {"unit_price": "1", "quantity": "1", "discount": "0"})
    assert desk.post(reverse("admin:sales_sale_delete", args=[sale.pk]), {"post": "yes"}).status_code == 403
    sale.refresh_from_db()
    assert sale.unit_price == Decimal("500.00")


def test_the_director_adds_a_row_through_the_ledgers_service(boss, director):
    service = stf.ServiceFactory(price=Decimal("700.00"))
    member = cf.ClientFactory()
    response = boss.post(add_url("sales_sale"), {
        "client": member.pk, "kind": "service", "service": service.pk, "sold_at_0": day(0).strftime("%d.%m.%Y"),
        "sold_at_1": "00:00", "quantity": "2", "discount": "0",
    })
    assert response.status_code == 302, form_errors(response)
    sale = Sale.objects.get()
    assert (sale.department, sale.unit_price, sale.amount, sale.seller) == (
        service.department, Decimal("700.00"), Decimal("1400.00"), director,
    )


def test_a_membership_row_cannot_be_typed_into_the_ledger(boss):
    card = cf.MembershipFactory()
    errors = form_errors(boss.post(add_url("sales_sale"), {
        "client": card.client_id, "kind": "membership", "membership": card.pk, "department": stf.DepartmentFactory().pk,
        "sold_at_0": day(0).strftime("%d.%m.%Y"), "sold_at_1": "00:00", "quantity": "1", "unit_price": "100",
        "discount": "0",
    }))
    assert "sold on the membership's page" in errors["kind"][0]
    assert not Sale.objects.exists()


# --- programs and sessions ------------------------------------------------------------------------
@pytest.fixture
def pregnancy_and_massage():
    flag = cf.ContraindicationFactory(name="Pregnancy")
    member = cf.ClientFactory()
    member.contraindications.add(flag)
    massage = stf.ServiceFactory(name="Deep tissue massage")
    massage.contraindications.add(flag)
    program = pf.ProgramFactory(client=member)
    return program, massage


def item_data(service, **values):
    return {"service": service.pk, "specialist": "", "sessions_count": "4", "sessions_per_week": "1",
            "position": "0", "notes": "", "contraindication_override": ""} | values


def test_a_contraindicated_program_item_needs_the_reason_in_the_admin(boss, director, pregnancy_and_massage):
    program, massage = pregnancy_and_massage

    errors = form_errors(boss.post(add_url("programs_programitem"), item_data(massage, program=program.pk)))
    assert "is contraindicated for this client (Pregnancy)" in errors["contraindication_override"][0]
    assert not ProgramItem.objects.exists()

    response = boss.post(add_url("programs_programitem"),
                         item_data(massage, program=program.pk, contraindication_override="Doctor's letter"))
    assert response.status_code == 302, form_errors(response)
    item = ProgramItem.objects.get()
    assert (item.contraindication_override, item.override_confirmed_by) == ("Doctor's letter", director)


def test_a_contraindicated_item_added_inline_on_the_program_needs_the_reason(boss, director, pregnancy_and_massage):
    program, massage = pregnancy_and_massage
    data = {"client": program.client_id, "name": program.name, "start_date": program.start_date.strftime("%d.%m.%Y"),
            "goal": "", "notes": "", "status": program.status}

    refused = boss.post(change_url(program), data | inlines("items", [item_data(massage)]))
    assert refused.status_code == 200
    (items,) = refused.context["inline_admin_formsets"]
    assert "contraindication_override" in items.formset.errors[0]
    assert not ProgramItem.objects.exists()

    saved = boss.post(change_url(program), data | inlines("items", [item_data(massage, contraindication_override="Cleared")]))
    assert saved.status_code == 302
    assert ProgramItem.objects.get().override_confirmed_by == director


def session_data(session, **values):
    at = timezone.localtime(session.scheduled_at)
    return {"item": session.item_id, "specialist": session.specialist_id or "", "scheduled_at_0": at.strftime("%d.%m.%Y"),
            "scheduled_at_1": at.strftime("%H:%M:%S"), "duration_minutes": "60", "status": "planned",
            "notes": ""} | values


def test_a_session_still_to_come_cannot_be_marked_done_in_the_admin(boss):
    session = pf.SessionFactory(scheduled_at=timezone.now() + datetime.timedelta(days=1))
    errors = form_errors(boss.post(change_url(session), session_data(session, status="done")))
    assert "once it has started" in errors["status"][0]
    assert Session.objects.get().status == "planned"


def test_a_session_marked_done_in_the_admin_gets_its_time_and_asks_for_a_survey(
    boss, django_capture_on_commit_callbacks
):
    session = pf.SessionFactory(scheduled_at=timezone.now() - datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks() as callbacks:
        response = boss.post(change_url(session), session_data(session, status="done"))
    assert response.status_code == 302, form_errors(response)
    session.refresh_from_db()
    assert session.status == "done" and session.completed_at is not None
    assert len(callbacks) == 1  # the survey after the session


# --- an erased client takes nothing new -----------------------------------------------------------
ERASED = "This client's personal data were erased on request: nothing new can be recorded about them."


@pytest.fixture
def erased(plan):
    member = cf.ClientFactory()
    cf.MembershipFactory(client=member, plan=plan, start_date=day(-5))  # a card left running by mistake
    Client.objects.filter(pk=member.pk).update(erased_at=timezone.now())
    return member


@pytest.mark.parametrize("label, data", [
    ("clients_membership", lambda m, p: {"client": m.pk, "plan": p.pk}),
    ("clients_visit", lambda m, p: visit_data(m)),
    ("clients_measurement", lambda m, p: {"client": m.pk, "measured_on": day(0).strftime("%d.%m.%Y"), "weight_kg": "70"}),
    ("clients_interaction", lambda m, p: {"client": m.pk, "kind": "call", "direction": "out", "summary": "Hello",
                                          "occurred_at_0": day(0).strftime("%d.%m.%Y"), "occurred_at_1": "00:00"}),
    ("clients_task", lambda m, p: {"client": m.pk, "kind": "follow_up", "title": "Call", "due_date": day(1).strftime("%d.%m.%Y")}),
])
def test_an_erased_client_is_refused_in_every_admin_add_form(boss, erased, plan, label, data):
    before = [model.objects.count() for model in (Membership, Sale, Visit, Measurement, Interaction, Task)]

    errors = form_errors(boss.post(add_url(label), data(erased, plan)))

    assert errors["client"] == [ERASED]
    assert [model.objects.count() for model in (Membership, Sale, Visit, Measurement, Interaction, Task)] == before


@pytest.mark.parametrize("url, data", [
    ("clients:measurement-add", {"measured_on": day(0).isoformat(), "weight_kg": "70"}),
    ("clients:interaction-create", {"kind": "call", "direction": "out", "summary": "Hello"}),
    ("clients:task-create", {"title": "Call", "due_date": day(1).isoformat()}),
    ("sales:membership-sell", "SELL"),
])
def test_an_erased_client_is_refused_on_every_page_that_adds_to_them(boss, erased, plan, url, data):
    if data == "SELL":
        data = {"plan": plan.pk, "start_date": day(0).isoformat()}
    before = [model.objects.count() for model in (Membership, Sale, Measurement, Interaction, Task)]

    response = boss.post(reverse(url, args=[erased.pk]), data)

    assert response.status_code == 200
    assert ERASED in response.context["form"].non_field_errors()
    assert [model.objects.count() for model in (Membership, Sale, Measurement, Interaction, Task)] == before


def test_an_erased_client_is_refused_at_the_check_in(boss, erased):
    page = boss.post(reverse("clients:check-in", args=[erased.pk]), follow=True).content.decode()
    assert "Check-in refused" in page and not Visit.objects.exists()
