"""The director's dashboard: each KPI against a small club with known answers, the page's
access rules, its fixed number of queries, CSV = page, and the charts drawn in a browser."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment import dashboard as d
from accompaniment.dashboard.period import preset_dates
from accompaniment.dashboard.report import defuse, display
from core import roles
from clients.models import Client, Membership
from clients.tests import factories as cf
from sales.models import Sale
from sales.selectors import pay_report
from sales.tests import factories as sf
from staff.models import Feedback, StaffMember
from staff.tests import factories as stf

D = datetime.date


def local(*args) -> datetime.datetime:
    """An aware datetime in the club's time zone (Europe/Kyiv by default)."""
    return timezone.make_aware(datetime.datetime(*args))


OCTOBER = (D(2025, 10, 1), D(2025, 10, 31))
NOW = local(2025, 11, 20, 10, 0)  # the director looks at October three weeks later


def october(department=None) -> d.Period:
    return d.Period(*OCTOBER, department=department, now=NOW)


def member(client, plan, start, end, **extra) -> Membership:
    return cf.MembershipFactory(client=client, plan=plan, start_date=start, end_date=end, **extra)


def sale(client, department, amount, when, **extra) -> Sale:
    return sf.SaleFactory(
        client=client, department=department, unit_price=Decimal(amount), sold_at=when, **extra
    )


@pytest.fixture
def club(make_user):
    """A small club in October 2025 whose every number is worked out by hand in the tests.

    A  gym 1 Oct – 31 Dec                       active on 31 Oct
    B  gym 1 Sep – 30 Nov, frozen 25 Oct – 5 Nov  running but frozen: not active
    C  spa 15 Oct – 14 Nov                       active; ends in exactly 14 days
    D  gym 1 Oct – 31 Dec, cancelled              nothing
    E  gym 11 Sep – 10 Oct, then 24 Oct – 23 Nov  renewed on the 14th day after the end
    F  gym 6 Sep – 5 Oct, then 20 Oct – 19 Nov    the new card starts on the 15th day: no renewal
    G  gym 21 Sep – 20 Oct, nothing after          not renewed
    """
    fitness = stf.DepartmentFactory(name="Fitness", code="fitness")
    spa = stf.DepartmentFactory(name="SPA", code="spa")
    gym = cf.MembershipPlanFactory(name="Gym", category="gym")
    spa_plan = cf.MembershipPlanFactory(name="SPA visits", category="spa", department_code="spa")
    olena = make_user(roles.MANAGER, username="olena", first_name="Olena", last_name="Kovalenko")
    andrii = make_user(roles.MANAGER, username="andrii", first_name="Andrii", last_name="Bondarenko")
    c = {}
    for name, manager in zip("ABCDEFG", [olena] * 4 + [andrii] * 3):
        c[name] = cf.ClientFactory(first_name=f"Client {name}", last_name="Test", assigned_manager=manager)
    Client.objects.update(created_at=local(2024, 1, 10, 12, 0))
    Client.objects.filter(pk__in=[c["A"].pk, c["C"].pk, c["G"].pk]).update(created_at=local(2025, 10, 3, 12, 0))
    Client.objects.filter(pk=c["G"].pk).update(referred_by=c["A"])

    m = {
        "A": member(c["A"], gym, D(2025, 10, 1), D(2025, 12, 31)),
        "B": member(c["B"], gym, D(2025, 9, 1), D(2025, 11, 30)),
        "C": member(c["C"], spa_plan, D(2025, 10, 15), D(2025, 11, 14)),
        "D": member(c["D"], gym, D(2025, 10, 1), D(2025, 12, 31), status=Membership.Status.CANCELLED,
                    cancelled_on=D(2025, 10, 1)),
        "E1": member(c["E"], gym, D(2025, 9, 11), D(2025, 10, 10)),
        "E2": member(c["E"], gym, D(2025, 10, 24), D(2025, 11, 23)),
        "F1": member(c["F"], gym, D(2025, 9, 6), D(2025, 10, 5)),
        "F2": member(c["F"], gym, D(2025, 10, 20), D(2025, 11, 19)),
        "G": member(c["G"], gym, D(2025, 9, 21), D(2025, 10, 20)),
    }
    cf.FreezeFactory(membership=m["B"], start_date=D(2025, 10, 25), end_date=D(2025, 11, 5))

    # Visits in October against a membership: A 3 (the last at 23:30 on the 31st), C 2, E 1.
    for when in (local(2025, 10, 2, 9), local(2025, 10, 9, 9), local(2025, 10, 31, 23, 30)):
        cf.VisitFactory(client=c["A"], membership=m["A"], checked_in_at=when)
    cf.VisitFactory(client=c["A"], membership=m["A"], checked_in_at=local(2025, 11, 1, 0, 30))
    for day in (15, 16):
        cf.VisitFactory(client=c["C"], membership=m["C"], checked_in_at=local(2025, 10, day, 18))
    cf.VisitFactory(client=c["E"], membership=m["E2"], checked_in_at=local(2025, 10, 25, 8))
    cf.VisitFactory(client=c["G"], membership=None, checked_in_at=local(2025, 10, 15, 8))

    # The ledger: October fitness 1200 + 400 (500 − 100 discount) − 300 refund + 0 = 1300,
    # October SPA 700; just outside October in local time: 999 and 888.
    sale(c["A"], fitness, "1200.00", local(2025, 10, 1, 10))
    sale(c["B"], fitness, "500.00", local(2025, 10, 1, 0, 30), discount=Decimal("100.00"))
    sale(c["B"], fitness, "300.00", local(2025, 10, 12, 12), kind=Sale.Kind.REFUND, service=None)
    sale(c["E"], fitness, "500.00", local(2025, 10, 13, 12), discount=Decimal("500.00"))
    sale(c["C"], spa, "700.00", local(2025, 10, 20, 12))
    sale(c["A"], fitness, "999.00", local(2025, 9, 30, 23, 30))
    sale(c["A"], fitness, "888.00", local(2025, 11, 1, 0, 10))

    for outcome, manager in (("accepted", olena), ("declined", olena), ("pending", andrii)):
        sf.OfferFactory(client=c["A"], manager=manager, plan=gym, outcome=outcome, offered_at=local(2025, 10, 7, 12))
    sf.OfferFactory(client=c["A"], manager=olena, plan=gym, outcome="accepted", offered_at=local(2025, 9, 7, 12))

    # Survey answers in October: 10, 9, 9, 7, 3 → (3 promoters − 1 detractor) / 5 = 40.
    for client, score in (("A", 10), ("B", 9), ("C", 9), ("E", 7), ("F", 3)):
        stf.SurveyResponseFactory(client=c[client], score=score, answered_at=local(2025, 10, 18, 12))
    stf.SurveyResponseFactory(client=c["A"], score=0, answered_at=local(2025, 11, 2, 12))

    trainer = stf.StaffMemberFactory(department=fitness, first_name="Taras", last_name="Trainer",
                                     hired_on=D(2024, 1, 1))
    head = stf.StaffMemberFactory(department=fitness, first_name="Olha", last_name="Head",
                                  role=StaffMember.Role.MANAGER, is_head_of_department=True)
    therapist = stf.StaffMemberFactory(department=spa, first_name="Maria", last_name="Therapist",
                                       role=StaffMember.Role.MASSAGE_THERAPIST)
    stf.StaffMemberFactory(department=fitness, first_name="Gone", last_name="Away", is_active=False)
    late = stf.StaffMemberFactory(department=fitness, first_name="New", last_name="Comer", hired_on=D(2025, 11, 5))
    for staff_member, effective, salary, head_rate in (
        (trainer, D(2025, 1, 1), 20000, 0), (trainer, D(2025, 10, 15), 22000, 0),
        (trainer, D(2025, 11, 1), 25000, 0), (head, D(2025, 1, 1), 30000, 5000),
        (therapist, D(2025, 1, 1), 18000, 0), (late, D(2025, 11, 5), 15000, 0),
    ):
        stf.PayRateFactory(staff_member=staff_member, effective_from=effective,
                           monthly_salary=Decimal(salary), head_rate=Decimal(head_rate))
    for day, kind, amount in ((10, "consumables", 5000), (11, "equipment", 1000)):
        sf.DepartmentExpenseFactory(department=fitness, kind=kind, amount=Decimal(amount),
                                    incurred_on=D(2025, 10, day))
    sf.DepartmentExpenseFactory(department=fitness, kind="consumables", amount=Decimal(777),
                                incurred_on=D(2025, 11, 1))

    # Complaints (as of the end of October, 1 Nov 00:00): K1 open and overdue, K2 open for
    # 12 hours, K3 resolved in October, K4 resolved only in November (open and overdue then).
    def complaint(client, received, staff_member, resolved=None, rating=2):
        return stf.FeedbackFactory(
            client=client, staff_member=staff_member, kind=Feedback.Kind.COMPLAINT, rating=rating,
            received_at=received, text="Late again",
            status=Feedback.Status.RESOLVED if resolved else Feedback.Status.NEW,
            resolved_at=resolved, resolution="Apologised" if resolved else "",
        )

    complaint(c["B"], local(2025, 10, 5, 12), trainer)
    complaint(c["E"], local(2025, 10, 31, 12), trainer)
    complaint(c["A"], local(2025, 10, 10, 12), therapist, resolved=local(2025, 10, 12, 12))
    complaint(c["G"], local(2025, 10, 20, 12), trainer, resolved=local(2025, 11, 3, 12))
    complaint(c["A"], local(2025, 11, 2, 12), trainer)
    for when, rating in ((local(2025, 10, 8, 12), 5), (local(2025, 10, 9, 12), 5), (local(2025, 9, 9, 12), 4)):
        stf.FeedbackFactory(client=c["C"], staff_member=therapist, kind=Feedback.Kind.THANKS,
                            rating=rating, received_at=when)
    return {"c": c, "m": m, "fitness": fitness, "spa": spa, "olena": olena, "andrii": andrii,
            "trainer": trainer, "therapist": therapist}


# --- The period ----------------------------------------------------------------------------------
@pytest.mark.parametrize("start, end, months", [
    (D(2025, 11, 1), D(2025, 11, 20), 1), (D(2025, 10, 1), D(2025, 10, 31), 1),
    (D(2025, 10, 1), D(2025, 12, 31), 3), (D(2025, 10, 15), D(2025, 11, 14), 1),
    (D(2025, 10, 15), D(2025, 11, 15), 2), (D(2024, 11, 21), D(2025, 11, 20), 12),
    (D(2025, 1, 31), D(2025, 2, 27), 1), (D(2025, 10, 20), D(2025, 11, 5), 1),
])
def test_a_periods_months_are_calendar_months_rounded_up(start, end, months):
    assert d.Period(start, end).months == months


def test_a_whole_month_is_compared_with_the_whole_month_before():
    previous = october().previous()  # more cases: accompaniment/tests/dashboard/test_period.py
    assert (previous.start, previous.end) == (D(2025, 9, 1), D(2025, 9, 30))


def test_presets_run_up_to_today():
    today = D(2025, 11, 20)
    assert preset_dates("this_month", today) == (D(2025, 11, 1), today)
    assert preset_dates("last_month", today) == (D(2025, 10, 1), D(2025, 10, 31))
    assert preset_dates("this_quarter", today) == (D(2025, 10, 1), today)
    assert preset_dates("this_year", today) == (D(2025, 1, 1), today)
    assert preset_dates("last_12_months", today) == (D(2024, 11, 21), today)
    assert preset_dates("last_12_months", D(2024, 2, 29)) == (D(2023, 3, 1), D(2024, 2, 29))


# --- Each KPI ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_frozen_or_cancelled_member_is_not_active_and_two_cards_count_once(club):
    assert d.active_members(D(2025, 10, 31)) == 4  # A, C, E, F — not B (frozen) nor D (cancelled)
    assert d.active_members(D(2025, 10, 24)) == 5  # B is not frozen yet
    member(club["c"]["A"], Membership.objects.get(pk=club["m"]["A"].pk).plan, D(2025, 10, 1), D(2025, 10, 31))
    assert d.active_members(D(2025, 10, 31)) == 4
    assert d.active_members(D(2025, 10, 31), club["fitness"]) == 3
    assert d.active_members(D(2025, 10, 31), club["spa"]) == 1


@pytest.mark.django_db
def test_memberships_expiring_within_14_and_30_days(club):
    # On 31 Oct: C ends on 14 Nov (the 14th day counts); B, E2, F2 by 30 Nov; A in December.
    assert d.memberships_expiring(D(2025, 10, 31)) == {14: 1, 30: 4}


@pytest.mark.django_db
def test_a_renewal_on_the_14th_day_after_the_end_counts_and_on_the_15th_does_not(club):
    # Ended in October: E1 (renewed on the 14th day), F1 (15th day: no), G (nothing after).
    assert d.renewal_rate(october()) == {"ended": 3, "renewed": 1, "rate": Decimal("33.3")}
    assert d.renewal_rate(october(club["spa"])) == {"ended": 0, "renewed": 0, "rate": None}


@pytest.mark.django_db
def test_retention_keeps_frozen_members_and_loses_the_one_who_left(club):
    # Members on 1 Oct: A, B, E, F, G; on 31 Oct all but G (B is frozen but still a member).
    result = d.retention(october())
    assert (result["at_start"], result["kept"]) == (5, 4)
    assert (result["retention"], result["churn"]) == (Decimal("80.0"), Decimal("20.0"))


@pytest.mark.django_db
def test_visits_per_member_per_week_count_only_visits_inside_the_local_period(club):
    # 6 check-ins against a membership (23:30 on 31 Oct is in, 00:30 on 1 Nov is not, a visit
    # without a membership is not) ÷ 6 members ÷ 31/7 weeks.
    assert d.members_in_period(october()) == 6
    assert d.visits_per_member_per_week(october()) == Decimal("0.23")


@pytest.mark.django_db
def test_revenue_is_the_ledger_with_refunds_deducted_in_local_time(club):
    assert d.revenue(october()) == Decimal("2000.00")
    assert d.revenue(october(club["fitness"])) == Decimal("1300.00")  # 1200 + 400 − 300 + 0
    assert d.revenue(october(club["spa"])) == Decimal("700.00")
    assert d.revenue_per_member(october(), revenue_total=Decimal("2000.00"), members=6) == Decimal("333.33")


@pytest.mark.django_db
def test_a_zero_amount_sale_and_a_refund(club):
    zero = Sale.objects.get(discount=Decimal("500.00"))
    refund = Sale.objects.get(kind=Sale.Kind.REFUND)
    assert (zero.amount, refund.amount) == (Decimal("0.00"), Decimal("-300.00"))
    refund.delete()
    assert d.revenue(october()) == Decimal("2300.00")


@pytest.mark.django_db
def test_offers_and_their_conversion(club):
    assert d.offers(october()) == {"made": 3, "accepted": 1, "conversion": Decimal("33.3")}
    assert d.offers(october().previous()) == {"made": 1, "accepted": 1, "conversion": Decimal("100.0")}


@pytest.mark.django_db
def test_nps_is_promoters_minus_detractors_and_none_without_answers(club):
    assert d.nps(october()) == {"answers": 5, "promoters": 3, "detractors": 1, "score": 40}
    assert d.nps(october().previous())["score"] is None


@pytest.mark.django_db
def test_complaints_open_and_overdue_at_the_periods_end_and_thanks(club):
    assert d.feedback_counts(october()) == {"complaints_open": 3, "complaints_overdue": 2, "thanks": 2}
    assert d.feedback_counts(october().previous())["thanks"] == 1


@pytest.mark.django_db
def test_new_clients_and_referrals(club):
    assert d.new_clients_and_referrals(october()) == {"new_clients": 3, "referrals": 1}
    assert d.new_clients_and_referrals(october(club["spa"])) == {"new_clients": 1, "referrals": 0}


@pytest.mark.django_db
def test_the_kpis_put_the_previous_period_and_the_change_beside_each(club):
    rows = {row["key"]: row for row in d.kpis(october())}
    assert rows["revenue"]["value"] == Decimal("2000.00")
    assert rows["revenue"]["previous"] == Decimal("999.00")
    assert rows["revenue"]["change"] == Decimal("1001.00")
    assert rows["revenue"]["change_percent"] == Decimal("100.2")
    assert rows["revenue"]["trend"] == "good"
    assert rows["complaints_open"]["trend"] == "bad"  # more complaints than at the end of September
    assert rows["nps"]["previous"] is None and rows["nps"]["change"] is None
    assert rows["churn"]["value"] == Decimal("20.0")


@pytest.mark.django_db
def test_an_empty_period_gives_zeros_and_nothing_divides_by_zero(club):
    values = d.kpi_values(d.Period(D(2020, 1, 1), D(2020, 1, 31), now=NOW))
    for key in ("active_members", "new_clients", "expiring_14", "expiring_30", "offers_made",
                "offers_accepted", "complaints_open", "complaints_overdue", "thanks", "referrals"):
        assert values[key] == 0, key
    assert values["revenue"] == Decimal("0.00")
    for key in ("renewal_rate", "retention", "churn", "visits_per_member_week",
                "revenue_per_member", "offer_conversion", "nps"):
        assert values[key] is None, key


@pytest.mark.django_db
def test_an_empty_database_gives_a_dashboard_too():
    data = d.dashboard(d.Period(D(2025, 10, 1), D(2025, 10, 31), now=NOW))
    assert data["at_risk"] == {"rows": [], "total": 0, "by_manager": {}}
    assert data["series"]["revenue"]["totals"] == [Decimal("0.00")] * 12


# --- Series ----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_monthly_series_end_with_the_periods_month_in_local_time(club):
    series = d.series(october())
    revenue = series["revenue"]
    assert revenue["months"][0] == D(2024, 11, 1) and revenue["months"][-1] == D(2025, 10, 1)
    assert revenue["departments"] == ["Fitness", "SPA"]
    assert revenue["values"]["Fitness"][-2:] == [Decimal("999.00"), Decimal("1300.00")]
    assert revenue["values"]["SPA"][-1] == Decimal("700.00")
    assert revenue["totals"][-1] == d.revenue(october())
    assert series["active"]["values"][-2:] == [4, 4]  # 30 Sep: B, E, F, G; 31 Oct: A, C, E, F
    assert series["active"]["values"][-1] == d.active_members(D(2025, 10, 31))
    assert (series["renewal"]["ended"][-1], series["renewal"]["renewed"][-1]) == (3, 1)
    assert series["renewal"]["rates"][-1] == d.renewal_rate(october())["rate"]
    assert series["renewal"]["rates"][-2] is None
    assert (series["nps"]["answers"][-1], series["nps"]["scores"][-1]) == (5, 40)
    assert series["nps"]["scores"][0] is None


# --- Tables ----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_managers_table(club):
    rows = {user.username: user for user in d.managers_table(october())}
    olena, andrii = rows["olena"], rows["andrii"]
    assert (olena.clients, andrii.clients) == (4, 3)
    assert (olena.ended, olena.renewed, andrii.ended, andrii.renewed) == (0, 0, 3, 1)
    assert (olena.offers_made, olena.offers_accepted, andrii.offers_made) == (2, 1, 1)
    assert olena.revenue == Decimal("2000.00")  # A, B and C bought everything in October
    assert andrii.revenue == Decimal("0.00")  # E's sale was fully discounted
    assert (olena.complaints_open, olena.complaints_resolved) == (1, 1)  # B open; A resolved
    assert (andrii.complaints_open, andrii.complaints_resolved) == (2, 0)  # E and G open
    assert olena.at_risk + andrii.at_risk == d.at_risk_summary(october())["total"]
    # Renewals due within 30 days of 31 Oct without a later card: B, C (Olena), E2, F2 (Andrii).
    assert (olena.renewals_due, andrii.renewals_due) == (2, 2)


@pytest.mark.django_db
def test_the_departments_table_is_the_pay_reports_arithmetic(club):
    rows = {row.name: row for row in d.departments_table(october())}
    fitness = rows["Fitness"]
    # Salaries in force on 31 Oct: trainer 22,000 (not 20,000 nor November's 25,000) + head
    # 30,000 (the head rate is paid on top of the profit); not the one who left nor the newcomer.
    assert (fitness.turnover, fitness.consumables, fitness.salaries) == (
        Decimal("1300.00"), Decimal("5000.00"), Decimal("52000.00"))
    assert fitness.profit == Decimal("-55700.00")
    report = pay_report(month=D(2025, 10, 1), department=club["fitness"])
    assert (fitness.turnover, fitness.consumables, fitness.salaries, fitness.profit) == (
        report["turnover"], report["consumables"], report["salaries"], report["profit"])
    assert rows["SPA"].salaries == Decimal("18000.00")
    quarter = {row.name: row for row in d.departments_table(d.Period(D(2025, 8, 1), D(2025, 10, 31), now=NOW))}
    assert quarter["Fitness"].salaries == Decimal("156000.00")  # three months at October's rates
    assert [row.name for row in d.departments_table(october(club["spa"]))] == ["SPA"]


@pytest.mark.django_db
def test_the_staff_quality_summary(club):
    summary = d.staff_quality_summary(october())
    # Two staff members were rated: one is the best, the other the worst, nobody is both.
    assert [(m.full_name, m.rating) for m in summary["best_rated"]] == [("Maria Therapist", Decimal("4.00"))]
    assert [(m.full_name, m.rating) for m in summary["worst_rated"]] == [("Taras Trainer", Decimal("2.00"))]
    assert [(m.full_name, m.complaints) for m in summary["most_complaints"]] == [
        ("Taras Trainer", 3), ("Maria Therapist", 1)]
    assert [m.complaints for m in summary["fewest_complaints"]] == [0, 0]  # the head and the newcomer


@pytest.mark.django_db
def test_at_risk_clients_with_their_reasons_most_urgent_first(club):
    at_risk = d.at_risk_summary(october())
    assert at_risk["total"] == 5
    reasons = [(client.first_name, client.reasons) for client in at_risk["rows"]]
    assert reasons == [
        ("Client B", ["open_complaint"]),  # never visited
        ("Client G", ["open_complaint"]),  # last visit 15 Oct
        ("Client E", ["open_complaint"]),  # last visit 25 Oct
        ("Client F", ["low_nps"]),
        ("Client C", ["lapsed", "expiring"]),
    ]
    assert len(d.at_risk_summary(october(), limit=2)["rows"]) == 2
    assert d.at_risk_summary(october(), limit=2)["total"] == 5


@pytest.mark.django_db
@pytest.mark.parametrize("department", [None, "fitness", "spa"])
def test_the_at_risk_list_narrowed_to_some_clients_is_the_clubs_list_filtered(club, department):
    """The narrowing (a department, a manager's clients) is applied inside each reason's set: the
    rows, their order, reasons and total are the whole list's, filtered."""
    period = october(club[department] if department else None)
    whole = d.at_risk_summary(period)
    for username in ("olena", "andrii"):
        mine = Client.objects.filter(assigned_manager__username=username)
        narrowed = d.at_risk_summary(period, clients=mine, by_manager=False)
        expected = [(c.pk, c.reasons) for c in whole["rows"] if c.assigned_manager.username == username]
        assert [(c.pk, c.reasons) for c in narrowed["rows"]] == expected
        assert narrowed["total"] == whole["by_manager"].get(mine.first().assigned_manager_id, 0) == len(expected)
        assert narrowed["by_manager"] == {}


# --- The page --------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role, status", [
    (roles.DIRECTOR, 200), (roles.MANAGER, 403), (roles.SPECIALIST, 403), (roles.ADMINISTRATOR, 403),
])
def test_only_directors_open_the_dashboard(client, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get(reverse("dashboard")).status_code == status
    assert client.get(reverse("dashboard") + "?export=kpis").status_code == status


@pytest.mark.django_db
def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(reverse("dashboard") + "?export=managers")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_director_lands_on_the_dashboard(client, director):
    client.force_login(director)
    assert client.get(reverse("home")).url == reverse("dashboard")


def grow(n: int, managers):
    """n more clients with a bit of everything the dashboard reads."""
    fitness = stf.DepartmentFactory(name="Fitness", code="fitness")
    plan = cf.MembershipPlanFactory(name="Gym", category="gym")
    staff_member = stf.StaffMemberFactory(department=fitness)
    today = timezone.localdate()
    now = timezone.now()
    for i in range(n):
        client = cf.ClientFactory(assigned_manager=managers[i % len(managers)])
        first = member(client, plan, today - datetime.timedelta(days=60), today - datetime.timedelta(days=5))
        member(client, plan, today - datetime.timedelta(days=2), today + datetime.timedelta(days=10))
        cf.FreezeFactory(membership=first, start_date=first.start_date, end_date=first.start_date)
        cf.VisitFactory(client=client, membership=first, checked_in_at=now - datetime.timedelta(days=20))
        sale(client, fitness, "100.00", now - datetime.timedelta(days=1))
        sf.OfferFactory(client=client, manager=managers[0], plan=plan, offered_at=now - datetime.timedelta(hours=1))
        stf.FeedbackFactory(client=client, staff_member=staff_member, kind=Feedback.Kind.COMPLAINT,
                            received_at=now - datetime.timedelta(days=3))
        stf.SurveyResponseFactory(client=client, staff_member=staff_member, score=i % 11, answered_at=now)
        stf.PayRateFactory(staff_member=stf.StaffMemberFactory(department=fitness), effective_from=today.replace(day=1))
        sf.DepartmentExpenseFactory(department=fitness, kind="consumables", incurred_on=today)


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_page_runs_the_same_small_number_of_queries_whatever_the_data(client, director, make_user):
    managers = [make_user(roles.MANAGER), make_user(roles.MANAGER)]
    client.force_login(director)
    urls = [reverse("dashboard"), reverse("dashboard") + "?period=last_12_months&department=fitness"]
    grow(2, managers)
    small = [_page_queries(client, url) for url in urls]
    grow(15, managers + [make_user(roles.MANAGER)])
    stf.DepartmentFactory(name="Cosmetology", code="cosmetology")
    large = [_page_queries(client, url) for url in urls]
    assert small == large
    assert max(large) <= 45  # the KPIs twice (this period and the previous one), tables, series


@pytest.mark.django_db
def test_the_page_shows_each_kpi_with_the_previous_period(client, director, club):
    client.force_login(director)
    response = client.get(reverse("dashboard") + "?period=custom&start=2025-10-01&end=2025-10-31")
    assert response.status_code == 200
    cards = {card["key"]: card for card in response.context["cards"]}
    assert set(cards) == {key for key, *_ in d.KPIS}
    assert response.context["period"].start == D(2025, 10, 1)
    assert cards["nps"]["value"] == 40 and cards["referrals"]["value"] == 1
    html = response.content.decode()
    assert 'data-testid="kpi-revenue"' in html
    assert display(Decimal("2000.00"), "money") in html
    assert 'id="dashboard-data"' in html and "js/dashboard.js" in html
    assert reverse("client-card", args=[club["c"]["C"].pk]) in html
    # The monthly numbers of each chart are on the page as a table too.
    for name in ("revenue", "active_members", "renewals", "nps"):
        assert f'data-testid="table-{name}"' in html


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
@pytest.mark.parametrize("export", ["kpis", "managers", "departments", "at_risk", "revenue", "staff",
                                    "active_members", "renewals", "nps"])
def test_each_csv_export_has_the_numbers_of_the_page(client, director, club, export):
    client.force_login(director)
    query = "?period=custom&start=2025-10-01&end=2025-10-31"
    page = client.get(reverse("dashboard") + query)
    exported = _csv(client.get(reverse("dashboard") + query + f"&export={export}"))
    table = page.context["tables"][export]
    assert exported == table.csv_rows()
    assert len(exported) == len(table.rows) + 1
    html = page.content.decode()
    for row in table.rows:
        for cell in row.cells:
            assert str(cell.display) in html or cell.kind == "reasons"


@pytest.mark.django_db
def test_the_csv_numbers_are_the_selectors_numbers(client, director, club):
    client.force_login(director)
    query = "?period=custom&start=2025-10-01&end=2025-10-31"
    kpis = {row[0]: row[1:] for row in _csv(client.get(reverse("dashboard") + query + "&export=kpis"))}
    assert kpis["Revenue"][:2] == ["2000.00", "999.00"]
    assert kpis["Renewal rate"][0] == "33.3"
    assert kpis["NPS"][:2] == ["40", ""]
    departments = {row[0]: row[1:] for row in _csv(client.get(reverse("dashboard") + query + "&export=departments"))}
    assert departments["Fitness"] == ["1300.00", "5000.00", "52000.00", "-55700.00"]
    fitness_only = _csv(client.get(reverse("dashboard") + query + "&department=fitness&export=revenue"))
    assert fitness_only[0] == ["Month", "Fitness, UAH", "Total, UAH"]  # amounts name the currency
    assert fitness_only[-1] == ["Oct 2025", "1300.00", "1300.00"]


@pytest.mark.django_db
def test_a_csv_cell_that_a_spreadsheet_would_run_is_defused(client, director, club):
    Client.objects.filter(pk=club["c"]["B"].pk).update(first_name="=HYPERLINK(\"http://x\")", last_name="")
    client.force_login(director)
    rows = _csv(client.get(reverse("dashboard") + "?period=custom&start=2025-10-01&end=2025-10-31&export=at_risk"))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert [defuse(text) for text in ("+1", "-x", "@a", "ok")] == ["'+1", "'-x", "'@a", "ok"]
    departments = _csv(client.get(reverse("dashboard") + "?period=custom&start=2025-10-01&end=2025-10-31&export=departments"))
    assert departments[1][-1] == "-55700.00"  # a negative number stays a number


@pytest.mark.django_db
@pytest.mark.parametrize("query, message", [
    ("period=custom&start=2025-10-31&end=2025-10-01", "The end of the period cannot be before its start."),
    ("period=custom&start=2025-13-45&end=2025-10-01", "Enter a valid date."),
    ("period=custom&start=0001-01-01&end=0001-01-02", "Choose dates between"),
    ("period=custom&start=2025-10-01", "Enter both the first and the last day of the period."),
    ("start=2000-01-01&end=2099-12-31", "Choose a period of at most ten years."),
    ("period=next_century", "Select a valid choice."),
    ("department=nowhere", "Select a valid choice."),
])
def test_a_bad_period_shows_an_error_and_this_month(client, director, query, message):
    client.force_login(director)
    response = client.get(reverse("dashboard") + "?" + query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["period"].start == timezone.localdate().replace(day=1)
    assert response.context["export_query"] == ""
    export = client.get(reverse("dashboard") + "?" + query + "&export=kpis")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_unknown_export_is_not_found(client, director):
    client.force_login(director)
    assert client.get(reverse("dashboard") + "?export=passwords").status_code == 404


@pytest.mark.django_db
def test_the_department_filter_narrows_the_page(client, director, club):
    client.force_login(director)
    response = client.get(reverse("dashboard") + "?period=custom&start=2025-10-01&end=2025-10-31&department=spa")
    cards = {card["key"]: card for card in response.context["cards"]}
    assert cards["revenue"]["value"] == Decimal("700.00")
    assert [row.cells[0].value for row in response.context["tables"]["departments"].rows] == ["SPA"]


# --- In a browser ------------------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_director_sees_the_charts_drawn(browser_page, make_user):
    from conftest import log_in, screenshot

    make_user(roles.DIRECTOR, username="halyna", first_name="Halyna", last_name="Petrenko")
    manager = make_user(roles.MANAGER, username="olena", first_name="Olena", last_name="Kovalenko")
    grow(6, [manager])
    page = browser_page
    log_in(page, "halyna")
    assert page.url.endswith("/dashboard/")
    page.wait_for_function("() => window.dashboardCharts && window.dashboardCharts.length === 4")
    expect(page.get_by_role("heading", name="Club dashboard")).to_be_visible()
    expect(page.get_by_test_id("kpi-active_members")).to_be_visible()
    expect(page.get_by_role("heading", name="Revenue by month")).to_be_visible()
    screenshot(page, "20-dashboard")
    page.get_by_label("Period").select_option("last_12_months")
    page.get_by_role("button", name="Show").click()
    page.wait_for_function("() => window.dashboardCharts && window.dashboardCharts.length === 4")
    assert "Last 12 months" in page.get_by_test_id("period").inner_text()
    page.get_by_label("From", exact=True).fill("2025-10-31")
    page.get_by_label("To", exact=True).fill("2025-10-01")
    page.get_by_label("To", exact=True).dispatch_event("change")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The end of the period cannot be before its start.")).to_be_visible()
    assert page.js_errors == []


@pytest.mark.django_db
@pytest.mark.dashboard_cache
def test_the_figures_are_kept_in_the_cache_until_refreshed_and_the_csv_reads_the_same(client, director, club):
    """Seen again within DASHBOARD_CACHE_SECONDS, the page and its exports show the figures it
    computed first (with when), in a handful of queries; *Refresh* computes them anew."""
    query = reverse("dashboard") + "?period=custom&start=2025-10-01&end=2025-10-31"
    client.force_login(director)
    client.get(query + "&refresh=1")  # a fresh entry whatever an earlier run left in the cache
    first = client.get(query)
    assert first.context["kpis"][1]["key"] == "new_clients"
    before = first.context["kpis"][1]["value"]
    newcomer = cf.ClientFactory()
    Client.objects.filter(pk=newcomer.pk).update(created_at=local(2025, 10, 20))  # joined in October

    with CaptureQueriesContext(connection) as queries:
        again = client.get(query)
    assert again.context["kpis"][1]["value"] == before
    assert again.context["computed_at"] == first.context["computed_at"]
    assert len(queries) < 10  # session, user, roles, departments of the form: no figure is recomputed
    exported = {row[0]: row[1] for row in _csv(client.get(query + "&export=kpis"))}
    assert exported["New clients"] == str(before)

    refreshed = client.get(query + "&refresh=1")
    assert refreshed.context["kpis"][1]["value"] == before + 1
    assert refreshed.context["computed_at"] > first.context["computed_at"]
    assert "refresh=1" not in refreshed.context["export_query"]
    assert 'data-testid="computed-at"' in refreshed.content.decode()


def test_the_readme_lists_the_definitions_written_in_the_code():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- kpi-definitions:start -->\n")[1].split("<!-- kpi-definitions:end -->")[0]
    assert block == d.definitions_markdown(), "run `manage.py kpi_definitions` and paste it into the README"
    defined = {key for _label, _function, keys in d.DEFINED_BY for key in keys}
    assert defined == {key for key, *_rest in d.KPIS}  # every headline number has its definition
