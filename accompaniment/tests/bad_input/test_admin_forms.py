"""Issue 8, bad input tried on purpose: the admin site's add forms of the main models (clients,
memberships, visits, freezes, services, sales, promotions) and its lists' search and filters.
Garbage is a message next to the field (or on top of the form), never a 500, and nothing is
stored — not the row, not its sale, not its history."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from clients.models import Membership, MembershipPlan

from accompaniment.tests.bad_input import LONG, NUL, SQL, TODAY, build_club, changed_tables, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(make_user):
    return build_club(make_user)


@pytest.fixture
def admin_browser(client, club):
    """The director in the admin site (a superuser counts as a director: see clients.roles)."""
    client.force_login(club.director)
    return client


INLINE_PREFIXES: dict[str, list[str]] = {}  # by model: read from its add page once


def admin_post(browser, model: str, data: dict):
    """POST ``data`` to a model's add page, with empty management forms for its inlines."""
    url = reverse(f"admin:{model}_add")
    if model not in INLINE_PREFIXES:
        page = browser.get(url)
        assert page.status_code == 200
        INLINE_PREFIXES[model] = [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]
    management = {}
    for prefix in INLINE_PREFIXES[model]:
        management |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return browser.post(url, {**management, **data})


def refused_in_admin(browser, model, data, field):
    before = row_counts()
    response = admin_post(browser, model, data)
    assert response.status_code == 200, response.status_code
    errors = response.context["adminform"].form.errors
    assert field in errors, f"no error next to {field!r}: {dict(errors)}"
    assert changed_tables(before) == {}
    return list(errors[field])


# --- clients ------------------------------------------------------------------------------------
def client_row(**changes):
    return {"first_name": "Oksana", "last_name": "Tkachenko", "phone": "067 765 43 21", "email": "o@example.com",
            "language": "uk", "source": "walk_in", "preferred_channel": "email", **changes}


@pytest.mark.parametrize(
    "field, value",
    [
        ("first_name", "  "), ("first_name", NUL), ("first_name", LONG), ("health_notes", "bad\x00"),
        ("phone", "abc"), ("phone", "\x00"), ("email", "\x00@example.com"),
        ("birth_date", "9999-12-31"), ("birth_date", "2025-02-31"), ("language", "xx"),
        ("assigned_manager", "999999"), ("referred_by", "-1"), ("contraindications", ["abc"]),
        ("telegram_chat_id", "9" * 65),
    ],
)
def test_adding_a_client_with_garbage_in_the_admin_stores_nothing(admin_browser, club, field, value):
    refused_in_admin(admin_browser, "clients_client", client_row(**{field: value}), field)


def test_a_client_added_in_the_admin_with_a_birth_date_of_year_one_is_refused(admin_browser, club):
    messages = refused_in_admin(admin_browser, "clients_client", client_row(birth_date="0001-01-01"), "__all__")
    assert messages == ["The birth date is too far in the past."]


def test_a_duplicate_phone_in_the_admin_is_refused(admin_browser, club):
    refused_in_admin(admin_browser, "clients_client", client_row(phone=str(club.mine.client.phone)), "__all__")


def test_a_tampered_inline_management_form_is_refused(admin_browser, club):
    before = row_counts()
    response = admin_browser.post(reverse("admin:clients_client_add"), client_row())
    assert response.status_code == 200
    assert any(inline.formset.non_form_errors() for inline in response.context["inline_admin_formsets"])
    assert changed_tables(before) == {}


# --- memberships, visits, freezes ---------------------------------------------------------------
def membership_row(club, **changes):
    return {"client": club.mine.client.pk, "plan": club.plan.pk, "card_number": "A-1", "price": "1200",
            "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(), "visits_used": "0",
            "status": "active", **changes}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"client": "999999"}, "client"), ({"plan": "abc"}, "plan"),
        ({"card_number": "C" * 33}, "card_number"), ({"card_number": "A\x00"}, "card_number"),
        ({"price": "-1"}, "price"), ({"price": "1" + "0" * 20}, "price"), ({"price": "NaN"}, "price"),
        ({"discount": "-5"}, "discount"), ({"discount": "999999"}, "discount"),  # beyond the price
        ({"start_date": "2025-02-31"}, "start_date"), ({"start_date": "9999-12-31"}, "start_date"),
        ({"card_number": "MINE"}, "card_number"),  # taken
    ],
)
def test_adding_a_membership_with_garbage_stores_neither_it_nor_its_sale(admin_browser, club, changes, field):
    if changes.get("card_number") == "MINE":
        changes = {"card_number": club.mine.membership.card_number}
    refused_in_admin(admin_browser, "clients_membership", membership_row(club, **changes), field)


def test_a_membership_added_in_the_admin_is_sold_with_its_ledger_row(admin_browser, club):
    """The refusals above refuse what would otherwise be stored whole."""
    before = row_counts()
    response = admin_post(admin_browser, "clients_membership", membership_row(club))
    assert response.status_code == 302
    assert {name for name in changed_tables(before)} >= {"clients.Membership", "sales.Sale"}


def test_end_dates_visits_and_statuses_forged_into_the_admins_add_form_are_ignored(admin_browser, club):
    """The add form has no such fields: the plan sets them, whatever the request says."""
    forged = {"end_date": "2000-01-01", "visit_limit": "0", "visits_used": "6", "status": "cancelled"}
    response = admin_post(admin_browser, "clients_membership", membership_row(club, **forged))
    assert response.status_code == 302
    card = Membership.objects.get(card_number="A-1")
    assert (card.end_date - card.start_date).days == club.plan.duration_days - 1
    assert (card.visit_limit, card.visits_used, card.status) == (club.plan.visit_limit, 0, "active")


def test_a_membership_added_in_the_admin_of_a_club_without_departments_is_refused_not_a_crash(
    client, django_user_model
):  # a superuser: the only one in a club that has nothing yet
    from clients.tests.factories import ClientFactory, MembershipPlanFactory

    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pass-12345-word"))
    row = {"client": ClientFactory().pk, "plan": MembershipPlanFactory().pk, "card_number": "A-1", "price": "1200",
           "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(), "visits_used": "0", "status": "active"}
    before = row_counts()
    response = admin_post(client, "clients_membership", row)
    assert response.status_code == 200  # the form again, with the reason on top
    plan = MembershipPlan.objects.get()
    assert response.context["adminform"].form.non_field_errors() == [
        f"The plan “{plan.name}” belongs to no department of the club: choose its department on the plan's "
        "page in the admin site, then sell it."
    ]
    assert changed_tables(before) == {}


def visit_row(club, **changes):
    return {"client": club.mine.client.pk, "membership": "", "checked_in_at_0": TODAY.isoformat(),
            "checked_in_at_1": "00:00", "note": "", **changes}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"client": ""}, "client"), ({"client": "999999"}, "client"),
        ({"membership": "THEIRS"}, "membership"),  # someone else's card
        ({"membership": "999999"}, "membership"),
        ({"checked_in_at_0": "abc"}, "checked_in_at"), ({"checked_in_at_1": "25:61"}, "checked_in_at"),
        ({"checked_in_at_0": "2025-02-31"}, "checked_in_at"),
        ({"checked_in_at_0": (TODAY + datetime.timedelta(days=1)).isoformat()}, "checked_in_at"),  # future
        ({"note": "x" * 256}, "note"), ({"note": "\x00"}, "note"),
    ],
)
def test_adding_a_visit_with_garbage_counts_nothing(admin_browser, club, changes, field):
    if changes.get("membership") == "THEIRS":
        changes = {"membership": club.theirs.membership.pk}
    used = club.mine.membership.visits_used
    refused_in_admin(admin_browser, "clients_visit", visit_row(club, **changes), field)
    assert Membership.objects.get(pk=club.mine.membership.pk).visits_used == used


def freeze_row(club, **changes):
    return {"membership": club.mine.membership.pk, "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(),
            "reason": "Trip", **changes}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"membership": ""}, "membership"), ({"membership": "999999"}, "membership"),
        ({"start_date": "abc"}, "start_date"), ({"end_date": "2025-02-31"}, "end_date"),
        ({"end_date": "2000-01-01"}, "__all__"),  # ends before it starts
        ({"reason": ""}, "reason"), ({"reason": "   "}, "reason"), ({"reason": "Trip\x00"}, "reason"),
    ],
)
def test_adding_a_freeze_with_garbage_leaves_the_end_date(admin_browser, club, changes, field):
    end = club.mine.membership.end_date
    refused_in_admin(admin_browser, "clients_freeze", freeze_row(club, **changes), field)
    assert Membership.objects.get(pk=club.mine.membership.pk).end_date == end


# --- services, sales, promotions ------------------------------------------------------------------
def service_row(club, **changes):
    return {"department": club.department.pk, "name": "Stretching", "kind": "training", "duration_minutes": "60",
            "price": "500", "is_active": "on", **changes}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"department": "abc"}, "department"), ({"name": "x" * 151}, "name"), ({"name": NUL}, "name"),
        ({"kind": "magic"}, "kind"), ({"duration_minutes": "0"}, "duration_minutes"),
        ({"duration_minutes": "1" + "0" * 20}, "duration_minutes"),
        ({"price": "-0.01"}, "price"), ({"price": "NaN"}, "price"), ({"price": "12.345"}, "price"),
        ({"contraindications": ["abc"]}, "contraindications"),
    ],
)
def test_adding_a_service_with_garbage_stores_nothing(admin_browser, club, changes, field):
    refused_in_admin(admin_browser, "staff_service", service_row(club, **changes), field)


def sale_row(club, **changes):
    return {"client": club.mine.client.pk, "department": club.department.pk, "kind": "service",
            "sold_at_0": TODAY.isoformat(), "sold_at_1": "12:00", "service": club.service.pk,
            "quantity": "1", "unit_price": "500", "discount": "0", "note": "", **changes}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"client": ""}, "client"), ({"kind": "gift"}, "kind"),
        ({"quantity": "0"}, "quantity"), ({"quantity": "1.5"}, "quantity"), ({"quantity": "1" + "0" * 20}, "quantity"),
        ({"unit_price": "-500"}, "unit_price"), ({"unit_price": "Infinity"}, "unit_price"),
        ({"discount": "-1"}, "discount"), ({"discount": "501"}, "discount"),
        ({"service": ""}, "__all__"),  # a service sale without the service
        ({"sold_at_0": "2025-02-31"}, "sold_at"), ({"note": "\x00"}, "note"),
    ],
)
def test_adding_a_sale_with_garbage_leaves_the_ledger_as_it_was(admin_browser, club, changes, field):
    refused_in_admin(admin_browser, "sales_sale", sale_row(club, **changes), field)


@pytest.mark.parametrize(
    "segment",
    ['{"channel": "fax"}', '{"age_min": 60, "age_max": 18}', '["email"]', '{"channel": "\\u0000"}',
     '{"nonsense": 1}', "not json"],
)
def test_a_promotion_with_a_segment_that_is_not_one_is_refused_in_the_admin(admin_browser, club, segment):
    row = {"name": "Spring", "starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat(), "discount_percent": "10",
           "discount_amount": "0", "segment": segment, "is_active": "on"}
    refused_in_admin(admin_browser, "sales_promotion", row, "segment")


@pytest.mark.parametrize(
    "changes, field",
    [({"discount_percent": "101"}, "discount_percent"), ({"discount_amount": "-1"}, "discount_amount"),
     ({"ends_on": "2000-01-01"}, "__all__")],
)
def test_a_promotion_out_of_range_is_refused_in_the_admin(admin_browser, club, changes, field):
    row = {"name": "Spring", "starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat(), "discount_percent": "10",
           "discount_amount": "0", "segment": '{"channel": "email"}', "is_active": "on", **changes}
    refused_in_admin(admin_browser, "sales_promotion", row, field)


def test_a_good_segment_typed_in_the_admin_is_stored_typed(admin_browser, club):
    from sales.models import Promotion

    row = {"name": "Spring", "starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat(), "discount_percent": "10",
           "discount_amount": "0", "segment": '{"channel": "email", "age_min": "30"}', "is_active": "on"}
    assert admin_post(admin_browser, "sales_promotion", row).status_code == 302
    assert Promotion.objects.get(name="Spring").segment == {"channel": "email", "age_min": 30}


# --- the lists' search boxes and filters ---------------------------------------------------------
@pytest.mark.parametrize(
    "model", ["clients_client", "clients_membership", "clients_visit", "clients_freeze", "staff_service", "sales_sale"],
)
@pytest.mark.parametrize("query", [{"q": "050\x00" + LONG + SQL + "%_%"}, {"o": "abc.99", "p": "1" + "0" * 20}])
def test_the_admin_lists_answer_any_search_and_sort(admin_browser, club, model, query):
    response = admin_browser.get(reverse(f"admin:{model}_changelist"), query)
    if any("\x00" in value for value in query.values()):
        assert response.status_code == 400  # a NUL in an address is refused before anything runs
    else:
        assert response.status_code in (200, 302)  # an unknown filter redirects with ?e=1


@pytest.mark.parametrize(
    "model, query",
    [
        ("clients_client", {"assigned_manager__id__exact": "abc"}), ("clients_client", {"created_at__year": "10000"}),
        ("clients_membership", {"plan__id__exact": "1" + "0" * 20}), ("clients_membership", {"end_date__month": "13"}),
        ("sales_sale", {"sold_at__day": "32", "sold_at__month": "2", "sold_at__year": "2025"}),
        ("staff_service", {"price__gt": "abc"}),
    ],
)
def test_the_admin_lists_answer_any_filter(admin_browser, club, model, query):
    response = admin_browser.get(reverse(f"admin:{model}_changelist"), query)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "model, query",
    [("clients_client", {"stage": "\x00"}), ("clients_membership", {"status__exact": "\x00"}),
     ("staff_service", {"kind__exact": "\x00"}), ("sales_sale", {"kind__exact": "\x00"})],
)
def test_an_admin_list_filter_with_a_nul_answers_a_page(admin_browser, club, model, query):
    response = admin_browser.get(reverse(f"admin:{model}_changelist"), query)
    assert response.status_code == 400
    assert 'data-testid="error-400"' in response.content.decode()


@pytest.mark.parametrize(
    "model, field",
    [("clients_client", "assigned_manager"), ("clients_client", "referred_by"), ("clients_membership", "client"),
     ("clients_visit", "client"), ("clients_freeze", "membership"), ("sales_sale", "service")],
)
def test_a_forged_non_numeric_id_in_an_admin_autocomplete_is_a_field_error(admin_browser, club, model, field):
    rows = {"clients_client": client_row(), "clients_membership": membership_row(club),
            "clients_visit": visit_row(club), "clients_freeze": freeze_row(club), "sales_sale": sale_row(club)}
    refused_in_admin(admin_browser, model, {**rows[model], field: "abc"}, field)
