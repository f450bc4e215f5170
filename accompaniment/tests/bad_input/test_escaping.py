"""Issue 8, bad input tried on purpose: markup, script and SQL typed into the product are stored
as plain text and shown escaped wherever they appear (the card, the list, Today, the dashboard,
the e-mails), and a CSV cell that a spreadsheet would run as a formula is defused."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Notification
from clients.tests import factories as cf
from programs.tests import factories as pf
from sales.tests import factories as sf
from staff.models import Feedback
from staff.tests import factories as stf
from staff.vocabulary import FEEDBACK_RESOLVED

from accompaniment.tests.bad_input import IMG, JS_URL, SCRIPT, SQL, SQL_OR, TODAY, assert_escaped, club, club_once

pytestmark = pytest.mark.django_db

BREAKOUT = "</script><script>alert(1)</script>"  # closes a <script> block a page may embed data in


@pytest.fixture
def hostile(club):
    """The owner's client, named and described with markup, at risk and expiring, with a task
    due today, an open complaint and a recommendation: on every page the manager opens."""
    client = club.mine.client
    Client.objects.filter(pk=client.pk).update(
        first_name=SCRIPT, last_name=IMG, middle_name=SQL, notes=JS_URL, goals=SQL_OR,
        needs=IMG, health_notes=SCRIPT, address=JS_URL,
    )
    client.refresh_from_db()
    membership = club.mine.membership
    membership.start_date = TODAY - datetime.timedelta(days=25)
    membership.end_date = TODAY + datetime.timedelta(days=3)
    membership.card_number = '<b>C1</b>'
    membership.save()
    club.mine.task.title = SCRIPT
    club.mine.task.due_date = TODAY
    club.mine.task.save()
    Feedback.objects.filter(pk=club.mine.complaint.pk).update(text=IMG)
    club.mine.recommendation.reason = SCRIPT
    club.mine.recommendation.save()
    cf.InteractionFactory(client=client, manager=club.owner, summary=SCRIPT, outcome=IMG)
    cf.MeasurementFactory(client=client, notes=SCRIPT)
    program = club.mine.program
    program.name, program.goal = SCRIPT, IMG
    program.save()
    return client


def opened(browser, user, url):
    browser.force_login(user)
    response = browser.get(url)
    assert response.status_code == 200
    return response


def page(browser, user, url) -> str:
    return opened(browser, user, url).content.decode()


def test_the_client_card_shows_markup_as_text(client, club, hostile):
    html = page(client, club.owner, reverse("client-card", args=[hostile.pk]))
    assert_escaped(html, SCRIPT, IMG, SQL, SQL_OR, "<b>C1</b>")
    assert 'href="javascript:' not in html


def test_the_client_list_and_its_search_show_markup_as_text(client, club, hostile):
    html = page(client, club.owner, reverse("clients:list") + "?q=" + "script")
    assert_escaped(html, SCRIPT, IMG)
    html = page(client, club.owner, reverse("clients:list") + "?q=%3Cscript%3E")  # the query itself
    assert "<script>alert" not in html


def test_today_shows_markup_in_every_section_as_text(client, club, hostile):
    response = opened(client, club.owner, reverse("home"))
    assert_escaped(response.content.decode(), SCRIPT, IMG)
    for section in ("complaints", "expiring", "tasks"):  # the client is really on the agenda
        assert response.context[section]["count"] >= 1


def test_the_dashboards_at_risk_table_shows_markup_as_text(client, club, hostile):
    response = opened(client, club.director, reverse("dashboard"))
    assert hostile.full_name in [row.cells[0].value for row in response.context["tables"]["at_risk"].rows]
    assert_escaped(response.content.decode(), SCRIPT, IMG)


def test_forms_pages_and_messages_show_a_hostile_name_as_text(client, club, hostile):
    for url in [
        reverse("clients:edit", args=[hostile.pk]),
        reverse("sales:membership-sell", args=[hostile.pk]),
        reverse("clients:task-create", args=[hostile.pk]),
        reverse("programs:create", args=[hostile.pk]),
        reverse("programs:detail", args=[club.mine.program.pk]),
        reverse("programs:print", args=[club.mine.program.pk]),
        reverse("staff:feedback", args=[club.mine.complaint.pk]),
        reverse("sales:decide", args=[club.mine.recommendation.pk]),
        reverse("sales:offer-create", args=[hostile.pk]),
    ]:
        html = page(client, club.owner, url)
        assert SCRIPT not in html and IMG not in html, url
    response = client.post(reverse("clients:check-in", args=[hostile.pk]), follow=True)
    assert_escaped(response.content.decode(), SCRIPT)  # "<name> checked in."


def test_a_specialist_sees_a_hostile_name_as_text_on_their_sessions(client, club, hostile):
    html = page(client, club.specialist_user, reverse("programs:my-sessions"))
    assert_escaped(html, SCRIPT)


def test_a_duplicate_phone_message_links_to_the_card_with_the_name_escaped(client, club, hostile):
    client.force_login(club.owner)
    data = {"first_name": "Oksana", "phone": str(hostile.phone), "language": "uk", "source": "walk_in",
            "preferred_channel": "sms"}
    html = client.post(reverse("clients:create"), data).content.decode()
    assert reverse("client-card", args=[hostile.pk]) in html
    assert_escaped(html, SCRIPT)


def test_a_client_typed_with_markup_is_stored_as_typed_and_welcomed_as_text(client, club):
    client.force_login(club.owner)
    data = {"first_name": SCRIPT, "last_name": IMG, "email": "x@example.com", "language": "uk",
            "source": "walk_in", "preferred_channel": "email", "notes": JS_URL}
    response = client.post(reverse("clients:create"), data, follow=True)
    stored = Client.objects.get(email="x@example.com")
    assert (stored.first_name, stored.last_name, stored.notes) == (SCRIPT, IMG, JS_URL)
    assert_escaped(response.content.decode(), SCRIPT, IMG)


def test_data_embedded_for_charts_cannot_close_the_script_block(client, club):
    stf.CompetencyAssessmentFactory(candidate_name=BREAKOUT, position="Manager")
    html = page(client, club.director, reverse("staff:assessment-compare") + "?position=Manager")
    assert BREAKOUT not in html and "\\u003C/script\\u003E" in html


def test_the_staff_member_page_shows_feedback_markup_as_text(client, club, hostile):
    html = page(client, club.director, reverse("staff-member", args=[club.specialist.pk]))
    assert_escaped(html, IMG)


def test_a_promotion_named_with_markup_is_listed_as_text(client, club):
    sf.PromotionFactory(name=SCRIPT, starts_on=TODAY, ends_on=TODAY)
    html = page(client, club.owner, reverse("sales:promotions"))
    assert_escaped(html, SCRIPT)


def test_a_resolution_with_markup_reaches_the_client_escaped_in_the_html_e_mail(client, club, hostile):
    Client.objects.filter(pk=hostile.pk).update(first_name="Iryna")
    client.force_login(club.owner)
    client.post(reverse("staff:feedback-resolve", args=[club.mine.complaint.pk]), {"resolution": SCRIPT + IMG})
    message = Notification.objects.get(kind=FEEDBACK_RESOLVED)
    assert_escaped(message.body_html, SCRIPT, IMG)
    assert SCRIPT in message.body  # the plain-text part carries the text as typed


# --- CSV exports -------------------------------------------------------------------------------
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def assert_no_cell_runs(rows: list[list[str]]) -> None:
    """No text cell starts with what makes a spreadsheet run it (numbers may be negative)."""
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only a number may start so


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_client_named_like_a_formula_is_defused_in_the_at_risk_csv(client, club, formula):
    at_risk = cf.ClientFactory(first_name=formula, last_name="", assigned_manager=club.owner)
    cf.MembershipFactory(client=at_risk, start_date=TODAY - datetime.timedelta(days=20),
                         end_date=TODAY + datetime.timedelta(days=20))
    club.owner.first_name, club.owner.last_name = formula, ""
    club.owner.save()
    client.force_login(club.director)
    rows = csv_rows(client.get(reverse("dashboard"), {"export": "at_risk"}))
    assert "'" + formula in [row[0] for row in rows]  # the client's name, defused
    assert "'" + formula.strip() in [row[1] for row in rows]  # the manager's (stripped) name
    assert_no_cell_runs(rows)


def test_a_staff_member_named_like_a_formula_cannot_start_a_cell_of_the_pay_csv(client, club):
    from staff.tests.factories import PayRateFactory

    member = stf.StaffMemberFactory(first_name="=1+1", last_name="", department=club.department,
                                    is_head_of_department=True)
    PayRateFactory(staff_member=member, effective_from=datetime.date(2020, 1, 1))
    client.force_login(club.director)
    month = timezone.localdate().strftime("%Y-%m")
    rows = csv_rows(client.get(reverse("sales:pay"), {"month": month, "department": "fitness", "export": "csv"}))
    assert sum("=1+1" in row[0] for row in rows) == 2  # their salary line and the head-of-block line
    assert_no_cell_runs(rows)


def test_a_department_named_like_a_formula_is_defused_in_the_departments_csv(client, club):
    club.department.name = "=cmd|'/C calc'!A0"
    club.department.save()
    sf.SaleFactory(client=club.mine.client, department=club.department)
    client.force_login(club.director)
    rows = csv_rows(client.get(reverse("dashboard"), {"export": "departments"}))
    assert ["'" + club.department.name] == [row[0] for row in rows[1:] if "calc" in row[0]]
    assert_no_cell_runs(rows)


def test_numbers_in_a_csv_stay_numbers(client, club):
    """Defusing is for text: a negative amount keeps its minus sign."""
    from accompaniment.dashboard.report import Cell

    assert Cell(-5, "money").csv_value() == "-5"
    assert Cell("-5").csv_value() == "'-5"


def test_sql_typed_into_a_name_is_stored_and_shown_and_the_table_survives(client, club):
    program = pf.ProgramFactory(client=club.mine.client, name=SQL, manager=club.owner)
    html = page(client, club.owner, reverse("programs:detail", args=[program.pk]))
    assert_escaped(html, SQL)
    assert Client.objects.count() == 2
