"""Each business rule counts the same card or client the same on every page that uses it: Today,
the client list's filters, the client card, check-in, the dashboard (KPIs, at-risk list,
managers' table), the reminders, the morning digest and the CSV exports.

One small club holds the edge cases: a card ending today, one starting today, one frozen today,
one used up, one cancelled, cards renewed on the 14th and on the 15th day after their end, and
clients whose last visit was exactly 14 and 15 days ago. Each test reads one rule everywhere."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.vocabulary import DIGEST
from clients import rules
from clients.models import Client, Membership, Notification, Task
from clients.services import visit_check_in
from clients.tests import factories as cf
from core import reminders, roles
from sales.tests import factories as sf
from staff.models import Feedback
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def noon(offset: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day(offset), datetime.time(12, 0)))


def card(client, start: int, end: int, **fields) -> Membership:
    return cf.MembershipFactory(client=client, start_date=day(start), end_date=day(end), **fields)


@pytest.fixture
def club(make_user):
    """The club: every client is Olena's; names say what their card is."""
    olena = make_user(roles.MANAGER, username="olena", first_name="Olena", last_name="Kovalenko")
    director = make_user(roles.DIRECTOR, username="director-c")
    people = {}

    def person(name):
        people[name] = cf.ClientFactory(first_name=name, last_name="Test", assigned_manager=olena)
        return people[name]

    def came(name, *days_ago):
        for offset in days_ago:
            cf.VisitFactory(client=people[name], checked_in_at=noon(-offset))

    card(person("EndsToday"), -29, 0)
    card(person("StartsToday"), 0, 29)
    frozen = card(person("FrozenToday"), -20, 20)
    cf.FreezeFactory(membership=frozen, start_date=day(-1), end_date=day(2))
    card(person("UsedUp"), -20, 9, visit_limit=4, visits_used=4)
    card(person("Cancelled"), -20, 9, status=Membership.Status.CANCELLED, cancelled_on=day(-2))
    # Cards ending in 7 days, renewed by one starting on the 14th / the 15th day after the end.
    card(person("Renewed14"), -22, 7)
    card(people["Renewed14"], 7 + 14, 7 + 14 + 29)
    card(person("Renewed15"), -22, 7)
    card(people["Renewed15"], 7 + 15, 7 + 15 + 29)
    # Cards that ended three days ago, renewed the same two ways (the renewal offer's day).
    card(person("Ended14"), -32, -3)
    card(people["Ended14"], -3 + 14, -3 + 14 + 29)
    card(person("Ended15"), -32, -3)
    card(people["Ended15"], -3 + 15, -3 + 15 + 29)
    # Running cards whose last visit was exactly 14 and 15 club days ago.
    card(person("Visited14DaysAgo"), -40, 20)
    card(person("Visited15DaysAgo"), -40, 20)
    came("Visited14DaysAgo", 20, 14)
    came("Visited15DaysAgo", 20, 15)
    for name in ("EndsToday", "UsedUp", "Renewed14", "Renewed15", "FrozenToday"):
        came(name, 2)
    return {"olena": olena, "director": director, "people": people}


def names(clients) -> set[str]:
    return {client.first_name for client in clients}


def today_page(client, club) -> dict:
    client.force_login(club["olena"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context


def listed(client, club, **query) -> set[str]:
    client.force_login(club["olena"])
    response = client.get(reverse("clients:list"), query)
    assert response.status_code == 200
    return names(response.context["page"].paginator.object_list)


def dashboard_csv(client, club, export: str) -> list[list[str]]:
    client.force_login(club["director"])
    response = client.get(reverse("dashboard"), {
        "period": "custom", "start": day(-40).isoformat(), "end": TODAY.isoformat(), "export": export,
    })
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def kpi(client, club, label: str) -> str:
    return next(row[1] for row in dashboard_csv(client, club, "kpis") if row[0] == label)


def swept() -> None:
    reminders.sweep(on=TODAY)


def keyed(prefix: str) -> set[str]:
    """The first names of the clients of outbox rows whose dedup key starts with ``prefix``."""
    return names(n.client for n in Notification.objects.filter(dedup_key__startswith=prefix).select_related("client"))


def tasks(kind) -> set[str]:
    return names(t.client for t in Task.objects.filter(kind=kind).select_related("client"))


# --- One rule at a time ------------------------------------------------------------------------------
def test_active_members_are_the_same_on_the_client_list_the_dashboard_and_its_csv(client, club):
    expected = {
        "EndsToday", "StartsToday", "UsedUp", "Renewed14", "Renewed15",
        "Visited14DaysAgo", "Visited15DaysAgo",
    }
    assert names(rules.active_members_on(TODAY)) == expected
    assert listed(client, club, membership="active") == expected
    assert kpi(client, club, "Active members") == str(len(expected))
    client.force_login(club["director"])
    page = client.get(reverse("dashboard"), {"period": "custom", "start": day(-40).isoformat(), "end": TODAY.isoformat()})
    assert next(card["value"] for card in page.context["cards"] if card["key"] == "active_members") == len(expected)


def test_a_card_frozen_today_is_frozen_on_the_list_the_card_check_in_and_the_reminders(client, club):
    frozen = club["people"]["FrozenToday"]
    assert names(m.client for m in rules.frozen_on(TODAY)) == {"FrozenToday"}
    assert listed(client, club, membership="frozen") == {"FrozenToday"}
    client.force_login(club["olena"])
    card_page = client.get(reverse("client-card", args=[frozen.pk]))
    assert card_page.context["current"].state == "frozen"
    response = client.post(reverse("clients:check-in", args=[frozen.pk]), follow=True)
    assert "is frozen until" in response.content.decode()
    assert not frozen.visits.filter(checked_in_at__date=TODAY).exists()


def test_only_a_usable_card_lets_its_holder_in_and_the_card_says_so(client, club):
    people = club["people"]
    usable = names(m.client for m in rules.usable_for_check_in(TODAY))
    assert usable == {"EndsToday", "StartsToday", "Renewed14", "Renewed15", "Visited14DaysAgo", "Visited15DaysAgo"}
    client.force_login(club["olena"])
    for name in ("EndsToday", "StartsToday", "FrozenToday", "UsedUp", "Cancelled", "Ended15"):
        state = client.get(reverse("client-card", args=[people[name].pk])).context["current"]
        assert (state is not None and state.state == "active") is (name in usable), name
        try:
            visit_check_in(client=people[name], user=club["olena"])
        except Exception:  # noqa: BLE001 - a ValidationError with the reason
            assert name not in usable, name
        else:
            assert name in usable, name


def test_renewed_cards_are_the_same_for_today_the_reminders_the_renewal_rate_and_the_managers(client, club):
    # Running cards ending in 7 days: renewed on the 14th day after the end, or not (the 15th).
    context = today_page(client, club)
    assert names(m.client for m in context["expiring"]["rows"]) == {"EndsToday", "Renewed15"}
    swept()
    assert keyed("expiry:") == {"Renewed15"}  # 7 days before the end; frozen ones are skipped
    assert tasks(Task.Kind.RENEWAL_CALL) == {"Renewed15"}
    assert keyed("renewal-offer:") == {"Ended15"}  # 3 days after the end
    # The cards that ended in the period: EndsToday (today, not renewed), Ended14, Ended15.
    assert kpi(client, club, "Renewal rate") == "33.3"
    managers = dashboard_csv(client, club, "managers")
    row = dict(zip(managers[0], next(r for r in managers[1:] if r[0] == "Olena Kovalenko")))
    assert (row["Ended in the period"], row["Renewed"]) == ("3", "1")
    due = {"EndsToday", "StartsToday", "FrozenToday", "UsedUp", "Renewed15", "Visited14DaysAgo", "Visited15DaysAgo"}
    assert names(m.client for m in rules.expiring_unrenewed(TODAY, 30)) == due
    assert row["Renewals due in 30 days"] == str(len(due))


def test_expiring_soon_is_the_same_on_today_the_list_the_card_the_digest_and_the_kpi(client, club):
    people = club["people"]
    soon = names(m.client for m in rules.expiring_soon(TODAY))
    assert soon == {"EndsToday", "Renewed14", "Renewed15"}
    assert listed(client, club, expires_within=rules.EXPIRING_SOON_DAYS) == soon
    context = today_page(client, club)
    assert names(m.client for m in context["expiring"]["rows"]) == soon - {"Renewed14"}  # renewed
    page = client.get(reverse("home")).content.decode()
    assert f"Memberships ending within {rules.EXPIRING_SOON_DAYS} days" in page
    for name in ("EndsToday", "Renewed15", "StartsToday", "Visited14DaysAgo"):
        card_page = client.get(reverse("client-card", args=[people[name].pk])).content.decode()
        assert ("Expiring soon" in card_page) is (name in soon), name
    list_page = client.get(reverse("clients:list")).content.decode()
    assert list_page.count("days left") + list_page.count("day left") == len(soon)
    reminders.digests(on=TODAY)
    digest = Notification.objects.get(kind=DIGEST)
    assert f"Memberships ending within {rules.EXPIRING_SOON_DAYS} days: 2" in digest.body
    assert kpi(client, club, "Expiring within 14 days") == str(rules.expiring_soon(TODAY, 14).count())


def test_lapsed_clients_are_the_same_on_the_list_today_the_dashboard_its_csv_and_the_reminders(client, club):
    expected = {"Visited15DaysAgo"}
    assert names(Client.objects.filter(rules.lapsed_q(TODAY))) == expected
    assert listed(client, club, lapsed="on") == expected
    context = today_page(client, club)
    lapsed_label = f"Lapsed: no visit for {rules.LAPSED_DAYS} days"
    assert {c.first_name for c in context["at_risk"]["rows"] if "lapsed" in c.reasons} == expected
    assert {c.first_name for c in context["at_risk"]["rows"] if lapsed_label in c.reason_labels} == expected
    at_risk_csv = dashboard_csv(client, club, "at_risk")
    assert {row[0].split()[0] for row in at_risk_csv[1:] if lapsed_label in row[4]} == expected
    swept()
    assert tasks(Task.Kind.LAPSED) == expected


def test_at_risk_clients_are_the_same_on_today_the_digest_the_dashboard_and_the_managers_table(client, club):
    people = club["people"]
    staff_member = stf.StaffMemberFactory()
    stf.FeedbackFactory(client=people["StartsToday"], staff_member=staff_member, kind=Feedback.Kind.COMPLAINT)
    stf.SurveyResponseFactory(client=people["EndsToday"], staff_member=staff_member, score=6)
    stf.SurveyResponseFactory(client=people["Renewed14"], staff_member=staff_member, score=7)  # passive
    expected = {
        "StartsToday": ["open_complaint"],
        "EndsToday": ["expiring", "low_nps"],
        "UsedUp": ["expiring"],  # 9 days left, not renewed (the at-risk window is 14 days)
        "Renewed15": ["expiring"],
        "Visited15DaysAgo": ["lapsed"],
    }
    context = today_page(client, club)
    assert {c.first_name: c.reasons for c in context["at_risk"]["rows"]} == expected
    assert context["at_risk"]["count"] == len(expected)
    at_risk_csv = dashboard_csv(client, club, "at_risk")
    assert {row[0].split()[0] for row in at_risk_csv[1:]} == set(expected)
    managers = dashboard_csv(client, club, "managers")
    row = dict(zip(managers[0], next(r for r in managers[1:] if r[0] == "Olena Kovalenko")))
    assert row["At risk"] == str(len(expected))
    reminders.digests(on=TODAY)
    assert f"Clients at risk: {len(expected)}" in Notification.objects.get(kind=DIGEST).body
    # The order is the dashboard's: an open complaint and a low score before an expiring card
    # and a lapse.
    client.force_login(club["director"])
    dashboard_rows = client.get(reverse("dashboard"), {
        "period": "custom", "start": day(-40).isoformat(), "end": TODAY.isoformat(),
    }).context["at_risk"]["rows"]
    assert [c.first_name for c in context["at_risk"]["rows"]] == [c.first_name for c in dashboard_rows]


def test_nps_is_the_same_on_the_quality_page_the_staff_page_the_dashboard_and_its_csv(client, club):
    """3 promoters, 2 detractors, 3 passives: 12.5, rounded half away from zero: 13 everywhere."""
    member = stf.StaffMemberFactory()
    answered = timezone.now()
    for score in (10, 9, 9, 8, 8, 7, 6, 0):
        stf.SurveyResponseFactory(staff_member=member, score=score, answered_at=answered)
    client.force_login(club["director"])
    quality = client.get(reverse("staff:quality"), {"start": day(-40).isoformat(), "end": TODAY.isoformat()})
    assert next(row["nps"] for row in quality.context["rows"] if row["member"] == member) == 13
    assert client.get(reverse("staff-member", args=[member.pk])).context["nps"]["score"] == 13
    assert kpi(client, club, "NPS") == "13"
    by_month = dashboard_csv(client, club, "nps")
    assert by_month[-1][1:] == ["8", "13"]


def test_block_profit_is_the_same_on_the_pay_report_and_the_dashboards_departments(client, club):
    spa = stf.DepartmentFactory(name="SPA", code="spa")
    head = stf.StaffMemberFactory(department=spa, is_head_of_department=True)
    stf.PayRateFactory(staff_member=head, effective_from=day(-400), monthly_salary=Decimal("20000"),
                       profit_share_percent=Decimal("10"))
    month = TODAY.replace(day=1)
    sf.SaleFactory(client=club["people"]["EndsToday"], department=spa, unit_price=Decimal("35000"),
                   sold_at=timezone.make_aware(datetime.datetime.combine(month, datetime.time(10))))
    client.force_login(club["director"])
    pay = list(csv.reader(io.StringIO(client.get(reverse("sales:pay"), {
        "month": month.strftime("%Y-%m"), "department": "spa", "export": "csv",
    }).content.decode())))
    profit = next(row[1] for row in pay if row[0] == "Block profit")
    departments = list(csv.reader(io.StringIO(client.get(reverse("dashboard"), {
        "period": "custom", "start": month.isoformat(), "end": TODAY.isoformat(), "export": "departments",
    }).content.decode())))
    assert next(row[4] for row in departments if row[0] == "SPA") == profit == "15000.00"
