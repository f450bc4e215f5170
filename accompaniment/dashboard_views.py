"""The director's dashboard page and its CSV exports.

A table is built once from a selector's result (``accompaniment.dashboard``) and rendered
either as HTML or as CSV, so that the page and an export can never disagree (the idea of
django-oscar's reports: a period + a query + formatters).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.dates import outside_dates_message, within_dates
from clients import rules
from staff.models import Department

from . import dashboard
from .dashboard import Period, add_months, at_risk_reason_label

LONGEST_DAYS = 10 * 366

PRESETS = [
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("this_year", _("This year")),
    ("last_12_months", _("Last 12 months")),
    ("custom", _("Custom range")),
]
DEFAULT_PRESET = "this_month"

def preset_dates(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates of a preset: the current month, quarter and year run up to today."""
    if preset == "last_month":
        end = today.replace(day=1) - datetime.timedelta(days=1)
        return end.replace(day=1), end
    if preset == "this_quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    if preset == "last_12_months":
        return add_months(today, -12) + datetime.timedelta(days=1), today
    return today.replace(day=1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All departments"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        preset = cleaned.get("period") or ("custom" if start or end else DEFAULT_PRESET)
        cleaned["period"] = preset
        if preset != "custom" or "start" in self.errors or "end" in self.errors:
            return cleaned
        if start is None or end is None:
            raise forms.ValidationError(_("Enter both the first and the last day of the period."))
        if start > end:
            self.add_error("end", _("The end of the period cannot be before its start."))
        elif not (within_dates(start) and within_dates(end)):
            self.add_error("start", outside_dates_message())
        elif (end - start).days >= LONGEST_DAYS:
            self.add_error("end", _("Choose a period of at most ten years."))
        return cleaned

    def period_for(self, today: datetime.date) -> tuple[str, Period]:
        """The chosen period, or this month when the form is unbound or invalid."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            if data["period"] == "custom":
                start, end = data["start"], data["end"]
            else:
                start, end = preset_dates(data["period"], today)
            return data["period"], Period(start, end, data["department"])
        start, end = preset_dates(DEFAULT_PRESET, today)
        return DEFAULT_PRESET, Period(start, end)


# --- Tables: one definition for the page and the CSV --------------------------------------------
def display(value, kind: str = "text", signed: bool = False) -> str:
    """A value as the page shows it (localized, grouped thousands); "—" for nothing."""
    if value is None or value == "":
        return "—"
    if kind == "date":
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date()
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    places = {"count": 0, "score": 0, "money": 2, "decimal": 2, "percent": 1, "relative": 1}.get(kind)
    if places is None:
        return str(value)
    text = formats.number_format(value, places, use_l10n=True, force_grouping=kind in ("count", "money"))
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
    kind: str = "text"  # text, count, money, percent, relative, decimal, score, date, reasons
    url: str | None = None
    signed: bool = False
    numeric: bool = False

    @property
    def display(self) -> str:
        return display(self.value, self.kind, self.signed)

    @property
    def labels(self) -> list[str]:
        return [at_risk_reason_label(reason) for reason in self.value or []]

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
    def header(self):
        return list(zip(self.columns, self.numeric))

    def csv_rows(self) -> list[list[str]]:
        return [[defuse(str(c)) for c in self.columns]] + [
            [cell.csv_value() for cell in row.cells] for row in self.rows
        ]


def _month(day: datetime.date) -> str:
    return formats.date_format(day, "M Y")


def kpi_table(rows: list[dict]) -> Table:
    return Table(
        "kpis", _("Headline numbers"),
        [_("Indicator"), _("This period"), _("Previous period"), _("Change"), _("Change, %")],
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
            ngettext("Renewals due in %(days)d day", "Renewals due in %(days)d days", dashboard.RENEWALS_DUE_DAYS)
            % {"days": dashboard.RENEWALS_DUE_DAYS},
            _("Ended in the period"), _("Renewed"), _("Offers made"), _("Offers accepted"),
            _("Revenue from their clients"), _("Open complaints"), _("Resolved complaints"),
        ],
        [
            Row([
                Cell(user.get_full_name() or user.get_username()),
                Cell(user.clients, "count"), Cell(user.at_risk, "count"),
                Cell(user.renewals_due, "count"), Cell(user.ended, "count"),
                Cell(user.renewed, "count"), Cell(user.offers_made, "count"),
                Cell(user.offers_accepted, "count"), Cell(user.revenue, "money"),
                Cell(user.complaints_open, "count"), Cell(user.complaints_resolved, "count"),
            ])
            for user in managers
        ],
        numeric=[False] + [True] * 10,
    )


def departments_table(rows) -> Table:
    return Table(
        "departments", _("Departments"),
        [_("Department"), _("Turnover"), _("Consumables"), _("Salaries"), _("Profit")],
        [
            Row([
                Cell(row.name), Cell(row.turnover, "money"), Cell(row.consumables, "money"),
                Cell(row.salaries, "money"), Cell(row.profit, "money"),
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
        [_("Month")] + names + [_("Total")],
        [
            Row(
                [Cell(_month(month))]
                + [Cell(series["values"][name][i], "money") for name in names]
                + [Cell(series["totals"][i], "money")]
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
            Row([Cell(_month(month)), Cell(day, "date"), Cell(value, "count")])
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
            Row([Cell(_month(m)), Cell(e, "count"), Cell(r, "count"), Cell(rate, "percent")])
            for m, e, r, rate in zip(series["months"], series["ended"], series["renewed"], series["rates"])
        ],
        numeric=[False, True, True, True],
    )


def nps_table(series: dict) -> Table:
    return Table(
        "nps", _("NPS by month"),
        [_("Month"), _("Answers"), _("NPS")],
        [
            Row([Cell(_month(m)), Cell(a, "count"), Cell(score, "score")])
            for m, a, score in zip(series["months"], series["answers"], series["scores"])
        ],
        numeric=[False, True, True],
    )


# Each table: where it reads the dashboard's figures and how it is made. The page and the CSV
# export use the same pairs over the same (cached) figures, so that they cannot disagree.
TABLES = {
    "kpis": (lambda data: data["kpis"], kpi_table),
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


def _chart_data(series: dict) -> dict:
    def floats(values):
        return [None if v is None else float(v) for v in values]

    revenue = series["revenue"]
    labels = [_month(m) for m in revenue["months"]]
    return {
        "currency": settings.CURRENCY,
        "revenue": {
            "labels": labels,
            "datasets": [
                {"label": name, "data": floats(revenue["values"][name])} for name in revenue["departments"]
            ],
        },
        "active": {"labels": labels, "label": str(_("Active members")), "data": series["active"]["values"]},
        "renewal": {"labels": labels, "label": str(_("Renewal rate, %")), "data": floats(series["renewal"]["rates"])},
        "nps": {"labels": labels, "label": str(_("NPS")), "data": series["nps"]["scores"]},
    }


def dashboard_page(request):
    """The club's health for a period and a department; ``?export=<table>`` gives a table as CSV
    (the same selector and table as the page). Its view (``accompaniment.views.dashboard``)
    requires ``open_dashboard``."""
    form = DashboardFilterForm(request.GET or None)
    preset, period = form.period_for(timezone.localdate())
    invalid = form.is_bound and not form.is_valid()
    export = request.GET.get("export")
    if export and not invalid and export not in TABLES:
        raise Http404("No such table.")
    data = dashboard.dashboard_cached(period, refresh=request.GET.get("refresh") == "1")
    if export and not invalid:
        read, make_table = TABLES[export]
        return csv_response(make_table(read(data)), period)
    series = data["series"]
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("refresh", None)
    staff_quality_query = f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    tables = {name: make_table(read(data)) for name, (read, make_table) in TABLES.items()}
    cards = [
        {
            **row,
            "value_display": display(row["value"], row["kind"]),
            "previous_display": display(row["previous"], row["kind"]),
            "change_display": display(row["change"], row["kind"], signed=True) if row["change"] else "",
            "change_percent_display": (
                display(row["change_percent"], "relative", signed=True)
                if row["change_percent"] is not None else ""
            ),
        }
        for row in data["kpis"]
    ]
    sections = [
        {"table": tables["revenue"], "chart": "chart-revenue"},
        {"table": tables["active_members"], "chart": "chart-active"},
        {"table": tables["renewals"], "chart": "chart-renewal"},
        {"table": tables["nps"], "chart": "chart-nps"},
        {"table": tables["managers"], "wide": True},
        {"table": tables["departments"]},
        {"table": tables["staff"], "link": (reverse("staff:quality") + "?" + staff_quality_query, _("Open the staff quality page"))},
        {"table": tables["at_risk"], "wide": True, "total": data["at_risk"]["total"]},
    ]
    return render(
        request,
        "accompaniment/dashboard.html",
        {
            **data,
            "cards": cards,
            "sections": sections,
            "form": form,
            "preset": preset,
            "preset_label": dict(PRESETS)[preset],
            "tables": tables,
            "charts": _chart_data(series),
            # The exports follow what is shown (the default period when the form is invalid).
            "export_query": "" if invalid else query.urlencode(),
            "exports": [(name, table.title) for name, table in tables.items()],
        },
    )
