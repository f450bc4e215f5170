"""The dashboard's tables as the page and the CSV show them.

A table is built once from a selector's result and rendered either as HTML or as CSV, so that
the page and an export can never disagree (the idea of django-oscar's reports: a period + a
query + formatters).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from clients import rules
from core.templatetags.crm import money

from .at_risk import at_risk_reason_label
from .period import Period
from .tables import RENEWALS_DUE_DAYS


# --- Tables: one definition for the page and the CSV --------------------------------------------
def display(value, kind: str = "text", signed: bool = False) -> str:
    """A value as the page shows it (localized, grouped thousands, an amount with the club's
    currency: ``core``'s ``money`` filter); "—" for nothing."""
    if value is None or value == "":
        return "—"
    if kind == "date":
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date()
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if kind in ("money", "amount"):  # an amount in a column that names the currency: without it
        return ("+" if signed and value > 0 else "") + money(value, "yes" if kind == "money" else "no")
    places = {"count": 0, "score": 0, "decimal": 2, "percent": 1, "relative": 1}.get(kind)
    if places is None:
        return str(value)
    text = formats.number_format(value, places, use_l10n=True, force_grouping=kind == "count")
    if signed and value > 0:
        text = "+" + text
    if kind == "percent" and signed:  # a change of a percentage: in percentage points
        return _("%(value)s pp") % {"value": text}
    if kind in ("percent", "relative"):
        return _("%(value)s %%") % {"value": text}
    return text


@dataclasses.dataclass
class Cell:
    value: object
    # text, count, money (with the currency), amount (money in a column whose head names the
    # currency: ``in_currency``), percent, relative, decimal, score, date, reasons
    kind: str = "text"
    url: str | None = None
    signed: bool = False
    numeric: bool = False

    @property
    def display(self) -> str:
        return display(self.value, self.kind, self.signed)

    @property
    def labels(self) -> list[str]:
        return [at_risk_reason_label(reason) for reason in self.value or []]

    def html(self) -> str:
        """The cell as the page's table shows it: a link, the reasons' badges or the value."""
        if self.url:
            inner = f'<a href="{escape(self.url)}">{escape(self.display)}</a>'
        elif self.kind == "reasons":
            inner = "".join(
                f'<span class="badge bg-warning-subtle text-warning-emphasis me-1">{escape(label)}</span>'
                for label in self.labels
            )
        else:
            inner = escape(self.display)
        return f'<td class="{"text-end text-nowrap" if self.numeric else ""}">{inner}</td>'

    def csv_value(self) -> str:
        if self.value is None:
            return ""
        if self.kind == "reasons":
            return defuse("; ".join(str(label) for label in self.labels))
        if isinstance(self.value, datetime.datetime):
            return timezone.localtime(self.value).date().isoformat()
        if isinstance(self.value, datetime.date):
            return self.value.isoformat()
        if isinstance(self.value, (int, Decimal, float)) and not isinstance(self.value, bool):
            return str(self.value)
        return defuse(str(self.value))


def defuse(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclasses.dataclass
class Row:
    cells: list[Cell]
    group: str = ""


@dataclasses.dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[Row]
    numeric: list[bool]  # per column: right-aligned numbers

    def __post_init__(self):
        for row in self.rows:
            for cell, numeric in zip(row.cells, self.numeric):
                cell.numeric = numeric

    @property
    def grouped(self) -> bool:
        """Rows in groups named by their first column (the staff's lists): the page shows each
        group as a heading row above its rows instead of a column repeated on every row, so the
        table fits a phone and a long language; the CSV keeps the column."""
        return any(row.group for row in self.rows)

    @property
    def header(self):
        pairs = list(zip(self.columns, self.numeric))
        return pairs[1:] if self.grouped else pairs

    @property
    def page_rows(self) -> list[tuple[str, list[Cell]]]:
        """(the group's heading where a group starts, else "", the cells) per row, as the page
        shows them."""
        shown, previous = [], None
        for row in self.rows:
            heading = row.group if self.grouped and row.group != previous else ""
            previous = row.group
            shown.append((heading, row.cells[1:] if self.grouped else row.cells))
        return shown

    def body_html(self) -> SafeString:
        """The rows of the page's table (``page_rows``), each group's heading above its rows:
        written here rather than by the template, whose loop looked up a dozen variables per
        cell — a third of the dashboard's Python at 50 at-risk rows."""
        width = len(self.header)
        if not self.rows:
            nothing = escape(_("Nothing to show for this period."))
            return mark_safe(f'<tr><td colspan="{width}" class="text-body-secondary">{nothing}</td></tr>')
        lines = []
        for heading, cells in self.page_rows:
            if heading:
                lines.append(f'<tr class="table-group"><th scope="rowgroup" colspan="{width}" '
                             f'class="table-secondary fw-semibold">{escape(heading)}</th></tr>')
            lines.append("<tr>" + "".join(cell.html() for cell in cells) + "</tr>")
        return mark_safe("\n".join(lines))

    def csv_rows(self) -> list[list[str]]:
        return [[defuse(str(c)) for c in self.columns]] + [
            [cell.csv_value() for cell in row.cells] for row in self.rows
        ]


def month_label(day: datetime.date) -> str:
    return formats.date_format(day, "M Y")


def in_currency(label) -> str:
    """A column of amounts names the club's currency in its head: "Turnover, UAH"."""
    return format_lazy("{}, {}", label, settings.CURRENCY)


def date_range(period: Period) -> str:
    return "{} – {}".format(
        formats.date_format(period.start, "SHORT_DATE_FORMAT"), formats.date_format(period.end, "SHORT_DATE_FORMAT")
    )


def kpi_table(data: dict) -> Table:
    """The headline numbers, the period's and the one it is compared with, each column headed by
    its dates ("Same days last month, 01.11.2025 – 07.11.2025")."""
    period, previous, rows = data["period"], data["previous"], data["kpis"]
    return Table(
        "kpis", _("Headline numbers"),
        [
            _("Indicator"),
            format_lazy("{}, {}", _("This period"), date_range(period)),
            format_lazy("{}, {}", period.comparison_label(), date_range(previous)),
            _("Change"), _("Change, %"),
        ],
        [
            Row([
                Cell(row["label"]),
                Cell(row["value"], row["kind"]),
                Cell(row["previous"], row["kind"]),
                Cell(row["change"], row["kind"], signed=True),
                Cell(row["change_percent"], "relative", signed=True),
            ])
            for row in rows
        ],
        numeric=[False, True, True, True, True],
    )


def managers_table(managers) -> Table:
    return Table(
        "managers", _("Accompaniment managers"),
        [
            _("Manager"), _("Clients"), _("At risk"),
            ngettext("Renewals due in %(days)d day", "Renewals due in %(days)d days", RENEWALS_DUE_DAYS)
            % {"days": RENEWALS_DUE_DAYS},
            _("Ended in the period"), _("Renewed"), _("Offers made"), _("Offers accepted"),
            in_currency(_("Revenue from their clients")), _("Open complaints"), _("Resolved complaints"),
        ],
        [
            Row([
                Cell(user.get_full_name() or user.get_username()),
                Cell(user.clients, "count"), Cell(user.at_risk, "count"),
                Cell(user.renewals_due, "count"), Cell(user.ended, "count"),
                Cell(user.renewed, "count"), Cell(user.offers_made, "count"),
                Cell(user.offers_accepted, "count"), Cell(user.revenue, "amount"),
                Cell(user.complaints_open, "count"), Cell(user.complaints_resolved, "count"),
            ])
            for user in managers
        ],
        numeric=[False] + [True] * 10,
    )


def departments_table(rows) -> Table:
    return Table(
        "departments", _("Departments"),
        [_("Department")] + [in_currency(label) for label in (
            _("Turnover"), _("Consumables"), _("Salaries"), _("Profit"),
        )],
        [
            Row([
                Cell(row.name), Cell(row.turnover, "amount"), Cell(row.consumables, "amount"),
                Cell(row.salaries, "amount"), Cell(row.profit, "amount"),
            ])
            for row in rows
        ],
        numeric=[False, True, True, True, True],
    )


def staff_table(summary: dict) -> Table:
    groups = [
        ("best_rated", _("Best rated")), ("worst_rated", _("Lowest rated")),
        ("most_complaints", _("Most complaints")), ("fewest_complaints", _("Fewest complaints")),
    ]
    return Table(
        "staff", _("Staff quality"),
        [_("List"), _("Staff member"), _("Department"), _("Average rating"), _("Complaints"), pgettext_lazy("how many", "Thanks")],
        [
            Row(
                [
                    Cell(label), Cell(member.full_name, url=reverse("staff-member", args=[member.pk])),
                    Cell(member.department.name if member.department else ""),
                    Cell(member.rating, "decimal"), Cell(member.complaints, "count"),
                    Cell(member.thanks, "count"),
                ],
                group=str(label),
            )
            for key, label in groups
            for member in summary[key]
        ],
        numeric=[False, False, False, True, True, True],
    )


def at_risk_table(at_risk: dict) -> Table:
    return Table(
        "at_risk", _("Clients at risk"),
        [_("Client"), _("Manager"), _("Membership ends"), _("Last visit"), _("Reasons")],
        [
            Row([
                Cell(client.full_name, url=reverse("client-card", args=[client.pk])),
                Cell(
                    (client.assigned_manager.get_full_name() or client.assigned_manager.get_username())
                    if client.assigned_manager else ""
                ),
                Cell(client.membership_end, "date"),
                Cell(client.last_visit, "date"),
                Cell(client.reasons, "reasons"),
            ])
            for client in at_risk["rows"]
        ],
        numeric=[False] * 5,
    )


def revenue_table(series: dict) -> Table:
    names = series["departments"]
    return Table(
        "revenue", _("Revenue by month"),
        [_("Month")] + [in_currency(name) for name in names] + [in_currency(_("Total"))],
        [
            Row(
                [Cell(month_label(month))]
                + [Cell(series["values"][name][i], "amount") for name in names]
                + [Cell(series["totals"][i], "amount")]
            )
            for i, month in enumerate(series["months"])
        ],
        numeric=[False] + [True] * (len(names) + 1),
    )


def active_table(series: dict) -> Table:
    return Table(
        "active_members", _("Active members by month"),
        [_("Month"), _("As of"), _("Active members")],
        [
            Row([Cell(month_label(month)), Cell(day, "date"), Cell(value, "count")])
            for month, day, value in zip(series["months"], series["days"], series["values"])
        ],
        numeric=[False, False, True],
    )


def renewal_table(series: dict) -> Table:
    return Table(
        "renewals", _("Renewal rate by month"),
        [
            _("Month"), _("Ended"),
            ngettext("Renewed within %(days)d day", "Renewed within %(days)d days", rules.RENEWAL_WINDOW_DAYS)
            % {"days": rules.RENEWAL_WINDOW_DAYS},
            _("Renewal rate"),
        ],
        [
            Row([Cell(month_label(m)), Cell(e, "count"), Cell(r, "count"), Cell(rate, "percent")])
            for m, e, r, rate in zip(series["months"], series["ended"], series["renewed"], series["rates"])
        ],
        numeric=[False, True, True, True],
    )


def nps_table(series: dict) -> Table:
    return Table(
        "nps", _("NPS by month"),
        [_("Month"), _("Answers"), _("NPS")],
        [
            Row([Cell(month_label(m)), Cell(a, "count"), Cell(score, "score")])
            for m, a, score in zip(series["months"], series["answers"], series["scores"])
        ],
        numeric=[False, True, True],
    )


# Each table: where it reads the dashboard's figures and how it is made. The page and the CSV
# export use the same pairs over the same (cached) figures, so that they cannot disagree.
TABLES = {
    "kpis": (lambda data: data, kpi_table),
    "revenue": (lambda data: data["series"]["revenue"], revenue_table),
    "active_members": (lambda data: data["series"]["active"], active_table),
    "renewals": (lambda data: data["series"]["renewal"], renewal_table),
    "nps": (lambda data: data["series"]["nps"], nps_table),
    "managers": (lambda data: data["managers"], managers_table),
    "departments": (lambda data: data["departments"], departments_table),
    "staff": (lambda data: data["staff"], staff_table),
    "at_risk": (lambda data: data["at_risk"], at_risk_table),
}


def csv_response(table: Table, period: Period) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    department = f"-{period.department.code}" if period.department else ""
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{table.name}{department}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv"'
    )
    csv.writer(response).writerows(table.csv_rows())
    return response
