"""The admin site of all four apps: every model's pages load, a changelist costs the same
number of queries whatever its rows, a value a constraint refuses comes back as a message next
to the form, and the front desk's touches (search, retry, pre-filled scores) work."""

import datetime
from decimal import Decimal

import factory
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import (
    ClientLink,
    ManagerCover,
    TelegramUpdate,
    Client,
    ClientErasure,
    HealthDataAccess,
    Membership,
    MembershipPlan,
    Notification,
)
from clients.tests import factories as cf
from programs.models import CalendarFeed, ClassBooking, ClassOccurrence
from programs.tests import factories as pf
from sales.models import Sale, UpsellPolicy
from sales.tests import factories as sf
from staff.models import DEFAULT_TOOL, Competency, CompetencyScore, Feedback, OpeningHours
from staff.tests import factories as stf

APP_LABELS = ("clients", "staff", "programs", "sales")

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APP_LABELS),
    key=lambda model: model._meta.label,
)

# A user shared by the rows of a batch: enough to show whether a user column costs a query per
# row. Raw password: hashing one per row would only slow the tests down.
SHARED_USER = factory.SubFactory(cf.UserFactory, username="shared-user", password="!")


def _batch(model_factory, **extra):
    return lambda count: model_factory.create_batch(count, **extra)


def _opening_hours(count):
    """One row per weekday at most, so there are only seven."""
    taken = set(OpeningHours.objects.values_list("weekday", flat=True))
    for weekday in [day for day in range(7) if day not in taken][:count]:
        stf.OpeningHoursFactory(weekday=weekday)


def _upsell_policies(count):
    """One policy per relationship stage at most, so there are only four."""
    taken = set(UpsellPolicy.objects.values_list("stage", flat=True))
    for stage in [stage for stage in Client.Stage.values if stage not in taken][:count]:
        sf.UpsellPolicyFactory(stage=stage)


# How to make `count` rows of each model, with the nullable foreign keys its changelist shows
# filled in (an empty one never costs a query, so it would prove nothing).
BATCHES = (
    (cf.ContraindicationFactory, {}),
    (cf.ClientFactory, {"assigned_manager": SHARED_USER}),
    (cf.MeasurementFactory, {}),
    (cf.MembershipPlanFactory, {}),
    (cf.MembershipFactory, {}),
    (cf.FreezeFactory, {}),
    (
        cf.VisitFactory,
        {
            "membership": factory.SubFactory(
                cf.MembershipFactory, client=factory.SelfAttribute("..client")
            )
        },
    ),
    (cf.InteractionFactory, {"manager": SHARED_USER}),
    (cf.TaskFactory, {"assigned_to": SHARED_USER}),
    (cf.NotificationFactory, {}),
    (cf.UserPreferenceFactory, {}),
    (cf.HealthDataAccessFactory, {"user": SHARED_USER}),
    (cf.ClientErasureFactory, {"erased_by": SHARED_USER}),
    (cf.ClientLinkFactory, {"created_by": SHARED_USER}),
    (cf.ManagerCoverFactory, {"absent": SHARED_USER, "created_by": SHARED_USER}),
    (cf.TelegramUpdateFactory, {}),
    (stf.DepartmentFactory, {}),
    (stf.ServiceFactory, {}),
    (stf.StaffMemberFactory, {"user": factory.SubFactory(cf.UserFactory, password="!")}),
    (stf.PayRateFactory, {}),
    (stf.RoomFactory, {}),
    (stf.HolidayFactory, {}),
    (stf.WorkingHoursFactory, {}),
    (stf.WorkExceptionFactory, {}),
    (stf.FeedbackFactory, {"service": factory.SubFactory(stf.ServiceFactory)}),
    (
        stf.SurveyResponseFactory,
        {
            "staff_member": factory.SubFactory(stf.StaffMemberFactory),
            "service": factory.SubFactory(stf.ServiceFactory),
        },
    ),
    (
        stf.CompetencyAssessmentFactory,
        {"staff_member": factory.SubFactory(stf.StaffMemberFactory), "assessor": SHARED_USER},
    ),
    (
        stf.CompetencyScoreFactory,
        {
            "assessment": factory.SubFactory(
                stf.CompetencyAssessmentFactory,
                staff_member=factory.SubFactory(stf.StaffMemberFactory),
            )
        },
    ),
    (pf.ProgramTemplateFactory, {"department": factory.SubFactory(stf.DepartmentFactory)}),
    (pf.ProgramTemplateItemFactory, {}),
    (
        pf.ProgramFactory,
        {"manager": SHARED_USER, "template": factory.SubFactory(pf.ProgramTemplateFactory)},
    ),
    (pf.ProgramItemFactory, {}),
    (pf.SessionFactory, {}),
    (pf.GroupClassFactory, {}),
    (pf.ClassOccurrenceFactory, {}),
    (
        pf.ClassBookingFactory,
        {"created_by": SHARED_USER,
         "membership": factory.SubFactory(cf.MembershipFactory, client=factory.SelfAttribute("..client"))},
    ),
    (pf.CalendarFeedFactory, {}),
    (sf.ProductFactory, {}),
    (sf.RecommendationFactory, {"decided_by": SHARED_USER}),
    (sf.PromotionFactory, {}),
    (sf.OfferFactory, {"manager": SHARED_USER}),
    (sf.SaleFactory, {"seller": SHARED_USER}),
    (sf.DepartmentExpenseFactory, {}),
)
ROW_MAKERS = {
    model_factory._meta.model: _batch(model_factory, **extra) for model_factory, extra in BATCHES
}
ROW_MAKERS[UpsellPolicy] = _upsell_policies
ROW_MAKERS[OpeningHours] = _opening_hours

READ_ONLY_LOGS = {HealthDataAccess, ClientErasure, ClientLink, ManagerCover, TelegramUpdate,
                  ClassOccurrence, ClassBooking, CalendarFeed}

# Rows on the changelist before and after; the number of queries must not change.
FEW, MANY = 5, 50
SIZES = {UpsellPolicy: (2, len(Client.Stage)), OpeningHours: (2, 7)}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def with_empty_inlines(data, *prefixes):
    """POST data plus the management form of each inline, with no rows."""
    for prefix in prefixes:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def changelist_queries(admin_client, model) -> int:
    url = admin_url(model, "changelist")
    admin_client.get(url)  # warm any per-process caches first
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(queries)


# ---------------------------------------------------------------------------------------------
# Every model
# ---------------------------------------------------------------------------------------------
def test_every_model_of_the_four_apps_is_registered_and_has_rows_to_test_with():
    # The change history (django-simple-history) is read through each object's History button;
    # the rollups and the followers' versions (``core.rollups``) are written by triggers only, never by a person.
    from core import rollups

    derived = {rollup.table for rollup in rollups.everything()}
    models = {
        model for label in APP_LABELS for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical") and model._meta.db_table not in derived
    }
    assert set(REGISTERED) == models
    assert set(ROW_MAKERS) == models


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    few, many = SIZES.get(model, (FEW, MANY))
    make_rows = ROW_MAKERS[model]

    make_rows(few)
    with_few = changelist_queries(admin_client, model)
    make_rows(many - few)
    with_many = changelist_queries(admin_client, model)

    assert model.objects.count() == many
    assert with_few == with_many


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_and_change_pages_load(admin_client, model):
    ROW_MAKERS[model](1)
    obj = model.objects.get()

    # Logs written by the product itself (who opened health data, erasures) cannot be added.
    expected_add = 403 if model in READ_ONLY_LOGS else 200
    assert admin_client.get(admin_url(model, "add")).status_code == expected_add
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


# ---------------------------------------------------------------------------------------------
# A value a constraint refuses: a message next to the form, nothing saved, never a 500
# ---------------------------------------------------------------------------------------------
def membership_data(membership, **changes):
    data = {
        "client": membership.client_id,
        "plan": membership.plan_id,
        "card_number": membership.card_number,
        "price": membership.price,
        "start_date": membership.start_date,
        "end_date": membership.end_date,
        "visits_used": membership.visits_used,
        "status": membership.status,
    } | changes
    return with_empty_inlines(data, "freezes")


@pytest.mark.django_db
def test_membership_ending_before_it_starts_is_refused_with_a_message(admin_client):
    membership = cf.MembershipFactory(
        start_date=datetime.date(2026, 11, 10), end_date=datetime.date(2026, 12, 9)
    )

    response = admin_client.post(
        admin_url(Membership, "change", membership.pk),
        membership_data(membership, end_date=datetime.date(2026, 11, 1)),
    )

    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.text
    membership.refresh_from_db()
    assert membership.end_date == datetime.date(2026, 12, 9)


@pytest.mark.django_db
def test_duplicate_card_number_is_refused_with_a_message(admin_client):
    taken = cf.MembershipFactory(card_number="A-100")
    other_client = cf.ClientFactory()

    response = admin_client.post(
        admin_url(Membership, "add"),
        membership_data(taken, client=other_client.pk),
    )

    assert response.status_code == 200
    assert "A membership with this card number already exists." in response.text
    assert not other_client.memberships.exists()


@pytest.mark.django_db
def test_negative_plan_price_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        admin_url(MembershipPlan, "add"),
        {
            "name": "Gym, month",
            "category": MembershipPlan.Category.GYM,
            "duration_days": 30,
            "price": "-1",
            "max_freeze_days": 0,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["price"] == [
        "Ensure this value is greater than or equal to 0."
    ]
    assert not MembershipPlan.objects.exists()


@pytest.mark.django_db
def test_feedback_rating_above_five_is_refused_with_a_message(admin_client):
    client = cf.ClientFactory()
    staff_member = stf.StaffMemberFactory()

    response = admin_client.post(
        admin_url(Feedback, "add"),
        {
            "client": client.pk,
            "staff_member": staff_member.pk,
            "kind": Feedback.Kind.THANKS,
            "rating": 6,
            "text": "Wonderful massage",
            "channel": Feedback.Channel.IN_PERSON,
            "received_at_0": "2026-11-22",
            "received_at_1": "10:00:00",
            "status": Feedback.Status.NEW,
        },
    )

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 5." in response.text
    assert not Feedback.objects.exists()


def client_data(**values):
    data = {
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "language": Client.Language.UKRAINIAN,
        "source": Client.Source.WALK_IN,
        "preferred_channel": "email",
    } | values
    return with_empty_inlines(data, "memberships", "measurements")


@pytest.mark.django_db
def test_duplicate_client_phone_is_refused_with_a_message(admin_client):
    cf.ClientFactory(phone="+380501234567")

    response = admin_client.post(admin_url(Client, "add"), client_data(phone="+380501234567"))

    assert response.status_code == 200
    assert "A client with this phone number already exists." in response.text
    assert Client.objects.count() == 1


@pytest.mark.django_db
def test_two_open_freezes_sent_together_are_refused_with_a_message(admin_client):
    membership = cf.MembershipFactory()
    data = membership_data(membership) | {"freezes-TOTAL_FORMS": "2"}
    for row in range(2):
        data |= {
            f"freezes-{row}-start_date": membership.start_date + datetime.timedelta(days=row),
            f"freezes-{row}-reason": "Illness",
        }

    response = admin_client.post(admin_url(Membership, "change", membership.pk), data)

    assert response.status_code == 200
    assert "This membership already has an open freeze." in response.text
    assert not membership.freezes.exists()


# ---------------------------------------------------------------------------------------------
# Who created a row; what the admin computes
# ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_rows_added_in_the_admin_remember_who_created_them(admin_client, admin_user):
    data = client_data(phone="+380501234567") | {
        "measurements-TOTAL_FORMS": "1",
        "measurements-0-measured_on": "2026-11-22",
        "measurements-0-weight_kg": "68.5",
    }

    response = admin_client.post(admin_url(Client, "add"), data)

    assert response.status_code == 302
    client = Client.objects.get()
    assert client.created_by == admin_user
    assert client.measurements.get().created_by == admin_user


@pytest.mark.django_db
def test_a_sale_added_in_the_admin_gets_its_amount_computed(admin_client, admin_user):
    service = stf.ServiceFactory()
    client = cf.ClientFactory()

    response = admin_client.post(
        admin_url(Sale, "add"),
        {
            "client": client.pk,
            "department": service.department_id,
            "kind": Sale.Kind.SERVICE,
            "service": service.pk,
            "sold_at_0": "2026-11-22",
            "sold_at_1": "12:00:00",
            "quantity": 3,
            "unit_price": "500.00",
            "discount": "150.00",
        },
    )

    assert response.status_code == 302
    sale = Sale.objects.get()
    assert sale.amount == Decimal("1350.00")
    assert sale.created_by == admin_user


@pytest.mark.django_db
def test_a_new_assessment_offers_all_six_competencies_with_their_tools(admin_client):
    response = admin_client.get(reverse("admin:staff_competencyassessment_add"))

    (scores,) = response.context["inline_admin_formsets"]
    assert [form.initial for form in scores.formset.forms] == [
        {"competency": competency, "tool": DEFAULT_TOOL[competency]} for competency in Competency
    ]


@pytest.mark.django_db
def test_scores_of_a_new_assessment_are_saved_with_it(admin_client):
    data = {
        "candidate_name": "Iryna Melnyk",
        "position": "Accompaniment manager",
        "occasion": "hiring",
        "assessed_on": "2026-11-22",
        "decision": "pending",
        "scores-TOTAL_FORMS": str(len(Competency)),
        "scores-INITIAL_FORMS": "0",
    }
    for row, competency in enumerate(Competency):
        data |= {
            f"scores-{row}-competency": competency,
            f"scores-{row}-tool": DEFAULT_TOOL[competency],
            f"scores-{row}-score": 4,
        }

    response = admin_client.post(reverse("admin:staff_competencyassessment_add"), data)

    assert response.status_code == 302
    assert CompetencyScore.objects.count() == len(Competency)


# ---------------------------------------------------------------------------------------------
# The outbox and the client search
# ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_retry_queues_failed_and_skipped_messages_again(admin_client):
    failed = cf.NotificationFactory(
        status=Notification.Status.FAILED, reason="SMTP timeout", attempts=3
    )
    skipped = cf.NotificationFactory(status=Notification.Status.SKIPPED, reason="No consent")
    sent = cf.NotificationFactory(status=Notification.Status.SENT, sent_at=timezone.now())

    response = admin_client.post(
        admin_url(Notification, "changelist"),
        {"action": "retry", "_selected_action": [failed.pk, skipped.pk, sent.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 messages queued again." in response.text
    for message in (failed, skipped):
        message.refresh_from_db()
        assert (message.status, message.reason, message.attempts) == (
            Notification.Status.QUEUED,
            "",
            0,
        )
    sent.refresh_from_db()
    assert sent.status == Notification.Status.SENT


def found_clients(admin_client, text) -> set[Client]:
    response = admin_client.get(admin_url(Client, "changelist"), {"q": text})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.mark.django_db
def test_client_search_finds_a_client_by_card_number(admin_client):
    olena = cf.MembershipFactory(card_number="26-00012345").client
    cf.MembershipFactory(card_number="26-00099999")

    assert found_clients(admin_client, "26-00012345") == {olena}


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["+380501234567", "0501234567", "050 123 45 67"])
def test_client_search_finds_a_client_by_phone(admin_client, typed):
    olena = cf.ClientFactory(phone="+380501234567")
    cf.ClientFactory(phone="+380671112233")

    assert found_clients(admin_client, typed) == {olena}


@pytest.mark.django_db
def test_a_manager_is_not_let_into_the_admin_site_even_with_the_staff_flag(client, manager):
    cf.ClientFactory(assigned_manager=manager)
    client.force_login(manager)

    response = client.get(reverse("admin:clients_client_changelist"))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- admin entry keeps the same rules as the card ---------------------------------------------
@pytest.mark.django_db
def test_a_visit_entered_in_the_admin_counts_and_its_deletion_gives_it_back(admin_client):
    membership = cf.MembershipFactory(plan__visit_limit=8)
    now = timezone.localtime()
    response = admin_client.post(
        reverse("admin:clients_visit_add"),
        {"client": membership.client_id, "membership": membership.pk,
         "checked_in_at_0": now.strftime("%Y-%m-%d"), "checked_in_at_1": now.strftime("%H:%M:%S"), "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.visits_used == 1
    visit = membership.visits.get()
    admin_client.post(reverse("admin:clients_visit_delete", args=[visit.pk]), {"post": "yes"})
    membership.refresh_from_db()
    assert membership.visits_used == 0


@pytest.mark.django_db
def test_a_visit_on_a_used_up_membership_is_refused_in_the_admin(admin_client):
    membership = cf.MembershipFactory(plan__visit_limit=2)
    Membership.objects.filter(pk=membership.pk).update(visits_used=2)
    now = timezone.localtime()
    response = admin_client.post(
        reverse("admin:clients_visit_add"),
        {"client": membership.client_id, "membership": membership.pk,
         "checked_in_at_0": now.strftime("%Y-%m-%d"), "checked_in_at_1": now.strftime("%H:%M:%S")},
    )
    assert response.status_code == 200
    assert "no visits left" in response.content.decode()
    assert not membership.visits.exists()


@pytest.mark.django_db
def test_a_freeze_entered_in_the_admin_moves_the_end_date(admin_client):
    dt = datetime
    membership = cf.MembershipFactory()
    end = membership.end_date
    start = membership.start_date
    response = admin_client.post(
        reverse("admin:clients_freeze_add"),
        {"membership": membership.pk, "start_date": start.isoformat(),
         "end_date": (start + dt.timedelta(days=6)).isoformat(), "reason": "Trip"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end_date == end + dt.timedelta(days=7)
    freeze = membership.freezes.get()
    admin_client.post(reverse("admin:clients_freeze_delete", args=[freeze.pk]), {"post": "yes"})
    membership.refresh_from_db()
    assert membership.end_date == end


@pytest.mark.django_db
def test_a_freeze_added_inline_on_the_membership_moves_the_end_date(admin_client):
    membership = cf.MembershipFactory()
    end, start = membership.end_date, membership.start_date
    data = {
        "client": membership.client_id, "plan": membership.plan_id, "card_number": membership.card_number,
        "price": str(membership.price), "sold_by": "", "start_date": start.isoformat(),
        "end_date": end.isoformat(), "visit_limit": "", "visits_used": "0", "status": "active",
        "cancelled_on": "", "cancel_reason": "", "notes": "",
        "freezes-TOTAL_FORMS": "1", "freezes-INITIAL_FORMS": "0", "freezes-MIN_NUM_FORMS": "0",
        "freezes-MAX_NUM_FORMS": "1000", "freezes-0-start_date": start.isoformat(),
        "freezes-0-end_date": (start + datetime.timedelta(days=2)).isoformat(), "freezes-0-reason": "Flu",
    }
    response = admin_client.post(reverse("admin:clients_membership_change", args=[membership.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    membership.refresh_from_db()
    assert membership.end_date == end + datetime.timedelta(days=3)
