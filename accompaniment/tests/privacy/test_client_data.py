"""A client's data: the history of changes, the health-data access log, export and erasure."""

import datetime
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment import services as data_services
from accompaniment.vocabulary import DIGEST
from core import roles
from clients.models import (
    Client,
    ClientErasure,
    HealthDataAccess,
    Interaction,
    Measurement,
    Membership,
    Notification,
    Visit,
)
from clients.tests import factories as cf
from programs.tests import factories as pf
from sales.models import Sale
from sales.selectors import pay_report
from sales.tests import factories as sf
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db

PHONE = "+380501112233"


@pytest.fixture
def manager(make_user):
    return make_user(roles.MANAGER, username="olena", first_name="Olena", last_name="Kovalenko")


@pytest.fixture
def person(manager):
    """A client with something in every table that holds personal or health data."""
    flag = cf.ContraindicationFactory(name="Hypertension")
    client = cf.ClientFactory(
        first_name="Marta", last_name="Shevchenko", phone=PHONE, email="marta@example.com",
        birth_date=datetime.date(1990, 5, 17), address="Khreshchatyk 1", goals="Lose 5 kg",
        health_notes="Blood pressure up to 150", notes="Prefers mornings", assigned_manager=manager,
        consent_email=True, telegram_chat_id="123456",
    )
    client.contraindications.add(flag)
    department = stf.DepartmentFactory(name="SPA", code="spa")
    today = timezone.localdate()
    membership = cf.MembershipFactory(client=client, card_number="CARD-MARTA-1", notes="Gift from husband",
                                      start_date=today - datetime.timedelta(days=60),
                                      end_date=today - datetime.timedelta(days=1))
    cf.FreezeFactory(membership=membership, reason="Surgery in Lviv", start_date=today - datetime.timedelta(days=30))
    cf.VisitFactory(client=client, membership=membership, note="Came with her sister")
    cf.MeasurementFactory(client=client, weight_kg=Decimal("70.5"))
    cf.InteractionFactory(client=client, manager=manager, summary="Marta told about her knee surgery")
    cf.TaskFactory(client=client, assigned_to=manager, title="Call Marta about the knee")
    cf.NotificationFactory(client=client, to_address="marta@example.com", subject="Hello Marta", body="Dear Marta")
    stf.FeedbackFactory(client=client, kind=Feedback.Kind.COMPLAINT, rating=2, text="Marta: the sauna was cold")
    stf.SurveyResponseFactory(client=client, score=6, comment="Marta again")
    item = pf.ProgramItemFactory(program=pf.ProgramFactory(client=client, notes="Careful with the knee"),
                                 contraindication_override="Her doctor allowed it")
    sf.RecommendationFactory(client=client, reason="Marta's lower back hurts")
    sf.OfferFactory(client=client, manager=manager, outcome_reason="Marta will think")
    sf.SaleFactory(client=client, department=department, unit_price=Decimal("800.00"), amount=Decimal("800.00"),
                   note="Paid by Marta's husband")
    sf.SaleFactory(client=client, department=department, kind=Sale.Kind.REFUND, service=None,
                   unit_price=Decimal("300.00"), amount=Decimal("-300.00"), note="Refund to Marta")
    feedback = Feedback.objects.get(client=client)
    cf.NotificationFactory(client=None, user=manager, content_type=ContentType.objects.get_for_model(Feedback),
                           object_id=feedback.pk, subject="Complaint from Marta Shevchenko", body="Marta said…")
    LogEntry.objects.create(user=manager, content_type=ContentType.objects.get_for_model(Client),
                            object_id=str(client.pk), object_repr="Marta Shevchenko", action_flag=CHANGE)
    client.item = item
    return client


def text_everywhere(text: str) -> list[str]:
    """Every table (history included) with a text column that contains ``text``."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in {"clients", "staff", "programs", "sales", "admin"}:
            continue
        for field in model._meta.concrete_fields:
            if field.get_internal_type() in {"CharField", "TextField"}:
                if model._base_manager.filter(**{f"{field.name}__contains": text}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


# --- Who may --------------------------------------------------------------------------------------
@pytest.mark.parametrize("role, status", [
    (roles.DIRECTOR, 200), (roles.MANAGER, 403), (roles.SPECIALIST, 403), (roles.ADMINISTRATOR, 403), (None, 403),
])
@pytest.mark.parametrize("name", ["client-history", "client-export", "client-erase"])
def test_only_directors_read_the_history_export_and_erase(client, make_user, person, role, status, name):
    client.force_login(make_user(role))
    assert client.get(reverse(name, args=[person.pk])).status_code == status
    if status == 403:
        assert client.post(reverse("client-erase", args=[person.pk]), {"reason": "x", "confirm": "on"}).status_code == 403
        assert Client.objects.get(pk=person.pk).erased_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, person):
    response = client.get(reverse("client-history", args=[person.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_card_offers_the_client_data_menu_to_the_director_only(client, director, manager, person):
    client.force_login(manager)
    assert 'data-testid="client-data"' not in client.get(reverse("client-card", args=[person.pk])).content.decode()
    client.force_login(director)
    page = client.get(reverse("client-card", args=[person.pk])).content.decode()
    assert reverse("client-history", args=[person.pk]) in page and reverse("client-erase", args=[person.pk]) in page


# --- History -------------------------------------------------------------------------------------
def test_the_history_shows_who_changed_what_old_and_new(client, director, manager, person):
    flag = cf.ContraindicationFactory(name="Pregnancy")
    client.force_login(manager)
    data = {
        "first_name": "Marta", "last_name": "Shevchenko-Bondar", "phone": "050 111 22 33",
        "email": "marta@example.com", "language": "uk", "source": "walk_in", "preferred_channel": "email",
        "contraindications": [flag.pk], "health_notes": "Second trimester",
    }
    assert client.post(reverse("clients:edit", args=[person.pk]), data).status_code == 302
    client.force_login(director)
    page = client.get(reverse("client-history", args=[person.pk]))
    entries = page.context["entries"]
    edits = [e for e in entries if e["is_client"] and e["type"] == "~" and e["who"] == manager]
    assert edits  # the fields, then the flags (saved right after them)
    changes = {str(label): (old, new) for e in edits for label, old, new in e["changes"]}
    assert changes["last name"] == ("Shevchenko", "Shevchenko-Bondar")
    assert changes["health notes"] == ("Blood pressure up to 150", "Second trimester")
    flags = [(old, new) for e in reversed(edits) for label, old, new in e["changes"]
             if str(label) == "contraindication flags"]
    assert flags[0][0] == "Hypertension" and flags[-1][1] == "Pregnancy"
    html = page.content.decode()
    assert "Shevchenko-Bondar" in html and "Olena Kovalenko" in html
    assert any(e["model"] == Membership._meta.verbose_name and e["type"] == "+" for e in entries)


def test_a_membership_sold_on_the_card_is_in_the_history_with_its_seller(client, director, manager, person):
    stf.DepartmentFactory(name="Fitness", code="fitness")  # the plan's department
    plan = cf.MembershipPlanFactory(name="Gym, 3 months", duration_days=91, department_code="fitness")
    client.force_login(manager)
    response = client.post(reverse("sales:membership-sell", args=[person.pk]),
                           {"plan": plan.pk, "start_date": timezone.localdate().isoformat()})
    assert response.status_code == 302
    sold = Membership.objects.filter(client=person, plan=plan).get()
    client.force_login(director)
    entries = client.get(reverse("client-history", args=[person.pk])).context["entries"]
    created = [e for e in entries if e["object"] == sold.card_number and e["type"] == "+"]
    assert created and created[0]["who"] == manager
    assert ("plan", "", "Gym, 3 months") in [(str(label), old, new) for label, old, new in created[0]["changes"]]


def test_the_history_page_runs_the_same_queries_whatever_the_history(client, director, person):
    client.force_login(director)
    url = reverse("client-history", args=[person.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = queries()
    for n in range(15):
        person.notes = f"note {n}"
        person.save()
        membership = cf.MembershipFactory(client=person, plan=cf.MembershipPlanFactory())
        membership.notes = "changed"
        membership.save()
    assert queries() == small


# --- The health-data access log --------------------------------------------------------------------
def test_opening_the_card_and_the_client_form_is_logged(client, manager, person):
    client.force_login(manager)
    client.get(reverse("client-card", args=[person.pk]))
    client.get(reverse("clients:edit", args=[person.pk]))
    client.get(reverse("programs:create", args=[person.pk]))
    places = list(HealthDataAccess.objects.filter(client=person, user=manager).values_list("place", flat=True))
    assert sorted(places) == ["card", "client_form", "program_form"]


def test_a_specialists_sessions_log_each_client_shown(client, make_user, person):
    specialist_user = make_user(roles.SPECIALIST)
    specialist = stf.StaffMemberFactory(user=specialist_user)
    other = cf.ClientFactory()
    for hours, who in ((24, person), (26, other)):  # one after the other: a specialist is in one session at a time
        item = pf.ProgramItemFactory(program=pf.ProgramFactory(client=who), specialist=specialist)
        pf.SessionFactory(item=item, specialist=specialist, scheduled_at=timezone.now() + datetime.timedelta(hours=hours))
    client.force_login(specialist_user)
    assert client.get(reverse("programs:my-sessions")).status_code == 200
    logged = set(HealthDataAccess.objects.filter(user=specialist_user, place="sessions").values_list("client_id", flat=True))
    assert logged == {person.pk, other.pk}


def test_a_page_refused_logs_nothing(client, make_user, person):
    client.force_login(make_user(roles.MANAGER, username="other"))
    assert client.get(reverse("client-card", args=[person.pk])).status_code == 404
    assert not HealthDataAccess.objects.exists()


def test_the_director_reads_the_access_log_on_the_history_page(client, director, manager, person):
    client.force_login(manager)
    client.get(reverse("client-card", args=[person.pk]))
    client.force_login(director)
    page = client.get(reverse("client-history", args=[person.pk]))
    assert page.context["accesses"]["total"] == 2  # the manager's card, and this page itself
    assert "Olena Kovalenko · Client card" in page.content.decode()


# --- Export -----------------------------------------------------------------------------------------
def test_the_export_holds_everything_about_the_client_and_is_logged(client, director, person):
    client.force_login(director)
    response = client.get(reverse("client-export", args=[person.pk]))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith(f'attachment; filename="client-{person.pk}-')
    data = json.loads(response.content)
    assert data["format"] == "accompaniment-crm/client-data/1"
    assert data["client"]["phone"] == PHONE and data["client"]["health_notes"] == "Blood pressure up to 150"
    assert data["client"]["contraindications"] == ["Hypertension"]
    for table, count in {"memberships": 1, "freezes": 1, "visits": 1, "measurements": 1, "interactions": 1,
                         "tasks": 1, "messages": 1, "feedback": 1, "survey_answers": 1, "programs": 1,
                         "program_items": 1, "recommendations": 1, "offers": 1, "sales": 2}.items():
        assert len(data[table]) == count, table
    assert data["sales"][0]["amount"] == "800.00"
    assert HealthDataAccess.objects.filter(client=person, user=director, place="export").exists()
    profile_versions = data["history"]["profile"]
    assert profile_versions and profile_versions[0]["phone"] == PHONE
    assert profile_versions[-1]["contraindications"] == ["Hypertension"]  # the flag added after creation
    assert data["history"]["memberships"][0]["card_number"] == "CARD-MARTA-1"
    assert [m["subject"] for m in data["messages_to_staff_about_them"]] == ["Complaint from Marta Shevchenko"]
    assert "referred_by" not in data["client"]  # another person: an id at most, never a name


def test_the_export_reads_a_fixed_number_of_queries(director, person):
    data_services.client_data_export(client=person, by=director)  # content types are cached once
    with CaptureQueriesContext(connection) as few:
        data_services.client_data_export(client=person, by=director)
    for _n in range(10):
        cf.VisitFactory(client=person)
        sf.SaleFactory(client=person)
    with CaptureQueriesContext(connection) as many:
        data_services.client_data_export(client=person, by=director)
    assert len(few) == len(many)


# --- Erasure ----------------------------------------------------------------------------------------
def erase(client, person, **data):
    return client.post(reverse("client-erase", args=[person.pk]),
                       {"reason": "Written request, 1 December", "confirm": "on", **data})


def test_erasure_forgets_the_person_and_keeps_the_ledgers_sums(client, director, person):
    today = timezone.localdate()
    ledger_before = Sale.objects.aggregate(total=Sum("amount"))["total"]
    spa = person.sales.first().department
    report_before = pay_report(month=today.replace(day=1), department=spa)["turnover"]
    visits_before = Visit.objects.count()
    client.force_login(director)

    response = erase(client, person)
    assert response.status_code == 302 and response["Location"] == reverse("client-history", args=[person.pk])

    person.refresh_from_db()
    assert person.first_name == "Erased client" and person.last_name == f"#{person.pk}"
    assert (person.phone, person.email, person.birth_date, person.address, person.health_notes) == ("", "", None, "", "")
    assert person.telegram_chat_id == "" and not person.consent_email and person.erased_at is not None
    assert not person.contraindications.exists()
    assert not Measurement.objects.filter(client=person).exists()
    assert not Notification.objects.filter(client=person).exists()
    for text in ("Marta", "Shevchenko", "marta@example.com", "050111", "Khreshchatyk", "knee", "Surgery", "CARD-MARTA",
                 "Blood pressure", "husband", "lower back", "sister", "doctor"):
        assert text_everywhere(text) == [], text
    # The money and the visits are still there, in the same sums.
    assert Sale.objects.aggregate(total=Sum("amount"))["total"] == ledger_before
    assert pay_report(month=today.replace(day=1), department=spa)["turnover"] == report_before
    assert Visit.objects.count() == visits_before
    assert Feedback.objects.get(client=person).rating == 2
    assert Membership.objects.get(client=person).card_number.startswith("ERASED-")
    erasure = ClientErasure.objects.get(client=person)
    assert erasure.erased_by == director and erasure.reason == "Written request, 1 December"
    assert erasure.summary["measurements"] == 1 and erasure.summary["messages"] == 1
    assert erasure.summary["health_flags"] == 1
    # Only the erasure itself is left in the history.
    history = list(Client.history.filter(id=person.pk))
    assert [h.history_change_reason for h in history] == ["personal data erased on request"]
    page = client.get(reverse("client-history", args=[person.pk])).content.decode()
    assert 'data-testid="erasure"' in page and "Written request, 1 December" in page


def test_an_erased_client_cannot_be_erased_twice_and_the_card_says_so(client, director, person):
    client.force_login(director)
    erase(client, person)
    again = client.get(reverse("client-erase", args=[person.pk]))
    assert again.status_code == 302
    assert ClientErasure.objects.count() == 1
    card = client.get(reverse("client-card", args=[person.pk])).content.decode()
    assert 'data-testid="erased"' in card and 'data-testid="erase-link"' not in card


@pytest.mark.parametrize("data, field", [
    ({"reason": ""}, "reason"),
    ({"reason": "   "}, "reason"),
    ({"confirm": ""}, "confirm"),
])
def test_without_a_request_or_a_confirmation_nothing_is_erased(client, director, person, data, field):
    client.force_login(director)
    response = erase(client, person, **data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    person.refresh_from_db()
    assert person.phone == PHONE and person.erased_at is None
    assert not ClientErasure.objects.exists()


def test_a_failure_half_way_leaves_everything_as_it_was(director, person, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ClientErasure.objects, "create", broken)
    with pytest.raises(RuntimeError):
        data_services.client_erase(client=person, by=director, reason="Request")
    person.refresh_from_db()
    assert person.phone == PHONE and person.first_name == "Marta"
    assert Measurement.objects.filter(client=person).exists()
    assert Interaction.objects.get(client=person).summary == "Marta told about her knee surgery"
    assert Client.history.filter(id=person.pk).exists()


def test_a_client_with_a_running_membership_is_not_erased_until_it_ends(client, director, person):
    cf.MembershipFactory(client=person, start_date=timezone.localdate())
    client.force_login(director)
    response = erase(client, person)
    assert response.status_code == 200
    assert "cancel it (or wait for its end) first" in response.content.decode()
    person.refresh_from_db()
    assert person.erased_at is None and person.phone == PHONE


def test_the_admin_change_page_is_logged_and_its_history_button_works(client, director, person):
    client.force_login(director)
    assert client.get(reverse("admin:clients_client_change", args=[person.pk])).status_code == 200
    assert HealthDataAccess.objects.filter(client=person, user=director, place="admin").count() == 1
    history = client.get(reverse("admin:clients_client_history", args=[person.pk]))
    assert history.status_code == 200 and "Marta Shevchenko" in history.content.decode()


# --- What a review of the erasure and the history found ------------------------------------------
def test_the_admin_history_of_a_client_is_for_directors_and_never_puts_an_old_version_back(
    client, director, manager, person, make_user
):
    person.notes = "changed once"
    person.save()
    version = Client.history.filter(id=person.pk).order_by("history_id").first()
    history = reverse("admin:clients_client_history", args=[person.pk])
    old = reverse("admin:clients_client_simple_history", args=[person.pk, version.history_id])
    client.force_login(manager)  # even the client's own manager (history holds old contacts)
    assert client.get(history)["Location"].startswith(reverse("admin:login"))  # not in the admin at all
    assert client.get(old)["Location"].startswith(reverse("admin:login"))
    client.force_login(make_user(roles.ADMINISTRATOR))
    assert client.get(history).status_code == 403
    client.force_login(director)
    assert client.get(old).status_code == 200
    assert client.get(reverse("admin:clients_client_history", args=["abc"])).status_code == 404
    client.post(old, {"first_name": "Reverted", "notes": "old"})
    person.refresh_from_db()
    assert person.first_name == "Marta" and person.notes == "changed once"


def test_erasure_leaves_no_old_health_flags_in_the_history(client, director, person):
    flags = apps.get_model("clients", "HistoricalClient_contraindications").objects
    assert flags.filter(client_id=person.pk).exists()
    client.force_login(director)
    erase(client, person)
    assert not flags.filter(client_id=person.pk).exists()


def test_erasure_reaches_a_complaint_relayed_to_staff_and_a_managers_digest(director, person, make_user):
    from staff.services import feedback_relay

    specialist = make_user(roles.SPECIALIST, email="masseur@example.com")
    feedback = Feedback.objects.get(client=person)
    feedback.staff_member.user = specialist
    feedback.staff_member.save()
    feedback_relay(feedback=feedback, user=director)
    relayed = Notification.objects.get(dedup_key=f"feedback-relayed:{feedback.pk}")
    assert "Marta" in relayed.body
    digest = cf.NotificationFactory(client=None, user=director, kind=DIGEST,
                                    body="Today: call Marta Shevchenko about her card")
    other = cf.NotificationFactory(client=None, user=director, kind=DIGEST,
                                   body="Today: call Anna Melnyk")
    data_services.client_erase(client=person, by=director, reason="Request")
    for message in (relayed, digest, other):
        message.refresh_from_db()
    assert "Marta" not in relayed.body + relayed.subject and "Marta" not in digest.body
    assert other.body == "Today: call Anna Melnyk"  # another person's line is left alone


def test_the_admin_log_about_the_client_is_scrubbed_and_nobody_elses(director, person):
    anna = cf.ClientFactory(first_name="Anna", last_name="Melnyk")
    client_type = ContentType.objects.get_for_model(Client)
    earlier = LogEntry.objects.create(user=director, content_type=client_type, object_id=str(person.pk),
                                      object_repr="Marta Kovalchuk (maiden name)", action_flag=CHANGE)
    card = LogEntry.objects.create(user=director, content_type=ContentType.objects.get_for_model(Membership),
                                   object_id=str(person.memberships.get().pk), object_repr="CARD-MARTA-1 · Gym",
                                   action_flag=CHANGE, change_message='[{"changed": {"fields": ["notes"]}}]')
    kept = LogEntry.objects.create(user=director, content_type=client_type, object_id=str(anna.pk),
                                   object_repr="Anna Melnyk", action_flag=CHANGE)
    data_services.client_erase(client=person, by=director, reason="Request")
    for entry in (earlier, card, kept):
        entry.refresh_from_db()
    assert earlier.object_repr == card.object_repr == "[erased]" and card.change_message == ""
    assert kept.object_repr == "Anna Melnyk"


def test_a_form_opened_before_the_erasure_cannot_bring_the_data_back(client, director, manager, person):
    data_services.client_erase(client=person, by=director, reason="Request")
    client.force_login(manager)
    data = {"first_name": "Marta", "last_name": "Shevchenko", "phone": "050 111 22 33", "email": "marta@example.com",
            "language": "uk", "source": "walk_in", "preferred_channel": "email", "health_notes": "Blood pressure"}
    response = client.post(reverse("clients:edit", args=[person.pk]), data)
    assert response.status_code == 200
    assert "were erased on request" in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "" and person.health_notes == ""
    client.force_login(director)
    admin_post = client.post(reverse("admin:clients_client_change", args=[person.pk]), data)
    assert admin_post.status_code in (200, 403)
    person.refresh_from_db()
    assert person.phone == "" and person.first_name == "Erased client"


def test_a_frozen_card_that_has_not_ended_also_stops_the_erasure(client, director, person):
    card = cf.MembershipFactory(client=person)
    cf.FreezeFactory(membership=card, start_date=card.start_date, end_date=None)
    client.force_login(director)
    assert erase(client, person).status_code == 200
    person.refresh_from_db()
    assert person.erased_at is None


def test_the_history_page_and_the_program_page_log_the_look_at_health_data(client, director, person):
    client.force_login(director)
    client.get(reverse("client-history", args=[person.pk]))
    client.get(reverse("programs:detail", args=[person.item.program.pk]))
    places = set(HealthDataAccess.objects.filter(client=person, user=director).values_list("place", flat=True))
    assert places == {"history", "program"}
