"""How the dashboard writes its amounts (``accompaniment.dashboard.report``): every amount with
the club's currency — the cards beside their number, the tables in each column's head, the CSV
too — in the language's way of writing numbers."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf
from sales.tests import factories as sf
from staff.tests import factories as stf

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31"}


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def ledger(db):
    fitness = stf.DepartmentFactory(name="Fitness", code="fitness")
    client = cf.ClientFactory()
    sf.SaleFactory(client=client, department=fitness, unit_price=Decimal("999.00"), sold_at=local(2025, 9, 12, 12))
    sf.SaleFactory(client=client, department=fitness, unit_price=Decimal("2000.00"), sold_at=local(2025, 10, 12, 12))


def card(html: str, key: str) -> str:
    return html.split(f'data-testid="kpi-{key}"')[1].split('class="card shadow-sm h-100"', 1)[0]


@pytest.mark.parametrize("language, value, previous, change", [
    ("en", "2,000.00 UAH", "999.00 UAH", "+1,001.00 UAH"),
    ("ru", "2\xa0000,00 UAH", "999,00 UAH", "+1\xa0001,00 UAH"),
    ("uk", "2\xa0000,00 UAH", "999,00 UAH", "+1\xa0001,00 UAH"),
])
def test_the_revenue_card_carries_the_currency_with_the_previous_value_and_the_change(
    client, director, ledger, language, value, previous, change
):
    client.force_login(director)
    client.post(reverse("set_language"), {"language": language, "next": reverse("home")})
    revenue = card(client.get(reverse("dashboard"), OCTOBER).content.decode(), "revenue")
    assert f'data-testid="kpi-value">{value}<' in revenue
    assert f'data-testid="kpi-previous">{previous}<' in revenue
    assert change in revenue


@override_settings(CURRENCY="EUR")
def test_the_columns_of_amounts_name_the_currency_on_the_page_and_in_the_csv(client, director, ledger):
    client.force_login(director)
    page = client.get(reverse("dashboard"), OCTOBER)
    assert "2,000.00 EUR" in card(page.content.decode(), "revenue")
    departments = page.context["tables"]["departments"]
    assert [str(column) for column in departments.columns] == [
        "Department", "Turnover, EUR", "Consumables, EUR", "Salaries, EUR", "Profit, EUR"]
    assert departments.rows[0].cells[1].display == "2,000.00"  # its column names the currency
    assert "Revenue from their clients, EUR" in [str(c) for c in page.context["tables"]["managers"].columns]
    exported = list(csv.reader(io.StringIO(
        client.get(reverse("dashboard"), {**OCTOBER, "export": "revenue"}).content.decode())))
    assert exported[0] == ["Month", "Fitness, EUR", "Total, EUR"]
    assert exported[-1] == ["Oct 2025", "2000.00", "2000.00"]  # numbers stay numbers


def test_a_grouped_table_shows_each_group_as_a_heading_and_the_csv_keeps_the_column():
    from accompaniment.dashboard.report import Cell, Row, Table

    table = Table("staff", "Staff quality", ["List", "Staff member", "Complaints"], [
        Row([Cell("Best rated"), Cell("Anna"), Cell(0, "count")], group="Best rated"),
        Row([Cell("Best rated"), Cell("Boris"), Cell(1, "count")], group="Best rated"),
        Row([Cell("Most complaints"), Cell("Vira"), Cell(4, "count")], group="Most complaints"),
    ], numeric=[False, False, True])

    assert [label for label, _ in table.header] == ["Staff member", "Complaints"]
    assert [(heading, [c.display for c in cells]) for heading, cells in table.page_rows] == [
        ("Best rated", ["Anna", "0"]), ("", ["Boris", "1"]), ("Most complaints", ["Vira", "4"])]
    assert table.csv_rows()[0] == ["List", "Staff member", "Complaints"]
    assert table.csv_rows()[3] == ["Most complaints", "Vira", "4"]


def test_an_ungrouped_table_is_shown_as_it_is():
    from accompaniment.dashboard.report import Cell, Row, Table

    table = Table("t", "T", ["Month", "Sales"], [Row([Cell("Jan"), Cell(3, "count")])], numeric=[False, True])
    assert [label for label, _ in table.header] == ["Month", "Sales"]
    assert [(h, [c.display for c in cells]) for h, cells in table.page_rows] == [("", ["Jan", "3"])]


def test_the_page_writes_each_row_of_a_table_escaped_with_its_links_badges_and_group_headings():
    from accompaniment.dashboard.report import Cell, Row, Table, at_risk_reason_label

    lapsed = at_risk_reason_label("lapsed")  # "Lapsed: no visit for 14 days", by the setting
    table = Table("at_risk", "At risk", ["List", "Client", "Visits", "Reasons"], [
        Row([Cell("Best"), Cell("<b>Anna</b> & Co", url="/clients/1/?a=1&b=2"), Cell(1234, "count"),
             Cell(["lapsed", "open_complaint"], "reasons")], group="Best"),
        Row([Cell("Best"), Cell("Boris"), Cell(None, "count"), Cell([], "reasons")], group="Best"),
    ], numeric=[False, False, True, False])

    assert table.body_html() == (
        '<tr class="table-group"><th scope="rowgroup" colspan="3" class="table-secondary fw-semibold">Best</th></tr>\n'
        '<tr><td class=""><a href="/clients/1/?a=1&amp;b=2">&lt;b&gt;Anna&lt;/b&gt; &amp; Co</a></td>'
        '<td class="text-end text-nowrap">1,234</td>'
        '<td class=""><span class="badge bg-warning-subtle text-warning-emphasis me-1">' + lapsed + '</span>'
        '<span class="badge bg-warning-subtle text-warning-emphasis me-1">Open complaint</span></td></tr>\n'
        '<tr><td class="">Boris</td><td class="text-end text-nowrap">—</td><td class=""></td></tr>'
    )


@pytest.mark.parametrize("language, nothing", [
    ("en", "Nothing to show for this period."),
    ("ru", "За этот период данных нет."),
    ("uk", "За цей період даних немає."),
])
def test_an_empty_table_says_so_across_its_columns_in_the_readers_language(language, nothing):
    from django.utils import translation

    from accompaniment.dashboard.report import Table

    table = Table("nps", "NPS", ["Month", "Answers", "NPS"], [], numeric=[False, True, True])
    with translation.override(language):
        assert table.body_html() == f'<tr><td colspan="3" class="text-body-secondary">{nothing}</td></tr>'
